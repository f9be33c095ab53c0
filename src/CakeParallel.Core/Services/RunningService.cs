using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using CakeParallel.Supervision;
using CakeParallel.Model;

namespace CakeParallel.Services;

/// <summary>
/// A started service: its process group, state, log file and exit. Stopping (<see cref="StopAsync"/>,
/// <see cref="Dispose"/>, <see cref="DisposeAsync"/>) applies the termination sequence to the whole group, is
/// idempotent, and returns only when no process of the group is alive. Services still running when the host
/// process exits or receives SIGINT, SIGTERM or SIGHUP are stopped too.
/// </summary>
/// <example>
/// <code>
/// await using var registry = await RunningService.StartAsync(
///     new ServiceSpec("registry", "docker", ["run", "--rm", "--name", "reg", "-p", "5000:5000", "registry:2"])
///     {
///         Probes = [new HttpProbe("http://127.0.0.1:5000/v2/")],
///     });
/// // ... push images to 127.0.0.1:5000 ...
/// </code>
/// </example>
public sealed class RunningService : IAsyncDisposable, IDisposable
{
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(2);

    private readonly Lock _gate = new();
    private readonly List<ServiceEvent> _events = [];
    private readonly ProcessGroupPlatform _platform = ProcessGroupPlatform.Current;
    private readonly LegLog _log;
    private readonly ServiceOutput _output;
    private readonly Action<ServiceEvent>? _observer;
    private Process? _process;
    private Task _exited = Task.CompletedTask;
    private Task? _shutdown;
    private ServiceState _state = ServiceState.Starting;
    private bool _stopRequested;
    private ServiceEvent? _startFailure;

    private RunningService(ServiceSpec spec, string logFile, Action<ServiceEvent>? observer)
    {
        Spec = spec;
        LogFile = logFile;
        _observer = observer;
        _log = new LegLog(logFile);
        _output = new ServiceOutput(spec, _log);
    }

    /// <summary>Raised (on a background thread) when the service exits on its own after it was ready.</summary>
    public event EventHandler<ServiceEvent>? Died;

    /// <summary>The service's specification.</summary>
    public ServiceSpec Spec { get; }

    /// <summary>The service's name.</summary>
    public string Name => Spec.Name;

    /// <summary>The service's complete log: both streams, timestamped, and the runner's notes (start, probes, stop).</summary>
    public string LogFile { get; }

    /// <summary>Where the service is in its life.</summary>
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

    /// <summary>The id of the service's main process, which is also its process group id; <see langword="null"/> if it never started.</summary>
    public int? ProcessId { get; private set; }

    /// <summary>When the service was started (UTC).</summary>
    public DateTimeOffset StartedAt { get; private set; }

    /// <summary>How long it took to become ready; <see langword="null"/> until it is.</summary>
    public TimeSpan? ReadyAfter { get; private set; }

    /// <summary>The main process's exit code once it has exited.</summary>
    public int? ExitCode { get; private set; }

    /// <summary>The signal that ended the main process, e.g. <c>SIGTERM</c>, when one did.</summary>
    public string? Signal { get; private set; }

    /// <summary>The service's last output lines.</summary>
    public IReadOnlyList<string> OutputTail => _output.Tail.Snapshot();

    /// <summary>What happened to the service so far, in order (ready, died, stopped).</summary>
    public IReadOnlyList<ServiceEvent> Events
    {
        get
        {
            lock (_gate)
            {
                return _events.ToArray();
            }
        }
    }

    /// <summary>
    /// Validates <paramref name="spec"/>, starts the service in a process group of its own and returns once every
    /// readiness probe has passed.
    /// </summary>
    /// <param name="spec">The service.</param>
    /// <param name="cancellationToken">Cancels the start: the service is stopped, then the cancellation is thrown.</param>
    /// <returns>The ready service; dispose it to stop it.</returns>
    /// <exception cref="InvalidRunException">The specification is invalid; nothing was started.</exception>
    /// <exception cref="ServiceStartException">The service exited before it was ready, or did not become ready in time; it has been stopped.</exception>
    /// <exception cref="OperationCanceledException">The start was cancelled; the service has been stopped.</exception>
    public static async Task<RunningService> StartAsync(ServiceSpec spec, CancellationToken cancellationToken = default)
    {
        var errors = ServiceValidator.Validate([spec]);
        if (errors.Count > 0)
        {
            throw new InvalidRunException(errors);
        }

        var service = Create(spec, null);
        await service.StartCoreAsync(cancellationToken).ConfigureAwait(false);
        return service;
    }

    /// <summary>Stops the service with its termination sequence; completes when no process of its group is alive. Idempotent.</summary>
    public Task StopAsync()
    {
        lock (_gate)
        {
            _stopRequested = true;
        }

        return ShutdownAsync();
    }

    /// <summary>Stops the service (see <see cref="StopAsync"/>) and waits for it.</summary>
    public void Dispose() => StopAsync().GetAwaiter().GetResult();

    /// <summary>Stops the service (see <see cref="StopAsync"/>).</summary>
    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    /// <summary>Creates the service and its log; the log folder is created when missing.</summary>
    internal static RunningService Create(ServiceSpec spec, Action<ServiceEvent>? observer)
    {
        var logFile = Path.GetFullPath(spec.LogFile ?? DefaultLogFile(spec.Name));
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(logFile)!);
            return new RunningService(spec, logFile, observer);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new InvalidRunException([new ValidationError(ErrorCodes.LogDirectoryUnusable, null, $"Services['{spec.Name}'].LogFile", $"cannot create '{logFile}': {exception.Message}")]);
        }
    }

    internal async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        ServiceReaper.Track(this);
        var clock = Stopwatch.StartNew();
        StartedAt = DateTimeOffset.UtcNow;
        _log.WriteNote($"service '{Name}': {Spec.DisplayCommand}");
        ServiceEvent? failure;
        if (Launch() is { } launchError)
        {
            failure = StartFailure(ErrorCodes.ServiceStartFailed, launchError, null);
        }
        else
        {
            try
            {
                failure = await WaitUntilReadyAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                SetStartFailure(StartFailure(ErrorCodes.ServiceStartCancelled, $"service '{Name}' was cancelled before it was ready", null));
                await ShutdownAsync().ConfigureAwait(false);
                throw;
            }
        }

        if (failure is null)
        {
            ServiceEvent? ready = null;
            lock (_gate)
            {
                if (!_stopRequested && !_exited.IsCompleted)
                {
                    _state = ServiceState.Ready;
                    ReadyAfter = clock.Elapsed;
                    ready = new ServiceEvent(Name, ServiceEventKind.Ready, DateTimeOffset.UtcNow, $"service '{Name}' is ready after {DurationText.Format(clock.Elapsed)} (pid {ProcessId})") { LogFile = LogFile };
                }
            }

            if (ready is not null)
            {
                _log.WriteNote(ready.Message);
                Record(ready);
                return;
            }

            failure = ExitedBeforeReady();
        }

        SetStartFailure(failure);
        await ShutdownAsync().ConfigureAwait(false);
        throw new ServiceStartException(FinalStartFailure());
    }

    private static string DefaultLogFile(string name)
    {
        var safe = new string(name.Select(c => Path.GetInvalidFileNameChars().Contains(c) || char.IsWhiteSpace(c) ? '_' : c).ToArray());
        var stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss-fff", CultureInfo.InvariantCulture);
        return Path.Combine(Path.GetTempPath(), "cakeparallel", "services", $"{safe}-{stamp}-{Environment.ProcessId}.log");
    }

    /// <summary>Starts the process; returns why it could not start, or <see langword="null"/>.</summary>
    private string? Launch()
    {
        var executable = ExecutableLocator.Resolve(Spec.Executable, Spec.WorkingDirectory, Spec.EnvironmentVariables);
        if (executable is null)
        {
            return $"service '{Name}' could not start: '{Spec.Executable}' was not found";
        }

        var startInfo = _platform.CreateStartInfo(executable, Spec.Arguments);
        ServiceProcessStart.Apply(startInfo, Spec.WorkingDirectory, Spec.EnvironmentVariables);
        var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (Exception exception) when (exception is Win32Exception or InvalidOperationException)
        {
            process.Dispose();
            return $"service '{Name}' could not start '{Spec.Executable}': {exception.Message}";
        }

        _process = process;
        ProcessId = process.Id;
        _log.WriteNote($"started process group {process.Id}");
        process.StandardInput.Close();
        var drain = new CancellationTokenSource();
        var pumps = Task.WhenAll(
            LineSplitter.PumpAsync(process.StandardOutput.BaseStream, 64 * 1024, (ReadOnlySpan<char> line) => _output.Write(OutputStream.Stdout, new string(line)), drain.Token),
            LineSplitter.PumpAsync(process.StandardError.BaseStream, 64 * 1024, (ReadOnlySpan<char> line) => _output.Write(OutputStream.Stderr, new string(line)), drain.Token));
        _exited = WatchAsync(process, pumps, drain);
        return null;
    }

    /// <summary>Waits for the main process to exit, then clears its group, drains its output and records the exit.</summary>
    private async Task WatchAsync(Process process, Task pumps, CancellationTokenSource drain)
    {
        await process.WaitForExitAsync().ConfigureAwait(false);
        var groupId = process.Id;

        // The service ends when its main process ends; whatever it left behind in its group goes too, unless a
        // stop is already terminating the group (two sequences at once would garble the stop's report).
        bool stopping;
        lock (_gate)
        {
            stopping = _shutdown is not null;
        }

        if (!stopping)
        {
            var leftovers = await GroupTermination.TerminateAsync(_platform, groupId, Spec.Termination).ConfigureAwait(false);
            if (leftovers.LastSignal is not null)
            {
                _log.WriteNote($"terminated processes the service left in its group; {leftovers.Describe()}");
            }
        }

        using (drain)
        {
            try
            {
                await pumps.WaitAsync(DrainTimeout).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                _log.WriteNote($"stopped reading output after {DurationText.Format(DrainTimeout)}: a process outside the service's group still holds its pipe");
                await drain.CancelAsync().ConfigureAwait(false);
                try
                {
                    await pumps.ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // Expected: the reads were abandoned on purpose.
                }
            }
        }

        ExitCode = process.ExitCode;
        Signal = SignalNames.FromExitCode(process.ExitCode);
        _log.WriteNote("main process " + ExitText());
        ServiceEvent? died = null;
        lock (_gate)
        {
            if (_state == ServiceState.Ready && !_stopRequested)
            {
                _state = ServiceState.Died;
                died = new ServiceEvent(Name, ServiceEventKind.Died, DateTimeOffset.UtcNow, $"service '{Name}' {ExitText()} after it was ready" + LastWords())
                {
                    Code = ErrorCodes.ServiceDied,
                    ExitCode = ExitCode,
                    Signal = Signal,
                    OutputTail = OutputTail,
                    LogFile = LogFile,
                };
            }
        }

        if (died is not null)
        {
            Record(died);
        }
    }

    /// <summary>Runs the probes until all passed (<see langword="null"/>), the service exits, or readiness times out.</summary>
    private async Task<ServiceEvent?> WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        using var readiness = new CancellationTokenSource(Spec.ReadinessTimeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, readiness.Token);
        var context = new ProbeContext(Spec, _output);
        var pending = Spec.Probes.ToList();
        string? lastError = null;
        try
        {
            while (pending.Count > 0)
            {
                for (var i = 0; i < pending.Count;)
                {
                    var result = await CheckAsync(pending[i], context, linked.Token).ConfigureAwait(false);
                    if (result is null)
                    {
                        return ExitedBeforeReady();
                    }

                    if (result.Value.Passed)
                    {
                        _log.WriteNote("probe passed: " + pending[i].Description);
                        pending.RemoveAt(i);
                    }
                    else
                    {
                        if (result.Value.Error != lastError)
                        {
                            _log.WriteNote("not ready: " + result.Value.Error);
                        }

                        lastError = result.Value.Error;
                        i++;
                    }
                }

                if (pending.Count > 0)
                {
                    await Task.WhenAny(Task.Delay(Spec.ProbeInterval, linked.Token), _exited).ConfigureAwait(false);
                    if (_exited.IsCompleted)
                    {
                        return ExitedBeforeReady();
                    }

                    linked.Token.ThrowIfCancellationRequested();
                }
            }

            return null;
        }
        catch (OperationCanceledException) when (readiness.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            var message = $"service '{Name}' was not ready after {DurationText.Format(Spec.ReadinessTimeout)}" + (lastError is null ? "" : "; last probe error: " + lastError);
            return StartFailure(ErrorCodes.ServiceNotReadyInTime, message, lastError);
        }
    }

    /// <summary>One check, raced against the service's exit: <see langword="null"/> when the service exited first.</summary>
    private async Task<ProbeResult?> CheckAsync(ReadinessProbe probe, ProbeContext context, CancellationToken cancellationToken)
    {
        var timeout = probe.Timeout ?? Spec.ProbeTimeout;
        using var check = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        check.CancelAfter(timeout);
        var running = RunProbeAsync(probe, context, check.Token);
        if (await Task.WhenAny(running, _exited).ConfigureAwait(false) != running)
        {
            await check.CancelAsync().ConfigureAwait(false);
            await ((Task)running).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            return null;
        }

        try
        {
            return await running.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return ProbeResult.Fail($"{probe.Description}: no answer within {DurationText.Format(timeout)}");
        }
    }

    private static async Task<ProbeResult> RunProbeAsync(ReadinessProbe probe, ProbeContext context, CancellationToken cancellationToken)
    {
        try
        {
            return await probe.CheckAsync(context, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // A probe that cannot even run (a bad address, a socket error) is a failed check, not a crash.
            return ProbeResult.Fail($"{probe.Description}: {exception.Message}");
        }
    }

    private ServiceEvent ExitedBeforeReady()
    {
        lock (_gate)
        {
            if (_stopRequested)
            {
                return StartFailure(ErrorCodes.ServiceStartCancelled, $"service '{Name}' was stopped before it was ready", null);
            }
        }

        return StartFailure(ErrorCodes.ServiceStartFailed, $"service '{Name}' {ExitText()} before it was ready" + LastWords(), null);
    }

    private ServiceEvent StartFailure(string code, string message, string? lastProbeError) =>
        new(Name, ServiceEventKind.StartFailed, DateTimeOffset.UtcNow, message)
        {
            Code = code,
            ExitCode = ExitCode,
            Signal = Signal,
            LastProbeError = lastProbeError,
            LogFile = LogFile,
        };

    private void SetStartFailure(ServiceEvent failure)
    {
        lock (_gate)
        {
            _startFailure ??= failure;
        }
    }

    private ServiceEvent FinalStartFailure()
    {
        lock (_gate)
        {
            return _events.LastOrDefault(e => e.Kind == ServiceEventKind.StartFailed) ?? _startFailure!;
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
        string? how = null;
        if (_process is { } process && !_exited.IsCompleted)
        {
            lock (_gate)
            {
                if (_state == ServiceState.Ready)
                {
                    _state = ServiceState.Stopping;
                }
            }

            _log.WriteNote($"stopping process group {process.Id}: {Spec.Termination}");
            var report = await GroupTermination.TerminateAsync(_platform, process.Id, Spec.Termination, () => process.HasExited).ConfigureAwait(false);
            how = report.Describe();
        }

        await _exited.ConfigureAwait(false);
        ServiceEvent? final = null;
        lock (_gate)
        {
            if (_state == ServiceState.Starting)
            {
                _state = ServiceState.Failed;
                final = (_startFailure ?? StartFailure(ErrorCodes.ServiceStartCancelled, $"service '{Name}' was stopped before it was ready", null)) with
                {
                    ExitCode = ExitCode,
                    Signal = Signal,
                    OutputTail = OutputTail,
                };
            }
            else if (_state != ServiceState.Died)
            {
                _state = ServiceState.Stopped;
                final = new ServiceEvent(Name, ServiceEventKind.Stopped, DateTimeOffset.UtcNow, $"service '{Name}' stopped; {how ?? "it had already exited"}")
                {
                    ExitCode = ExitCode,
                    Signal = Signal,
                    LogFile = LogFile,
                };
            }
        }

        if (final is not null)
        {
            _log.WriteNote(final.Message);
            Record(final);
        }

        ServiceReaper.Forget(this);
        _log.Dispose();
        _process?.Dispose();
    }

    private void Record(ServiceEvent serviceEvent)
    {
        lock (_gate)
        {
            _events.Add(serviceEvent);
        }

        try
        {
            _observer?.Invoke(serviceEvent);
            if (serviceEvent.Kind == ServiceEventKind.Died)
            {
                Died?.Invoke(this, serviceEvent);
            }
        }
        catch (Exception exception)
        {
            // A faulty handler must not keep the service from being cleaned up; leave a trace where people look.
            _log.WriteNote($"a Died handler threw {exception.GetType().Name}: {exception.Message}");
        }
    }

    private string ExitText()
    {
        if (ExitCode is not { } code)
        {
            return "exited";
        }

        return Signal is null ? $"exited with code {code}" : $"was killed by {Signal} (exit code {code})";
    }

    private string LastWords()
    {
        var line = _output.Tail.LastErrorLine ?? _output.Tail.LastLine;
        return line is null ? "" : ": " + line.Trim();
    }
}
