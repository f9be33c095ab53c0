namespace Cake.Parallel;

/// <summary>
/// Which failed attempts of a leg are retried, how often, and how long to wait in between
/// (exponential backoff with jitter, capped by <see cref="MaxDelay"/>).
/// </summary>
/// <remarks>
/// A failed attempt is retried when attempts are left and its exit code is in <see cref="RetryOnExitCodes"/>, or a
/// line of its output tail matches a pattern in <see cref="RetryOnOutput"/>, or neither list is set. A timed-out
/// attempt is retried only with <see cref="RetryOnTimeout"/>.
/// </remarks>
public sealed class ParallelRetrySettings
{
    /// <summary>Gets or sets the total attempts per leg, the first included (default 1: no retry).</summary>
    public int MaxAttempts { get; set; } = 1;

    /// <summary>Gets or sets the wait before the first retry; later waits grow exponentially (default 1 s).</summary>
    public TimeSpan InitialDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the longest wait between attempts (default 30 s).</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets whether waits are randomised so legs failing together do not retry together (default true).</summary>
    public bool UseJitter { get; set; } = true;

    /// <summary>Gets the exit codes that make a failed attempt retryable.</summary>
    public ICollection<int> RetryOnExitCodes { get; } = new List<int>();

    /// <summary>Gets the regular expressions over the attempt's output tail that make a failed attempt retryable.</summary>
    public ICollection<string> RetryOnOutput { get; } = new List<string>();

    /// <summary>Gets or sets whether a timed-out attempt is retried (default false).</summary>
    public bool RetryOnTimeout { get; set; }
}
