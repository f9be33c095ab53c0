namespace CakeParallel.Model;

/// <summary>
/// A background service: a long-running process (a local registry, a BuildKit daemon, a test server) started in
/// its own process group, watched by readiness probes until it is healthy, and stopped with a termination sequence.
/// </summary>
/// <remarks>
/// The arguments are an argv list, passed literally; use <see cref="Shell"/> for a shell command line.
/// Instances are immutable; use <c>with</c> expressions to derive variants.
/// </remarks>
/// <example>
/// <code>
/// var web = new ServiceSpec("web", "python3", ["-m", "http.server", "8000", "--bind", "127.0.0.1"])
/// {
///     Probes = [new HttpProbe("http://127.0.0.1:8000/")],
///     ReadinessTimeout = TimeSpan.FromSeconds(30),
/// };
/// await using var service = await RunningService.StartAsync(web);
/// </code>
/// </example>
public sealed record ServiceSpec
{
    /// <summary>Creates a service that runs <paramref name="executable"/> with <paramref name="arguments"/> as argv.</summary>
    /// <param name="name">A unique, human-readable name (shown in logs and reports).</param>
    /// <param name="executable">A path, or a file name looked up on <c>PATH</c>.</param>
    /// <param name="arguments">The arguments, passed literally.</param>
    public ServiceSpec(string name, string executable, IEnumerable<string>? arguments = null)
    {
        Name = name;
        Executable = executable;
        Arguments = arguments?.ToArray() ?? [];
    }

    /// <summary>Creates a service that runs <paramref name="commandLine"/> through <c>/bin/sh -c</c>.</summary>
    /// <param name="name">A unique, human-readable name.</param>
    /// <param name="commandLine">The shell command line.</param>
    public static ServiceSpec Shell(string name, string commandLine) => new(name, "/bin/sh", ["-c", commandLine]);

    /// <summary>The service's unique name.</summary>
    public string Name { get; init; }

    /// <summary>The program to run: a path, or a file name looked up on <c>PATH</c>.</summary>
    public string Executable { get; init; }

    /// <summary>The argv passed to <see cref="Executable"/>, each element literally.</summary>
    public IReadOnlyList<string> Arguments { get; init; }

    /// <summary>The working directory; <see langword="null"/> for the current directory.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Environment variables to set for the service; a <see langword="null"/> value removes the variable.</summary>
    public IReadOnlyDictionary<string, string?> EnvironmentVariables { get; init; } = new Dictionary<string, string?>();

    /// <summary>
    /// The readiness probes. The service is ready once every probe has passed (a probe that passed is not run
    /// again). With no probes the service counts as ready as soon as its process has started.
    /// </summary>
    public IReadOnlyList<ReadinessProbe> Probes { get; init; } = [];

    /// <summary>The pause between two rounds of probes (default 250 ms).</summary>
    public TimeSpan ProbeInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How long one probe may take before it counts as failed, unless the probe sets its own (default 5 s).</summary>
    public TimeSpan ProbeTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long the service has to become ready before it is stopped and reported as failed (default 60 s).</summary>
    public TimeSpan ReadinessTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How the service's process group is stopped (default: SIGTERM, 10 s, SIGKILL).</summary>
    public TerminationSequence Termination { get; init; } = TerminationSequence.Default;

    /// <summary>The service's log file (default: a new file under the temp directory); its folder is created.</summary>
    public string? LogFile { get; init; }

    /// <summary>
    /// The most the service's log may hold, in bytes (default 100 MB, at least 1 MB). Past it the oldest half is
    /// dropped and a note at the top of the log says so, so the log always ends with the latest output.
    /// </summary>
    public long MaxLogBytes { get; init; } = 100L * 1024 * 1024;

    /// <summary>
    /// How often the probes (all but <see cref="OutputProbe"/>s) are run again once the service is ready, to tell
    /// that it is still healthy; <see langword="null"/> (the default) checks readiness only once.
    /// </summary>
    public TimeSpan? HealthCheckInterval { get; init; }

    /// <summary>How many health checks in a row must fail before the service counts as unhealthy (default 3).</summary>
    public int HealthCheckFailures { get; init; } = 3;

    /// <summary>
    /// Whether a service that dies or turns unhealthy after it was ready is only a warning. By default (false) it
    /// is an error: a run's legs not yet started do not start, running legs are cancelled and the run fails; Cake's
    /// and MSBuild's service tasks fail when the service is stopped.
    /// </summary>
    public bool ServiceFailureIsWarning { get; init; }

    /// <summary>How many of the service's last output lines are kept for reports (default 50).</summary>
    public int OutputTailLines { get; init; } = 50;

    /// <summary>Values that must never appear in the log or in reports; every occurrence is replaced by <c>***</c>.</summary>
    public IReadOnlyList<string> SecretValues { get; init; } = [];

    /// <summary>The argv as one display string (for logs only; never executed by a shell).</summary>
    public string DisplayCommand => CommandLineDisplay.Format(Executable, Arguments);

    /// <summary>The service's process, supervised with its termination sequence and tail length.</summary>
    internal ProcessCommand ToCommand() => new(Executable, Arguments)
    {
        WorkingDirectory = WorkingDirectory,
        Environment = EnvironmentVariables,
        SecretValues = SecretValues,
        Termination = Termination,
        TailLines = OutputTailLines,
        ReadOutputOnOwnThreads = true,
    };
}
