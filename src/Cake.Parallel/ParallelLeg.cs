using Cake.Core.IO;

namespace Cake.Parallel;

/// <summary>
/// One leg of <see cref="ParallelAliases.RunParallel"/>: a program with its arguments, run in its own process group.
/// </summary>
/// <remarks>
/// Arguments are passed literally (no shell parses them); run <c>/bin/sh</c> with <c>-c</c> for shell syntax.
/// A relative <see cref="Executable"/> containing a slash is resolved against the leg's working directory.
/// </remarks>
public sealed class ParallelLeg
{
    /// <summary>Creates a leg that runs <paramref name="executable"/> with <paramref name="arguments"/>.</summary>
    /// <param name="name">A unique name, shown in the log and the summary.</param>
    /// <param name="executable">A path, or a file name looked up on <c>PATH</c>.</param>
    /// <param name="arguments">The arguments, each passed literally.</param>
    public ParallelLeg(string name, string executable, params string[] arguments)
    {
        Name = name;
        Executable = executable;
        Arguments = arguments;
    }

    /// <summary>Gets the leg's unique name.</summary>
    public string Name { get; }

    /// <summary>Gets the program to run.</summary>
    public string Executable { get; }

    /// <summary>Gets the arguments, each passed literally.</summary>
    public IReadOnlyList<string> Arguments { get; }

    /// <summary>
    /// Gets or sets the working directory; relative paths are resolved against the Cake working directory, which is
    /// also the default.
    /// </summary>
    public DirectoryPath? WorkingDirectory { get; set; }

    /// <summary>Gets the environment variables set for this leg; a <see langword="null"/> value removes the variable.</summary>
    public IDictionary<string, string?> EnvironmentVariables { get; } = new Dictionary<string, string?>(StringComparer.Ordinal);

    /// <summary>Gets or sets this leg's per-attempt timeout; overrides <see cref="ParallelSettings.Timeout"/>.</summary>
    public TimeSpan? Timeout { get; set; }

    /// <summary>Gets or sets the memory, in bytes, the leg needs: it starts only when that much is available and reserves it machine-wide while it runs.</summary>
    public long? Memory { get; set; }

    /// <summary>Gets or sets this leg's retry policy; overrides <see cref="ParallelSettings.Retry"/>.</summary>
    public ParallelRetrySettings? Retry { get; set; }

    /// <summary>
    /// Gets the names of the legs this leg needs (see <see cref="ParallelLegExtensions.DependsOn"/>): it starts only
    /// after each of them succeeded, without holding a slot while it waits, and is not started when one did not.
    /// </summary>
    public ICollection<string> Needs { get; } = new List<string>();

    /// <summary>Gets values that must never appear in the log (tokens, passwords); each occurrence is shown as <c>***</c>.</summary>
    public ICollection<string> SecretValues { get; } = new List<string>();
}
