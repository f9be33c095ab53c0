namespace CakeParallel.Model;

/// <summary>
/// Which failed attempts are retried, how often, and how long to wait between attempts (exponential backoff
/// with jitter, capped by <see cref="MaxDelay"/>).
/// </summary>
/// <remarks>
/// A failed attempt is retried when attempts are left and: its exit code is in <see cref="RetryOnExitCodes"/>,
/// or a line of its output tail matches one of <see cref="RetryOnOutput"/>, or the leg's
/// <see cref="IFailureClassifier"/> calls it transient, or no exit codes and no patterns are configured and no
/// classifier recognised it. A timed-out attempt is retried only with <see cref="RetryOnTimeout"/>. A cancelled
/// attempt is never retried.
/// </remarks>
public sealed record RetryPolicy
{
    /// <summary>No retries: one attempt per leg.</summary>
    public static RetryPolicy None { get; } = new();

    /// <summary>Total attempts per leg, including the first (default 1: no retry). Must be at least 1.</summary>
    public int MaxAttempts { get; init; } = 1;

    /// <summary>The wait before the first retry; later waits grow exponentially (default 1 s).</summary>
    public TimeSpan InitialDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between attempts (default 30 s).</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Randomises waits so that legs failing together do not retry together (default on).</summary>
    public bool UseJitter { get; init; } = true;

    /// <summary>Exit codes that make a failed attempt retryable. Empty: any exit code, unless patterns are set.</summary>
    public IReadOnlyList<int> RetryOnExitCodes { get; init; } = [];

    /// <summary>Regular expressions over the attempt's output tail that make a failed attempt retryable.</summary>
    public IReadOnlyList<string> RetryOnOutput { get; init; } = [];

    /// <summary>Whether a timed-out attempt is retried (default off).</summary>
    public bool RetryOnTimeout { get; init; }
}
