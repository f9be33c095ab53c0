namespace CakeParallel.Model;

/// <summary>What happened to a service.</summary>
public enum ServiceEventKind
{
    /// <summary>Every readiness probe passed.</summary>
    Ready,

    /// <summary>It never became ready; see the message for why.</summary>
    StartFailed,

    /// <summary>It exited on its own after it was ready, e.g. while legs were running.</summary>
    Died,

    /// <summary>It was stopped on request.</summary>
    Stopped,

    /// <summary>Its health checks failed too often in a row after it was ready (<see cref="ServiceSpec.HealthCheckInterval"/>).</summary>
    Unhealthy,
}

/// <summary>One event in a service's life, e.g. that it died while legs were running.</summary>
/// <param name="Service">The service's name.</param>
/// <param name="Kind">What happened.</param>
/// <param name="Timestamp">When it happened (UTC).</param>
/// <param name="Message">One sentence for people, e.g. <c>service 'registry' exited with code 1 after it was ready: bind: address in use</c>.</param>
public sealed record ServiceEvent(string Service, ServiceEventKind Kind, DateTimeOffset Timestamp, string Message)
{
    /// <summary>The error code for failures (<see cref="ErrorCodes"/>), else <see langword="null"/>.</summary>
    public string? Code { get; init; }

    /// <summary>The service's exit code, when it has exited.</summary>
    public int? ExitCode { get; init; }

    /// <summary>The signal that killed it, e.g. <c>SIGKILL</c>, when one did.</summary>
    public string? Signal { get; init; }

    /// <summary>The service's last output lines at the time of the event.</summary>
    public IReadOnlyList<string> OutputTail { get; init; } = [];

    /// <summary>For a start that failed: the last readiness probe error, e.g. <c>TCP connect to 127.0.0.1:5000: Connection refused</c>.</summary>
    public string? LastProbeError { get; init; }

    /// <summary>
    /// Whether this event fails the run (and Cake's and MSBuild's service tasks): a service that died or turned
    /// unhealthy after it was ready, unless <see cref="ServiceSpec.ServiceFailureIsWarning"/> is set.
    /// </summary>
    public bool FailsRun { get; init; }

    /// <summary>The service's log file.</summary>
    public string? LogFile { get; init; }

    /// <summary>E.g. <c>CPAR0505 service 'registry' exited with code 1 after it was ready</c>.</summary>
    public override string ToString() => Code is null ? Message : Code + " " + Message;
}
