using CakeParallel.Supervision;

namespace CakeParallel.Services;

/// <summary>
/// A run with <see cref="RunOptions.Services"/>: the services start (all ready) before the first leg and stop after
/// the last, on every exit path. If they cannot start, no leg starts and every leg reports why.
/// </summary>
internal static class ServiceRun
{
    public static async Task<RunResult> RunAsync(IReadOnlyList<LegSpec> legs, RunOptions options, CancellationToken cancellationToken)
    {
        var errors = RunValidator.Validate(legs, options);
        if (errors.Count > 0)
        {
            throw new InvalidRunException(errors);
        }

        var specs = options.Services.Select(s => s.LogFile is null && options.LogDirectory is not null
            ? s with { LogFile = Path.Combine(options.LogDirectory, "service-" + s.Name + ".log") }
            : s).ToArray();
        var startedAt = DateTimeOffset.UtcNow;
        ServiceGroup services;
        try
        {
            services = await ServiceGroup.StartAllAsync(specs, cancellationToken).ConfigureAwait(false);
        }
        catch (ServiceStartException exception)
        {
            return NotStarted(legs, options, startedAt, [exception.Failure], wasCancelled: false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            var cancelled = new ServiceEvent("*", ServiceEventKind.StartFailed, DateTimeOffset.UtcNow, "the run was cancelled while its services were starting") { Code = ServiceErrorCodes.StartCancelled };
            return NotStarted(legs, options, startedAt, [cancelled], wasCancelled: true);
        }

        await using (services.ConfigureAwait(false))
        {
            var result = await ParallelRunner.RunAsync(legs, options with { Services = [] }, cancellationToken).ConfigureAwait(false);
            await services.StopAsync().ConfigureAwait(false);
            return result with { ServiceEvents = services.Events };
        }
    }

    private static RunResult NotStarted(IReadOnlyList<LegSpec> legs, RunOptions options, DateTimeOffset startedAt, IReadOnlyList<ServiceEvent> failure, bool wasCancelled)
    {
        var listener = new ListenerGate(options.Listener);
        foreach (var leg in legs)
        {
            listener.Send(leg, static (l, leg) => l.LegQueued(leg));
        }

        var results = legs.Select(leg => new LegResult
        {
            Name = leg.Name,
            Id = leg.Id,
            Parameters = leg.Parameters,
            Status = LegStatus.NotStarted,
            FailureReason = "Not started: " + failure[0].Message,
        }).ToArray();
        foreach (var result in results)
        {
            listener.Send(result, static (l, r) => l.LegCompleted(r));
        }

        var run = new RunResult
        {
            Legs = results,
            StartedAt = startedAt,
            Duration = DateTimeOffset.UtcNow - startedAt,
            WasCancelled = wasCancelled,
            ServiceEvents = failure,
        };
        listener.Send(run, static (l, r) => l.RunCompleted(r));
        if (listener.Failure is { } listenerFailure)
        {
            throw new InvalidOperationException($"A run listener threw ({listenerFailure.Message}); the run's services were stopped.", listenerFailure);
        }

        return run;
    }
}
