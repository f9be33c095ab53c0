using System.Diagnostics;
using CakeParallel.Model;
using CakeParallel.Supervision;

namespace CakeParallel.Services;

/// <summary>
/// One service's life: it owns the state, the events and the start failure (one place each), starts the
/// <see cref="SupervisedProcess"/>, waits for readiness, watches the exit and stops the group exactly once.
/// </summary>
internal sealed class ServiceLifecycle
{
    private readonly Lock _gate = new();
    private readonly LegLog _log;
    private readonly ServiceOutput _output;
    private readonly ServiceEventLog _events;
    private Task _exited = Task.CompletedTask;
    private Task? _shutdown;
    private ServiceState _state = ServiceState.Starting;
    private bool _stopRequested;
    private ServiceEvent? _startFailure;

    /// <summary>Creates the service and opens its log; <paramref name="onEvent"/> receives every event once recorded.</summary>
    public ServiceLifecycle(ServiceSpec spec, string logFile, Action<ServiceEvent> onEvent)
    {
        Spec = spec;
        LogFile = logFile;
        _log = new LegLog(logFile);
        _events = new ServiceEventLog(_log, onEvent);
        _output = new ServiceOutput(spec, _log);
    }

    public ServiceSpec Spec { get; }

    public string LogFile { get; }

    public ServiceState State
    {
        get
        {
            lock (_gate)
            {
                return _state;
            }
        }
    }

    public SupervisedProcess? Process { get; private set; }

    public ProcessExit? Exit { get; private set; }

    public DateTimeOffset StartedAt { get; private set; }

    public TimeSpan? ReadyAfter { get; private set; }

    public IReadOnlyList<ServiceEvent> Events => _events.All;

    private string Name => Spec.Name;

    private string StoppedBeforeReady => $"service '{Name}' was stopped before it was ready";

    /// <summary>Starts the service and returns once it is ready.</summary>
    /// <exception cref="ServiceStartException">It did not become ready; it has been stopped.</exception>
    /// <exception cref="OperationCanceledException">The start was cancelled; it has been stopped.</exception>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        ServiceReaper.Track(this);
        var clock = Stopwatch.StartNew();
        StartedAt = DateTimeOffset.UtcNow;
        var command = Spec.ToCommand();
        _log.WriteNote($"service '{Name}': {command.DisplayText}");
        try
        {
            Process = SupervisedProcess.Start(command, _output.Write);
        }
        catch (ProcessStartException exception)
        {
            await FailAsync(ErrorCodes.ServiceStartFailed, $"service '{Name}' {exception.Message}", null).ConfigureAwait(false);
            return;
        }

        _log.WriteNote($"started process group {Process.ProcessId}");
        _exited = WatchAsync(Process);
        Readiness readiness;
        try
        {
            readiness = await new ReadinessWaiter(Spec, _output, _log).WaitAsync(_exited, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            SetStartFailure(ErrorCodes.ServiceStartCancelled, $"service '{Name}' was cancelled before it was ready", null);
            await ShutdownAsync().ConfigureAwait(false);
            throw;
        }

        if (readiness.Verdict == ReadinessVerdict.Ready && BecomeReady(clock.Elapsed))
        {
            return;
        }

        var (code, message, lastError) = readiness.Verdict switch
        {
            ReadinessVerdict.TimedOut => (ErrorCodes.ServiceNotReadyInTime, $"service '{Name}' was not ready after {DurationText.Format(Spec.ReadinessTimeout)}"
                + (readiness.LastProbeError is null ? "" : "; last probe error: " + readiness.LastProbeError), readiness.LastProbeError),
            _ when Volatile.Read(ref _stopRequested) => (ErrorCodes.ServiceStartCancelled, StoppedBeforeReady, null),
            _ => (ErrorCodes.ServiceStartFailed, $"service '{Name}' {Exit?.ExitText ?? "exited"} before it was ready{Exit?.LastWords}", null),
        };
        await FailAsync(code, message, lastError).ConfigureAwait(false);
    }

    /// <summary>Stops the group with the termination sequence; completes when no member is alive. Idempotent.</summary>
    public Task StopAsync()
    {
        lock (_gate)
        {
            _stopRequested = true;
        }

        return ShutdownAsync();
    }

    private bool BecomeReady(TimeSpan elapsed)
    {
        ServiceEvent ready;
        lock (_gate)
        {
            if (_stopRequested || _exited.IsCompleted)
            {
                return false;
            }

            _state = ServiceState.Ready;
            ReadyAfter = elapsed;
            ready = new ServiceEvent(Name, ServiceEventKind.Ready, DateTimeOffset.UtcNow, $"service '{Name}' is ready after {DurationText.Format(elapsed)} (pid {Process?.ProcessId})") { LogFile = LogFile };
        }

        _log.WriteNote(ready.Message);
        _events.Record(ready);
        return true;
    }

    /// <summary>Records why the start failed (the first reason wins), stops everything and throws the failure.</summary>
    private async Task FailAsync(string code, string message, string? lastProbeError)
    {
        SetStartFailure(code, message, lastProbeError);
        await ShutdownAsync().ConfigureAwait(false);
        throw new ServiceStartException(_startFailure!);
    }

    private void SetStartFailure(string code, string message, string? lastProbeError)
    {
        lock (_gate)
        {
            _startFailure ??= StartFailure(code, message, lastProbeError);
        }
    }

    private ServiceEvent StartFailure(string code, string message, string? lastProbeError) =>
        new(Name, ServiceEventKind.StartFailed, DateTimeOffset.UtcNow, message) { Code = code, LastProbeError = lastProbeError, LogFile = LogFile };

    /// <summary>Waits for the main process's exit (its group cleared, its output read) and records it.</summary>
    private async Task WatchAsync(SupervisedProcess process)
    {
        var exit = await process.Exited.ConfigureAwait(false);
        _log.WriteGroupNotes(exit, Spec.ToCommand().DrainTimeout, "service");
        _log.WriteNote("main process " + exit.ExitText);
        ServiceEvent? died = null;
        lock (_gate)
        {
            Exit = exit;
            if (_state == ServiceState.Ready && !_stopRequested)
            {
                _state = ServiceState.Died;
                died = new ServiceEvent(Name, ServiceEventKind.Died, DateTimeOffset.UtcNow, $"service '{Name}' {exit.ExitText} after it was ready{exit.LastWords}")
                {
                    Code = ErrorCodes.ServiceDied,
                    ExitCode = exit.ExitCode,
                    Signal = exit.Signal,
                    OutputTail = exit.Tail,
                    LogFile = LogFile,
                };
            }
        }

        if (died is not null)
        {
            _events.Record(died);
        }
    }

    private Task ShutdownAsync()
    {
        lock (_gate)
        {
            return _shutdown ??= ShutdownCoreAsync();
        }
    }

    private async Task ShutdownCoreAsync()
    {
        // Leave the caller's lock before signalling and polling.
        await Task.Yield();
        if (Process is { } process && !_exited.IsCompleted)
        {
            lock (_gate)
            {
                if (_state == ServiceState.Ready)
                {
                    _state = ServiceState.Stopping;
                }
            }

            _log.WriteNote($"stopping process group {process.ProcessId}: {Spec.Termination}");
            await process.TerminateAsync().ConfigureAwait(false);
        }

        await _exited.ConfigureAwait(false);
        ServiceEvent? final = null;
        lock (_gate)
        {
            if (_state == ServiceState.Starting)
            {
                _state = ServiceState.Failed;
                var failure = _startFailure ?? StartFailure(ErrorCodes.ServiceStartCancelled, StoppedBeforeReady, null);
                final = _startFailure = failure with { ExitCode = Exit?.ExitCode, Signal = Exit?.Signal, OutputTail = Exit?.Tail ?? [] };
            }
            else if (_state != ServiceState.Died)
            {
                _state = ServiceState.Stopped;
                var how = Exit?.Termination?.Describe() ?? "it had already exited";
                final = new ServiceEvent(Name, ServiceEventKind.Stopped, DateTimeOffset.UtcNow, $"service '{Name}' stopped; {how}")
                {
                    ExitCode = Exit?.ExitCode,
                    Signal = Exit?.Signal,
                    LogFile = LogFile,
                };
            }
        }

        if (final is not null)
        {
            _log.WriteNote(final.Message);
            _events.Record(final);
        }

        ServiceReaper.Forget(this);
        _log.Dispose();
        Process?.Dispose();
    }
}
