namespace CakeParallel.Services;

/// <summary>
/// Codes of service errors, <c>CPAR05xx</c>. Invalid service input otherwise uses the run codes of
/// <see cref="CakeParallel.ErrorCodes"/> where the meaning is the same (executable, working directory, durations).
/// </summary>
public static class ServiceErrorCodes
{
    /// <summary>A readiness probe's settings are invalid (URL, host, port).</summary>
    public const string ProbeInvalid = "CPAR0501";

    /// <summary>Two services have the same name.</summary>
    public const string DuplicateName = "CPAR0502";

    /// <summary>A service could not be started, or exited before it was ready.</summary>
    public const string StartFailed = "CPAR0503";

    /// <summary>A service did not become ready within its readiness timeout and was stopped.</summary>
    public const string NotReadyInTime = "CPAR0504";

    /// <summary>A service exited on its own after it was ready.</summary>
    public const string Died = "CPAR0505";

    /// <summary>A service was stopped (or its start cancelled) before it was ready.</summary>
    public const string StartCancelled = "CPAR0506";
}
