using System.Globalization;
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
    private readonly ServiceLifecycle _lifecycle;
    private readonly Action<ServiceEvent>? _observer;

    private RunningService(ServiceSpec spec, string logFile, Action<ServiceEvent>? observer)
    {
        _observer = observer;
        _lifecycle = new ServiceLifecycle(spec, logFile, OnEvent);
    }

    /// <summary>Raised (on a background thread) when the service exits on its own after it was ready.</summary>
    public event EventHandler<ServiceEvent>? Died;

    /// <summary>
    /// Raised (on a background thread) when the service dies or turns unhealthy after it was ready
    /// (<see cref="ServiceEventKind.Died"/>, <see cref="ServiceEventKind.Unhealthy"/>).
    /// </summary>
    public event EventHandler<ServiceEvent>? Failed;

    /// <summary>The service's specification.</summary>
    public ServiceSpec Spec => _lifecycle.Spec;

    /// <summary>The service's name.</summary>
    public string Name => Spec.Name;

    /// <summary>The service's complete log: both streams, timestamped, and the runner's notes (start, probes, stop).</summary>
    public string LogFile => _lifecycle.LogFile;

    /// <summary>Where the service is in its life.</summary>
    public ServiceState State => _lifecycle.State;

    /// <summary>The id of the service's main process, which is also its process group id; <see langword="null"/> if it never started.</summary>
    public int? ProcessId => _lifecycle.Process?.ProcessId;

    /// <summary>When the service was started (UTC).</summary>
    public DateTimeOffset StartedAt => _lifecycle.StartedAt;

    /// <summary>How long it took to become ready; <see langword="null"/> until it is.</summary>
    public TimeSpan? ReadyAfter => _lifecycle.ReadyAfter;

    /// <summary>The main process's exit code once it has exited.</summary>
    public int? ExitCode => _lifecycle.Exit?.ExitCode;

    /// <summary>The signal that ended the main process, e.g. <c>SIGTERM</c>, when one did.</summary>
    public string? Signal => _lifecycle.Exit?.Signal;

    /// <summary>The service's last output lines.</summary>
    public IReadOnlyList<string> OutputTail => _lifecycle.Process?.Tail.Snapshot() ?? [];

    /// <summary>What happened to the service so far, in order (ready, died, stopped).</summary>
    public IReadOnlyList<ServiceEvent> Events => _lifecycle.Events;

    /// <summary>
    /// Validates <paramref name="spec"/>, starts the service in a process group of its own and returns once every
    /// readiness probe has passed.
    /// </summary>
    /// <param name="spec">The service.</param>
    /// <param name="cancellationToken">Cancels the start: the service is stopped, then the cancellation is thrown.</param>
    /// <returns>The ready service; dispose it to stop it.</returns>
    /// <exception cref="InvalidRunException">The specification is invalid, or its log file is being written by another service (<see cref="ErrorCodes.ServiceLogInUse"/>); nothing was started.</exception>
    /// <exception cref="ServiceStartException">
    /// A probed local port was already taken (nothing was started), or the service exited (or daemonized) before it
    /// was ready, its probe was answered by another process, or it did not become ready in time; it has been stopped.
    /// </exception>
    /// <exception cref="OperationCanceledException">The start was cancelled; the service has been stopped.</exception>
    public static async Task<RunningService> StartAsync(ServiceSpec spec, CancellationToken cancellationToken = default)
    {
        var errors = ServiceValidator.Validate([spec]);
        if (errors.Count > 0)
        {
            throw new InvalidRunException(errors);
        }

        ServicePorts.ThrowIfInUse(spec);
        var service = Create(spec, null);
        await service.StartCoreAsync(cancellationToken).ConfigureAwait(false);
        return service;
    }

    /// <summary>Stops the service with its termination sequence; completes when no process of its group is alive. Idempotent.</summary>
    public Task StopAsync() => _lifecycle.StopAsync();

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

    /// <summary>Starts the service and returns once it is ready (see <see cref="StartAsync"/> for the failures).</summary>
    internal Task StartCoreAsync(CancellationToken cancellationToken) => _lifecycle.StartAsync(cancellationToken);

    private static string DefaultLogFile(string name)
    {
        var safe = SafeFileName.From(name);
        var stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss-fff", CultureInfo.InvariantCulture);
        return Path.Combine(Path.GetTempPath(), "cakeparallel", "services", $"{safe}-{stamp}-{Environment.ProcessId}.log");
    }

    private void OnEvent(ServiceEvent serviceEvent)
    {
        _observer?.Invoke(serviceEvent);
        if (serviceEvent.Kind == ServiceEventKind.Died)
        {
            Died?.Invoke(this, serviceEvent);
        }

        if (serviceEvent.Kind is ServiceEventKind.Died or ServiceEventKind.Unhealthy)
        {
            Failed?.Invoke(this, serviceEvent);
        }
    }
}
