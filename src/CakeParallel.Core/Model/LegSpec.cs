using System.Collections.ObjectModel;

namespace CakeParallel.Model;

/// <summary>
/// One leg of a run: a single child process, started in its own process group, with its own arguments,
/// working directory, environment, timeout and retry policy.
/// </summary>
/// <remarks>
/// The arguments are an argv list: nothing is parsed by a shell unless <see cref="Shell"/> is used explicitly.
/// Instances are immutable; use <c>with</c> expressions to derive variants.
/// </remarks>
public sealed record LegSpec
{
    /// <summary>Creates a leg that runs <paramref name="executable"/> with <paramref name="arguments"/> as argv.</summary>
    /// <param name="name">A unique, human-readable name (shown in logs and reports).</param>
    /// <param name="executable">A path, or a file name looked up on <c>PATH</c>.</param>
    /// <param name="arguments">The arguments, passed literally.</param>
    public LegSpec(string name, string executable, IEnumerable<string>? arguments = null)
    {
        Name = name;
        Executable = executable;
        Arguments = arguments?.ToArray() ?? [];
    }

    /// <summary>Creates a leg that runs <paramref name="commandLine"/> through <c>/bin/sh -c</c>, like MSBuild's <c>Exec</c>.</summary>
    /// <param name="name">A unique, human-readable name.</param>
    /// <param name="commandLine">The shell command line.</param>
    public static LegSpec Shell(string name, string commandLine) => new(name, "/bin/sh", ["-c", commandLine]);

    /// <summary>The leg's unique name.</summary>
    public string Name { get; init; }

    /// <summary>
    /// The leg's stable identity: by default derived from <see cref="Parameters"/> when there are any, else from
    /// <see cref="Name"/>, so the same leg keeps its id when other legs are added, removed or reordered.
    /// </summary>
    public string Id
    {
        get => _id ??= Parameters.Count > 0 ? LegId.FromParameters(Parameters) : LegId.FromName(Name);
        init => _id = value;
    }

    private string? _id;

    /// <summary>The program to run: a path, or a file name looked up on <c>PATH</c>.</summary>
    public string Executable { get; init; }

    /// <summary>The argv passed to <see cref="Executable"/>, each element literally.</summary>
    public IReadOnlyList<string> Arguments { get; init; }

    /// <summary>The working directory; <see langword="null"/> for the runner's current directory.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Environment variables to set for this leg; a <see langword="null"/> value removes the variable.</summary>
    public IReadOnlyDictionary<string, string?> EnvironmentVariables { get; init; } = ReadOnlyDictionary<string, string?>.Empty;

    /// <summary>The matrix parameters this leg was made from (empty for legs that are not from a matrix).</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; init; } = ReadOnlyDictionary<string, string>.Empty;

    /// <summary>
    /// The legs this leg needs, by <see cref="Id"/> or <see cref="Name"/>: it starts only after each of them
    /// succeeded, and ends <see cref="LegStatus.NotStarted"/> when one of them did not.
    /// </summary>
    public IReadOnlyList<string> Needs { get; init; } = [];

    /// <summary>Per-attempt timeout for this leg; overrides <see cref="RunOptions.Timeout"/> when set.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>
    /// The memory the leg needs, in bytes (default none). Each attempt starts only when that much is available
    /// above <see cref="RunOptions.MinFreeMemory"/>, and reserves it machine-wide while it runs, so runs in other
    /// processes count it as taken.
    /// </summary>
    public long? Memory { get; init; }

    /// <summary>Retry policy for this leg; overrides <see cref="RunOptions.Retry"/> when set.</summary>
    public RetryPolicy? Retry { get; init; }

    /// <summary>
    /// Values that must never appear in logs, reports or listener output (for example secret values);
    /// every occurrence in an output line is replaced by <c>***</c>.
    /// </summary>
    public IReadOnlyList<string> SecretValues { get; init; } = [];

    /// <summary>Classifies failed attempts as transient or deterministic (docker legs set one); optional.</summary>
    public IFailureClassifier? FailureClassifier { get; init; }

    /// <summary>Inspects the leg after its last attempt and may enrich its result (docker legs read the image id); optional.</summary>
    public ILegInspector? Inspector { get; init; }

    /// <summary>The platform the leg builds for, which decides the endpoints it may run on (docker legs); <see langword="null"/>: any.</summary>
    internal string? Platform { get; init; }

    /// <summary>Further argv lists for <see cref="Executable"/> run in the same attempt, each only after the one before exited 0 (docker push after build).</summary>
    internal IReadOnlyList<IReadOnlyList<string>> FollowUpArguments { get; init; } = [];

    /// <summary>
    /// Derives the leg that actually runs from the results of the legs it <see cref="Needs"/> (in the order of
    /// <see cref="Needs"/>), just before its first attempt; docker legs use it to put a needed leg's image id into
    /// their build. <see langword="null"/>: the leg runs as specified.
    /// </summary>
    internal Func<IReadOnlyList<LegResult>, LegSpec>? BindNeeds { get; init; }

    /// <summary>
    /// Decides when the leg starts on its engine whether it needs to run (docker legs: an image with its inputs hash
    /// exists) and what it runs; <see langword="null"/>: the leg always runs as specified.
    /// </summary>
    internal IUpToDateCheck? UpToDateCheck { get; init; }

    /// <summary>The argv as one display string with <see cref="SecretValues"/> masked (for logs only; never executed by a shell).</summary>
    public string DisplayCommand => new ProcessCommand(Executable, Arguments) { SecretValues = SecretValues }.DisplayText;

    /// <summary>The processes one attempt runs in order, supervised as <paramref name="options"/> say, each pointed where <paramref name="route"/> says.</summary>
    internal ProcessCommand[] ToCommands(RunOptions options, string executable, Func<ProcessCommand, ProcessCommand> route)
    {
        var commands = new ProcessCommand[1 + FollowUpArguments.Count];
        commands[0] = route(ToCommand(options, executable, Arguments));
        for (var i = 0; i < FollowUpArguments.Count; i++)
        {
            commands[i + 1] = route(ToCommand(options, executable, FollowUpArguments[i]));
        }

        return commands;
    }

    private ProcessCommand ToCommand(RunOptions options, string executable, IReadOnlyList<string> arguments) => new(executable, arguments)
    {
        WorkingDirectory = WorkingDirectory,
        Environment = EnvironmentVariables,
        SecretValues = SecretValues,
        Termination = options.Termination,
        MaxLineBytes = options.MaxLineBytes,
        DrainTimeout = options.DrainTimeout,
        TailLines = options.OutputTailLines,
    };
}
