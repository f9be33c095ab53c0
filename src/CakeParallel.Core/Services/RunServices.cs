using CakeParallel.Supervision;
using CakeParallel.Model;

namespace CakeParallel.Services;

/// <summary>
/// The services of a run (<see cref="RunOptions.Services"/>): started, all ready, before the first leg; stopped after
/// the last, on every exit path. A start that fails is recorded, not thrown, so every leg can say why it did not
/// start and the reports are still written. A service that dies or turns unhealthy while legs run stops the run
/// (legs not started yet do not start, running legs are cancelled) unless it is only a warning
/// (<see cref="ServiceSpec.ServiceFailureIsWarning"/>).
/// </summary>
internal sealed class RunServices : IAsyncDisposable
{
    private readonly ServiceGroup? _group;
    private readonly ListenerGate _listener;
    private readonly RunStop? _stop;

    private RunServices(ServiceGroup? group, ServiceEvent? startFailure, ListenerGate listener, RunStop? stop)
    {
        _group = group;
        StartFailure = startFailure;
        _listener = listener;
        _stop = stop;
        if (group is not null)
        {
            group.Failed += OnFailed;
        }
    }

    /// <summary>Why the services could not start, or <see langword="null"/> when they all are ready (or there are none).</summary>
    public ServiceEvent? StartFailure { get; }

    /// <summary>Everything that happened to the services, in order.</summary>
    public IReadOnlyList<ServiceEvent> Events => _group?.Events ?? (StartFailure is null ? [] : [StartFailure]);

    public static async Task<RunServices> StartAsync(RunOptions options, ListenerGate listener, RunStop stop)
    {
        var cancellationToken = stop.Token;
        if (options.Services.Count == 0)
        {
            return new RunServices(null, null, listener, null);
        }

        var specs = options.Services.Select(s => s.LogFile is null && options.LogDirectory is not null
            ? s with { LogFile = Path.Combine(options.LogDirectory, "service-" + SafeFileName.From(s.Name) + ".log") }
            : s).ToArray();
        try
        {
            return new RunServices(await ServiceGroup.StartAllAsync(specs, cancellationToken).ConfigureAwait(false), null, listener, stop);
        }
        catch (ServiceStartException exception)
        {
            return Failed(exception.Failure, listener);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            var cancelled = new ServiceEvent("*", ServiceEventKind.StartFailed, DateTimeOffset.UtcNow, "the run was cancelled while its services were starting")
            {
                Code = ErrorCodes.ServiceStartCancelled,
            };
            return Failed(cancelled, listener);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_group is not null)
        {
            await _group.StopAsync().ConfigureAwait(false);
            _group.Failed -= OnFailed;
        }
    }

    private static RunServices Failed(ServiceEvent failure, ListenerGate listener)
    {
        listener.Send(failure, static (l, e) => l.ServiceEvent(e));
        return new RunServices(null, failure, listener, null);
    }

    private void OnFailed(object? sender, ServiceEvent failure)
    {
        _listener.Send(failure, static (l, e) => l.ServiceEvent(e));
        if (failure.FailsRun)
        {
            _stop?.ServiceFailed(failure.ToString());
        }
    }
}
