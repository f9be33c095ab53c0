using Cake.Core.IO;

namespace Cake.Parallel;

/// <summary>Fluent setters for <see cref="ParallelLeg"/>.</summary>
public static class ParallelLegExtensions
{
    /// <summary>Sets the leg's working directory (relative to the Cake working directory).</summary>
    /// <param name="leg">The leg.</param>
    /// <param name="workingDirectory">The directory; it must exist.</param>
    /// <returns>The same leg, for chaining.</returns>
    public static ParallelLeg SetWorkingDirectory(this ParallelLeg leg, DirectoryPath workingDirectory) => Apply(leg, l => l.WorkingDirectory = workingDirectory);

    /// <summary>Sets an environment variable for the leg.</summary>
    /// <param name="leg">The leg.</param>
    /// <param name="name">The variable's name.</param>
    /// <param name="value">The value; <see langword="null"/> removes the variable from the leg's environment.</param>
    /// <returns>The same leg, for chaining.</returns>
    public static ParallelLeg WithEnvironmentVariable(this ParallelLeg leg, string name, string? value) => Apply(leg, l => l.EnvironmentVariables[name] = value);

    /// <summary>Sets the leg's per-attempt timeout, overriding the run's.</summary>
    /// <param name="leg">The leg.</param>
    /// <param name="timeout">A positive duration.</param>
    /// <returns>The same leg, for chaining.</returns>
    public static ParallelLeg SetTimeout(this ParallelLeg leg, TimeSpan timeout) => Apply(leg, l => l.Timeout = timeout);

    /// <summary>Declares the memory the leg needs; it is reserved machine-wide while the leg runs.</summary>
    /// <param name="leg">The leg.</param>
    /// <param name="bytes">The amount, positive (e.g. <c>2L &lt;&lt; 30</c> for 2 GiB).</param>
    /// <returns>The same leg, for chaining.</returns>
    public static ParallelLeg SetMemory(this ParallelLeg leg, long bytes) => Apply(leg, l => l.Memory = bytes);

    /// <summary>Gives the leg its own retry policy (overriding the run's) of up to <paramref name="maxAttempts"/> attempts.</summary>
    /// <param name="leg">The leg.</param>
    /// <param name="maxAttempts">Total attempts, the first included.</param>
    /// <param name="initialDelay">The wait before the first retry; default 1 s.</param>
    /// <param name="maxDelay">The longest wait; default 30 s.</param>
    /// <returns>The same leg, for chaining.</returns>
    public static ParallelLeg WithRetry(this ParallelLeg leg, int maxAttempts, TimeSpan? initialDelay = null, TimeSpan? maxDelay = null) =>
        Apply(leg, l => l.Retry = (l.Retry ?? new ParallelRetrySettings()).Configure(maxAttempts, initialDelay, maxDelay));

    /// <summary>Masks <paramref name="value"/> as <c>***</c> wherever the leg's output would show it.</summary>
    /// <param name="leg">The leg.</param>
    /// <param name="value">The secret value.</param>
    /// <returns>The same leg, for chaining.</returns>
    public static ParallelLeg WithSecretValue(this ParallelLeg leg, string value) => Apply(leg, l => l.SecretValues.Add(value));

    /// <summary>
    /// Makes the leg wait for other legs of the same run: it starts as soon as every one of them succeeded (legs
    /// that need nothing keep running meanwhile, and a waiting leg holds no slot). When one of them fails, times out
    /// or is not started, this leg is not started either, and its reason says so, e.g.
    /// <c>Not started: needs lint, which failed</c>. An unknown name, a leg needing itself and legs needing each other
    /// in a cycle are errors before anything starts.
    /// </summary>
    /// <param name="leg">The leg.</param>
    /// <param name="legNames">The names (or stable ids) of the legs it needs; may be called again to add more.</param>
    /// <returns>The same leg, for chaining.</returns>
    /// <example>
    /// <code>
    /// Task("Ci").Does(() =>
    /// {
    ///     RunParallel(new[]
    ///     {
    ///         new ParallelLeg("restore", "dotnet", "restore"),
    ///         new ParallelLeg("lint", "npm", "run", "lint").SetWorkingDirectory("./web"),
    ///         new ParallelLeg("build", "dotnet", "build", "--no-restore").DependsOn("restore"),
    ///         new ParallelLeg("test", "dotnet", "test", "--no-build").DependsOn("build", "lint"),
    ///     },
    ///     new ParallelSettings { MaxParallel = 2 });
    /// });
    /// </code>
    /// </example>
    public static ParallelLeg DependsOn(this ParallelLeg leg, params string[] legNames)
    {
        ArgumentNullException.ThrowIfNull(legNames);
        return Apply(leg, l =>
        {
            foreach (var name in legNames)
            {
                l.Needs.Add(name);
            }
        });
    }

    private static ParallelLeg Apply(ParallelLeg leg, Action<ParallelLeg> change)
    {
        ArgumentNullException.ThrowIfNull(leg);
        change(leg);
        return leg;
    }
}
