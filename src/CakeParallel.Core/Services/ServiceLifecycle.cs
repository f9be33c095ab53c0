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
    private readonly ServiceLog _log;
    private readonly ServiceOutput _output;
    private readonly ServiceEventLog _events;
    private readonly ServiceEvents _made;
    private Task _exited = Task.CompletedTask;
    private ServiceHealth? _health;
    private Task? _shutdown;
    // Changed under the gate; read without it.
    private volatile ServiceState _state = ServiceState.Starting;
    private bool _stopRequested;
    private ServiceEvent? _startFailure;

    /// <summary>Creates the service and opens (locks) its log; <paramref name="onEvent"/> receives every event once recorded.</summary>
    /// <exception cref="InvalidRunException">The log file is in use by another service or cannot be opened.</exception>
    public ServiceLifecycle(ServiceSpec spec, string logFile, Action<ServiceEvent> onEvent)
    {
        Spec = spec;
        LogFile = logFile;
        _log = ServiceLog.Open(logFile, spec);
        _events = new ServiceEventLog(_log, onEvent);
        _made = new ServiceEvents(spec, logFile);
        _output = new ServiceOutput(spec, _log);
    }

    public ServiceSpec Spec { get; }

    public string LogFile { get; }

    public ServiceState State => _state;

    public SupervisedProcess? Process { get; private set; }

    public ProcessExit? Exit { get; private set; }

    public DateTimeOffset StartedAt { get; private set; }

    public TimeSpan? ReadyAfter { get; private set; }

    public IReadOnlyList<ServiceEvent> Events => _events.All;

    private string Name => Spec.Name;

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
            Process = SupervisedProcess.StartUtf8(command, _output.Write);
        }
        catch (ProcessStartException exception)
        {
            await FailAsync(_made.StartFailed(ErrorCodes.ServiceStartFailed, $"service '{Name}' {exception.Message}", null)).ConfigureAwait(false);
            return;
        }

        _log.WriteNote($"started process group {Process.ProcessId}");
        _exited = WatchAsync(Process);
        var waiter = new ReadinessWaiter(Spec, _output, _log, ServiceProcesses.Of(Process, Spec));
        Readiness readiness;
        try
        {
            readiness = await waiter.WaitAsync(Process.MainExited, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            SetStartFailure(_made.StartFailed(ErrorCodes.ServiceStartCancelled, $"service '{Name}' was cancelled before it was ready", null));
            await ShutdownAsync().ConfigureAwait(false);
            throw;
        }

        if (readiness.Verdict == ReadinessVerdict.Ready && BecomeReady(clock.Elapsed))
        {
            _health = ServiceHealth.Start(waiter, Process, OnUnhealthy);
            return;
        }

        // What an exited main process left behind (a daemon) is known once its exit is fully recorded.
        var exit = Process.MainExited.IsCompleted ? await Process.Exited.ConfigureAwait(false) : null;
        await FailAsync(_made.NotReady(readiness, exit, Volatile.Read(ref _stopRequested))).ConfigureAwait(false);
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
            if (_stopRequested || Process is null || Process.MainExited.IsCompleted)
            {
                return false;
            }

            _state = ServiceState.Ready;
            ReadyAfter = elapsed;
            ready = _made.Ready(elapsed, Process.ProcessId);
        }

        _log.WriteNote(ready.Message);
        _events.Record(ready);
        return true;
    }

    /// <summary>The health checks found the ready service unhealthy: recorded once, like a death.</summary>
    private void OnUnhealthy(string error, SupervisedProcess process)
    {
        lock (_gate)
        {
            if (_state != ServiceState.Ready || _stopRequested)
            {
                return;
            }

            _state = ServiceState.Unhealthy;
        }

        var unhealthy = _made.Unhealthy(error, process.Tail.Snapshot());
        _log.WriteNote(unhealthy.Message);
        _events.Record(unhealthy);
    }

    /// <summary>Records why the start failed (the first reason wins), stops everything and throws the failure.</summary>
    private async Task FailAsync(ServiceEvent failure)
    {
        SetStartFailure(failure);
        await ShutdownAsync().ConfigureAwait(false);
        throw new ServiceStartException(_startFailure!);
    }

    private void SetStartFailure(ServiceEvent failure)
    {
        lock (_gate)
        {
            _startFailure ??= failure;
        }
    }

    /// <summary>Waits for the main process's exit (its group cleared, its output read) and records it.</summary>
    private async Task WatchAsync(SupervisedProcess process)
    {
        var exit = await process.Exited.ConfigureAwait(false);
        _log.WriteGroupNotes(exit, Spec.ToCommand().DrainTimeout);
        _log.WriteNote("main process " + exit.ExitText);
        ServiceEvent? died = null;
        lock (_gate)
        {
            Exit = exit;
            if (_state is ServiceState.Ready or ServiceState.Unhealthy && !_stopRequested)
            {
                _state = ServiceState.Died;
                died = _made.Died(exit);
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
        if (_health is not null)
        {
            await _health.StopAsync().ConfigureAwait(false);
        }

        if (Process is { } process && !_exited.IsCompleted)
        {
            lock (_gate)
            {
                if (_state is ServiceState.Ready or ServiceState.Unhealthy)
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
                var failure = _startFailure ?? _made.StoppedBeforeReady();
                final = _startFailure = failure with { ExitCode = Exit?.ExitCode, Signal = Exit?.Signal, OutputTail = Exit?.Tail ?? [] };
            }
            else if (_state != ServiceState.Died)
            {
                _state = ServiceState.Stopped;
                final = _made.Stopped(Exit);
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
