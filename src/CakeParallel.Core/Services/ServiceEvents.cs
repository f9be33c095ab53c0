using CakeParallel.Model;
using CakeParallel.Supervision;

namespace CakeParallel.Services;

/// <summary>The events of one service's life, each with its code and sentence (one place for the wording).</summary>
internal sealed class ServiceEvents(ServiceSpec spec, string? logFile)
{
    private string Name => spec.Name;

    public ServiceEvent Ready(TimeSpan elapsed, int processId) =>
        new(Name, ServiceEventKind.Ready, DateTimeOffset.UtcNow, $"service '{Name}' is ready after {DurationText.Format(elapsed)} (pid {processId})") { LogFile = logFile };

    public ServiceEvent StartFailed(string code, string message, string? lastProbeError) =>
        new(Name, ServiceEventKind.StartFailed, DateTimeOffset.UtcNow, message) { Code = code, LastProbeError = lastProbeError, LogFile = logFile };

    public ServiceEvent StoppedBeforeReady() => StartFailed(ErrorCodes.ServiceStartCancelled, $"service '{Name}' was stopped before it was ready", null);

    /// <summary>Why waiting for readiness failed, as a start failure.</summary>
    /// <param name="readiness">How the wait ended (not ready).</param>
    /// <param name="exit">The main process's exit, once known.</param>
    /// <param name="stopRequested">Whether someone stopped the service while it started.</param>
    public ServiceEvent NotReady(Readiness readiness, ProcessExit? exit, bool stopRequested) => readiness.Verdict switch
    {
        ReadinessVerdict.Foreign => StartFailed(ErrorCodes.ServicePortInUse, $"service '{Name}' is not ready: {readiness.LastProbeError}", readiness.LastProbeError),
        ReadinessVerdict.TimedOut => StartFailed(
            ErrorCodes.ServiceNotReadyInTime,
            $"service '{Name}' was not ready after {DurationText.Format(spec.ReadinessTimeout)}" + (readiness.LastProbeError is null ? "" : "; last probe error: " + readiness.LastProbeError),
            readiness.LastProbeError),
        _ when stopRequested => StoppedBeforeReady(),
        _ when exit is { ExitCode: 0 } && (exit.Escaped is not null || exit.Leftovers.LastSignal is not null) => StartFailed(
            ErrorCodes.ServiceDaemonized,
            $"service '{Name}' exited with code 0 before it was ready but left processes running (it daemonizes); they were ended. "
            + "Run it in the foreground (e.g. its --foreground or --no-daemon option)",
            null),
        _ => StartFailed(ErrorCodes.ServiceStartFailed, $"service '{Name}' {exit?.ExitText ?? "exited"} before it was ready{exit?.LastWords}", null),
    };

    public ServiceEvent Died(ProcessExit exit) =>
        new(Name, ServiceEventKind.Died, DateTimeOffset.UtcNow, $"service '{Name}' {exit.ExitText} after it was ready{exit.LastWords}")
        {
            Code = ErrorCodes.ServiceDied,
            ExitCode = exit.ExitCode,
            Signal = exit.Signal,
            OutputTail = exit.Tail,
            LogFile = logFile,
            FailsRun = !spec.ServiceFailureIsWarning,
        };

    public ServiceEvent Unhealthy(string error, IReadOnlyList<string> tail) =>
        new(Name, ServiceEventKind.Unhealthy, DateTimeOffset.UtcNow, $"service '{Name}' is unhealthy: {spec.HealthCheckFailures} health checks in a row failed; last error: {error}")
        {
            Code = ErrorCodes.ServiceUnhealthy,
            LastProbeError = error,
            OutputTail = tail,
            LogFile = logFile,
            FailsRun = !spec.ServiceFailureIsWarning,
        };

    public ServiceEvent Stopped(ProcessExit? exit) =>
        new(Name, ServiceEventKind.Stopped, DateTimeOffset.UtcNow, $"service '{Name}' stopped; {exit?.Termination?.Describe() ?? "it had already exited"}")
        {
            ExitCode = exit?.ExitCode,
            Signal = exit?.Signal,
            LogFile = logFile,
        };
}
