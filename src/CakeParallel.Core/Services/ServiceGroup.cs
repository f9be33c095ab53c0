using System.Runtime.ExceptionServices;
using CakeParallel.Model;

namespace CakeParallel.Services;

/// <summary>
/// Several services started in parallel and all ready before the work begins. If one fails to become ready, the
/// others are stopped before the failure is thrown. Disposing the group stops every service.
/// </summary>
/// <example>
/// <code>
/// await using var services = await ServiceGroup.StartAllAsync([registry, buildkit], cancellationToken);
/// var result = await ParallelRunner.RunAsync(legs, options, cancellationToken);
/// foreach (var death in services.Events.Where(e => e.Kind == ServiceEventKind.Died)) Console.WriteLine(death);
/// </code>
/// </example>
public sealed class ServiceGroup : IAsyncDisposable, IDisposable
{
    private readonly Lock _gate = new();
    private readonly List<ServiceEvent> _events = [];
    private RunningService[] _services = [];

    private ServiceGroup()
    {
    }

    /// <summary>Raised (on a background thread) when a service of the group exits on its own after it was ready.</summary>
    public event EventHandler<ServiceEvent>? Died;

    /// <summary>Raised (on a background thread) when a service of the group dies or turns unhealthy after it was ready.</summary>
    public event EventHandler<ServiceEvent>? Failed;

    /// <summary>The services, in the order they were given.</summary>
    public IReadOnlyList<RunningService> Services => _services;

    /// <summary>Every service's events (ready, died, stopped), in the order they happened.</summary>
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

    /// <summary>Validates every service, starts them all at once and returns when every one is ready.</summary>
    /// <param name="services">The services; none is fine (an empty group).</param>
    /// <param name="cancellationToken">Cancels the start: every service is stopped, then the cancellation is thrown.</param>
    /// <returns>The ready services; dispose the group to stop them.</returns>
    /// <exception cref="InvalidRunException">A specification is invalid (every problem is listed), or a log file is in use; nothing was started.</exception>
    /// <exception cref="ServiceStartException">
    /// A probed local port was already taken (nothing was started), or the first service that failed to become
    /// ready; every service has been stopped.
    /// </exception>
    /// <exception cref="OperationCanceledException">The start was cancelled; every service has been stopped.</exception>
    public static async Task<ServiceGroup> StartAllAsync(IReadOnlyList<ServiceSpec> services, CancellationToken cancellationToken = default)
    {
        var errors = ServiceValidator.Validate(services);
        if (errors.Count > 0)
        {
            throw new InvalidRunException(errors);
        }

        foreach (var spec in services)
        {
            ServicePorts.ThrowIfInUse(spec);
        }

        var group = new ServiceGroup();
        var created = new List<RunningService>(services.Count);
        try
        {
            foreach (var spec in services)
            {
                created.Add(RunningService.Create(spec, group.OnEvent));
            }
        }
        catch (InvalidRunException)
        {
            // A log that cannot be created: close the logs already opened; nothing was started.
            await Task.WhenAll(created.Select(s => s.StopAsync())).ConfigureAwait(false);
            throw;
        }

        group._services = created.ToArray();

        using var abandon = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var remaining = group._services.Select(s => s.StartCoreAsync(abandon.Token)).ToList();
        Exception? firstFailure = null;
        while (remaining.Count > 0)
        {
            var done = await Task.WhenAny(remaining).ConfigureAwait(false);
            remaining.Remove(done);
            if (!done.IsCompletedSuccessfully && firstFailure is null)
            {
                firstFailure = done.Exception?.InnerException ?? new OperationCanceledException(cancellationToken);
                await abandon.CancelAsync().ConfigureAwait(false);
            }
        }

        if (firstFailure is not null)
        {
            await group.StopAsync().ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            ExceptionDispatchInfo.Throw(firstFailure);
        }

        return group;
    }

    /// <summary>Stops every service at once; completes when no process of any of them is alive. Idempotent.</summary>
    public Task StopAsync() => Task.WhenAll(_services.Select(s => s.StopAsync()));

    /// <summary>Stops every service (see <see cref="StopAsync"/>) and waits for them.</summary>
    public void Dispose() => StopAsync().GetAwaiter().GetResult();

    /// <summary>Stops every service (see <see cref="StopAsync"/>).</summary>
    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    private void OnEvent(ServiceEvent serviceEvent)
    {
        lock (_gate)
        {
            _events.Add(serviceEvent);
        }

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
