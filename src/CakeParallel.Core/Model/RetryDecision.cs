namespace CakeParallel.Model;

/// <summary>Whether an attempt was retried, why, and after how long.</summary>
/// <param name="WillRetry">True when another attempt follows.</param>
/// <param name="Reason">The reason in a few words, e.g. <c>transient: TLS handshake timeout</c> or <c>exit code 2 is not in RetryOnExitCodes</c>.</param>
/// <param name="Delay">The wait before the next attempt, when <paramref name="WillRetry"/> is true.</param>
public sealed record RetryDecision(bool WillRetry, string Reason, TimeSpan? Delay = null)
{
    /// <summary>The decision recorded for a successful attempt.</summary>
    public static RetryDecision NotNeeded { get; } = new(false, "succeeded");
}
