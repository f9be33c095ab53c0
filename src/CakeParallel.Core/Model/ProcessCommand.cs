namespace CakeParallel.Model;

/// <summary>
/// One process to run under supervision: what to start (an argv, never a shell line), where, with which
/// environment, which values to mask in its output, how its process group is stopped, and how much of its output
/// is kept. Pure data: legs, services, probe commands and docker client calls each make one.
/// </summary>
/// <param name="Executable">A path, or a file name looked up on <c>PATH</c> (the environment's own, if it sets one).</param>
/// <param name="Arguments">The argv after the executable, each element literally.</param>
internal sealed record ProcessCommand(string Executable, IReadOnlyList<string> Arguments)
{
    /// <summary>
    /// Whether the runner's keeper ends this process if the runner dies, and processes that leave its group are
    /// searched for and ended when it exits (default). Off only for the keeper itself.
    /// </summary>
    public bool Guarded { get; init; } = true;

    /// <summary>
    /// Whether the process starts from the runner's environment (default) or from an empty one with only
    /// <c>PATH</c>, plus <see cref="Environment"/> (the keeper: it must carry none of the runner's variables).
    /// </summary>
    public bool InheritEnvironment { get; init; } = true;

    /// <summary>Whether stdin stays open for the caller to write (the keeper's lifeline); otherwise it is closed at once.</summary>
    public bool KeepStandardInput { get; init; }

    /// <summary>The working directory; <see langword="null"/> for the current directory.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Variables to set for the process; a <see langword="null"/> value removes the variable.</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = System.Collections.ObjectModel.ReadOnlyDictionary<string, string?>.Empty;

    /// <summary>Values replaced by <c>***</c> in every output line before anyone sees it.</summary>
    public IReadOnlyList<string> SecretValues { get; init; } = [];

    /// <summary>How the process group is stopped when asked to, and what it left behind once the main process exited.</summary>
    public TerminationSequence Termination { get; init; } = TerminationSequence.Default;

    /// <summary>Longer lines are split into pieces of this many bytes, so no line is buffered without bound.</summary>
    public int MaxLineBytes { get; init; } = 64 * 1024;

    /// <summary>How long output is still read after the group is gone (a process outside it may hold the pipe).</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How many of the last output lines the exit record keeps.</summary>
    public int TailLines { get; init; } = 50;

    /// <summary>
    /// Whether both output streams are read on a thread of their own with large blocking reads (a long-lived, possibly
    /// chatty process: a service) rather than on the thread pool whenever the readiness loop finds them readable (a
    /// leg: no thread per process).
    /// </summary>
    public bool ReadOutputOnOwnThreads { get; init; }

    /// <summary>The argv as one display string with the secret values masked (for logs only; never executed).</summary>
    public string DisplayText => SecretValues.Count == 0
        ? CommandLineDisplay.Format(Executable, Arguments)
        : new SecretMask(SecretValues).Apply(CommandLineDisplay.Format(Executable, Arguments));
}
