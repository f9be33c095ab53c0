using CakeParallel.Model;

namespace CakeParallel.Docker;

/// <summary>
/// Retry policies for docker build legs. Docker legs carry a <see cref="DockerFailureClassifier"/>, which calls
/// every failure either transient (registry hiccups, network timeouts, daemon gone) or deterministic, so a
/// policy without <see cref="RetryPolicy.RetryOnExitCodes"/> and <see cref="RetryPolicy.RetryOnOutput"/> retries
/// only transient failures.
/// </summary>
public static class DockerRetryPolicy
{
    /// <summary>Up to 3 attempts, 2 s then 4 s apart (with jitter), transient failures only; timeouts are not retried.</summary>
    public static RetryPolicy Default { get; } = new()
    {
        MaxAttempts = 3,
        InitialDelay = TimeSpan.FromSeconds(2),
        MaxDelay = TimeSpan.FromSeconds(30),
    };
}
