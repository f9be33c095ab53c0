namespace CakeParallel.Model;

/// <summary>What happened in one attempt of a leg, and whether (and why) it was retried.</summary>
/// <param name="Number">The attempt number, starting at 1.</param>
/// <param name="StartedAt">Wall-clock start time (UTC).</param>
/// <param name="Duration">Duration measured on a monotonic clock.</param>
/// <param name="ExitCode">The exit code; for a process killed by signal N this is 128+N, as a shell reports it. Null when the process could not be started.</param>
/// <param name="Signal">The name of the signal that killed the process (for example <c>SIGKILL</c>), or <see langword="null"/>.</param>
/// <param name="Outcome">How the attempt ended.</param>
/// <param name="Decision">Whether the attempt was followed by a retry, and the reason.</param>
/// <param name="Detail">One sentence on what happened (for example the first error line), or <see langword="null"/> on success.</param>
public sealed record AttemptRecord(
    int Number,
    DateTimeOffset StartedAt,
    TimeSpan Duration,
    int? ExitCode,
    string? Signal,
    AttemptOutcome Outcome,
    RetryDecision Decision,
    string? Detail)
{
    /// <summary>The engine (endpoint) the attempt ran on, or <see langword="null"/> when the run has no endpoints.</summary>
    public string? Endpoint { get; init; }

    /// <summary>
    /// Whether the attempt ended because its engine went away (it stopped answering); such attempts are retried on
    /// another engine and do not count toward the leg's retry limit.
    /// </summary>
    public bool EndpointLost { get; init; }
    /// <summary>
    /// How long the attempt waited for machine-wide admission (a shared slot, memory, load) right before
    /// <see cref="StartedAt"/>; zero when it did not wait. The wait for the run's own <see cref="RunOptions.MaxParallel"/> slot is not counted.
    /// </summary>
    public TimeSpan AdmissionWait { get; init; }
}
