using CakeParallel.Supervision;

namespace CakeParallel.Services;

/// <summary>
/// The health checks of a ready service (<see cref="Model.ServiceSpec.HealthCheckInterval"/>): run in the
/// background until the service turns unhealthy (reported once), its main process exits, or it is stopped.
/// </summary>
internal sealed class ServiceHealth
{
    private readonly CancellationTokenSource _stop = new();
    private Task _watching = Task.CompletedTask;

    private ServiceHealth()
    {
    }

    public static ServiceHealth Start(ReadinessWaiter waiter, SupervisedProcess process, Action<string, SupervisedProcess> onUnhealthy)
    {
        var health = new ServiceHealth();
        health._watching = health.WatchAsync(waiter, process, onUnhealthy);
        return health;
    }

    /// <summary>Ends the checks; completes when none is running any more.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _watching.ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task WatchAsync(ReadinessWaiter waiter, SupervisedProcess process, Action<string, SupervisedProcess> onUnhealthy)
    {
        // Off the caller's thread: the start returns at once.
        await Task.Yield();
        if (await waiter.WatchHealthAsync(process.MainExited, _stop.Token).ConfigureAwait(false) is { } error)
        {
            onUnhealthy(error, process);
        }
    }
}
