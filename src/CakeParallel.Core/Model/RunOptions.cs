namespace CakeParallel.Model;

/// <summary>How a run is scheduled and supervised. Immutable; derive variants with <c>with</c>.</summary>
public sealed record RunOptions
{
    /// <summary>The most legs running at once (default: the processor count). Must be at least 1.</summary>
    public int MaxParallel { get; init; } = Environment.ProcessorCount;

    /// <summary>
    /// On the first leg that finally fails or times out, start no further legs (they end <see cref="LegStatus.NotStarted"/>)
    /// and terminate the running ones (<see cref="LegStatus.Cancelled"/>). Default off: every leg runs.
    /// </summary>
    public bool FailFast { get; init; }

    /// <summary>
    /// Background services to start (all ready) before the first leg and stop after the last, on every exit path
    /// (default none). If one cannot start, no leg starts; what happened to them is in <see cref="RunResult.ServiceEvents"/>.
    /// </summary>
    public IReadOnlyList<ServiceSpec> Services { get; init; } = [];

    /// <summary>Timeout of each attempt (default none). Must be positive when set.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Deadline for the whole run, measured from its start (default none). Must be positive when set.</summary>
    public TimeSpan? Deadline { get; init; }

    /// <summary>How legs are terminated on timeout, fail-fast and cancellation (default: SIGTERM, 10 s, SIGKILL).</summary>
    public TerminationSequence Termination { get; init; } = TerminationSequence.Default;

    /// <summary>The retry policy of legs that do not set their own (default: no retries).</summary>
    public RetryPolicy Retry { get; init; } = RetryPolicy.None;

    /// <summary>Where each leg's complete log is written (default: a new folder under the temp directory).</summary>
    public string? LogDirectory { get; init; }

    /// <summary>How many of a leg's last output lines its result keeps (default 50).</summary>
    public int OutputTailLines { get; init; } = 50;

    /// <summary>Longer lines are split into pieces of this many bytes (default 64 KiB), so no line is buffered forever.</summary>
    public int MaxLineBytes { get; init; } = 64 * 1024;

    /// <summary>
    /// How long the runner keeps reading a leg's output after its main process exited and its group was
    /// terminated (default 2 s); bounds the wait for a process that escaped the group yet holds the pipe.
    /// </summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Whether an attempt that exits 0 but left processes behind outside its group (<c>setsid cmd &amp;</c>, a
    /// double fork) fails. Either way those processes are terminated when the attempt ends and the leg's
    /// <see cref="LegResult.Remarks"/> say so (default <see langword="false"/>: a remark only).
    /// </summary>
    public bool FailOnEscapedProcesses { get; init; }

    /// <summary>
    /// The machine-wide slot pool every attempt also holds a slot of while it runs, shared with every other run on
    /// the machine that names it (default none: only <see cref="MaxParallel"/> bounds the run).
    /// </summary>
    public SharedSlots? SharedSlots { get; init; }

    /// <summary>
    /// An attempt starts only while the machine's available memory (<c>MemAvailable</c>, minus what running legs
    /// of every run reserved with <see cref="LegSpec.Memory"/>, minus the leg's own) stays at or above this many
    /// bytes (default none).
    /// </summary>
    public long? MinFreeMemory { get; init; }

    /// <summary>An attempt starts only while the machine's 1-minute load average is below this (default none).</summary>
    public double? MaxLoad { get; init; }

    /// <summary>
    /// How long a leg's first attempt may wait for machine-wide admission (a shared slot, memory, load) before the
    /// leg ends <see cref="LegStatus.NotStarted"/> with the reason (default none: it waits as long as the run goes on;
    /// retries always wait).
    /// </summary>
    public TimeSpan? AdmissionTimeout { get; init; }

    /// <summary>
    /// Run only this shard's legs (default <see langword="null"/>: every leg). Without <see cref="ShardPlan"/> the
    /// legs are split by count: sorted by stable id, dealt round-robin, so every machine computes the same split
    /// whatever the legs' order. With <see cref="ShardPlan"/> the shard runs the legs the plan lists for it.
    /// </summary>
    public Shard? Shard { get; init; }

    /// <summary>
    /// A shard plan file (written by <c>ShardPlanning</c>): the shard's legs are the ones the plan lists for it, so
    /// shards balanced by expected duration agree whatever history each CI job sees. Only read when <see cref="Shard"/> is set.
    /// </summary>
    public string? ShardPlan { get; init; }

    /// <summary>
    /// Earlier JSON reports whose leg durations are the expected durations of this run's legs (by stable id; the
    /// latest report that ran a leg wins). Legs start longest expected first, legs without history before all of
    /// them; each leg's report records its expected duration. Empty (default): legs start in the given order.
    /// </summary>
    public IReadOnlyList<string> HistoryFrom { get; init; } = [];

    /// <summary>Receives the run's events, or <see langword="null"/>.</summary>
    public IRunListener? Listener { get; init; }

    /// <summary>The reports written when the run ends (also when it failed or was cancelled), and the report to resume from.</summary>
    public ReportOptions Reports { get; init; } = ReportOptions.None;

    /// <summary>
    /// The most bytes a leg's log file keeps (default 256 MB): beyond it the log keeps its first half and its last
    /// lines, with a line stating how much was cut between them. <see langword="null"/> or a value of 0 or less keeps everything.
    /// </summary>
    public long? MaxLogBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>
    /// Run every leg even when it is up to date (default off). Docker build legs are otherwise not built when an
    /// image with their inputs hash already exists under their tags (they end <see cref="LegStatus.UpToDate"/>);
    /// with Rebuild they build, and their images are still labelled with the hash.
    /// </summary>
    public bool Rebuild { get; init; }
}
