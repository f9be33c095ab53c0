using System.Diagnostics;
using CakeParallel.Reports;
using CakeParallel.Scheduling;
using CakeParallel.Services;
using CakeParallel.Supervision;
using CakeParallel.Model;

namespace CakeParallel.Runs;

/// <summary>
/// Runs legs with bounded parallelism, per-attempt timeouts, retries with backoff and fail-fast or keep-going,
/// each leg in its own process group, and returns a result for every leg in input order.
/// </summary>
public static class ParallelRunner
{
    /// <summary>Validates the input, then runs every leg and returns when all have a final status.</summary>
    /// <param name="legs">The legs, in the order their results are reported.</param>
    /// <param name="options">Scheduling and supervision options; defaults when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the run: running legs are terminated with the termination sequence and the result is still complete.</param>
    /// <returns>The run's result; it never throws because a leg failed.</returns>
    /// <exception cref="InvalidRunException">The input is invalid; no leg was started.</exception>
    /// <exception cref="ReportWriteException">A report in <see cref="RunOptions.Reports"/> could not be written; the others were, and the exception carries the result.</exception>
    /// <exception cref="InvalidOperationException">The listener threw; the run still completed and every process was cleaned up.</exception>
    public static async Task<RunResult> RunAsync(IReadOnlyList<LegSpec> legs, RunOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new RunOptions();
        var runId = Guid.CreateVersion7().ToString();
        options = options with { LogDirectory = RunLogFolder.Choose(options.LogDirectory, runId) };
        var plans = RunValidator.Plan(legs, options);
        var reporting = RunReporting.Start(options.Reports);
        var listener = new ListenerGate(options.Listener);
        var startedAt = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        using var stop = new RunStop(cancellationToken, options.Deadline);
        using var journal = RunJournal.Start(options.LogDirectory, runId, startedAt);
        foreach (var plan in plans)
        {
            listener.Send(plan.Leg, static (l, leg) => l.LegQueued(leg));
        }

        var results = reporting.Reuse(plans, listener);
        foreach (var reused in results.OfType<LegResult>())
        {
            journal.Record(reused);
        }

        var slots = new SlotGate(options.MaxParallel);
        var running = new List<Task>(plans.Count);
        var services = await RunServices.StartAsync(options, listener, stop.Token).ConfigureAwait(false);
        await using (services.ConfigureAwait(false))
        {
            foreach (var plan in plans.Where(p => services.StartFailure is null && results[p.Index] is null))
            {
                try
                {
                    await slots.AcquireAsync(isRetry: false, stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                if (stop.IsStopped)
                {
                    slots.Release();
                    break;
                }

                running.Add(RunLegAsync(plan, options, slots, stop, listener, results, journal));
            }

            await Task.WhenAll(running).ConfigureAwait(false);
        }

        var notStartedReason = services.StartFailure is { } startFailure ? startFailure.Message : stop.Describe();
        for (var i = 0; i < results.Length; i++)
        {
            if (results[i] is null)
            {
                var leg = plans[i].Leg;
                var result = new LegResult
                {
                    Name = leg.Name,
                    Id = leg.Id,
                    Parameters = leg.Parameters,
                    Status = LegStatus.NotStarted,
                    FailureReason = "Not started: " + notStartedReason,
                };
                results[i] = result;
                listener.Send(result, static (l, r) => l.LegCompleted(r));
            }
        }

        var run = new RunResult
        {
            Legs = results!,
            RunId = runId,
            StartedAt = startedAt,
            Duration = clock.Elapsed,
            WasCancelled = stop.Cause == StopCause.HostCancelled,
            Settings = RunSettings.Of(options, legs),
            ServiceEvents = services.Events,
        };
        listener.Send(run, static (l, r) => l.RunCompleted(r));
        reporting.Write(run);
        if (listener.Failure is { } failure)
        {
            throw new InvalidOperationException($"A run listener threw ({failure.Message}); every leg ran to its end regardless.", failure);
        }

        return run;
    }

    private static async Task RunLegAsync(LegPlan plan, RunOptions options, SlotGate slots, RunStop stop, ListenerGate listener, LegResult?[] results, RunJournal journal)
    {
        // Yield first so the feeder can start the next leg while this one spawns its process.
        await Task.Yield();
        var result = await new LegExecution(plan, options, slots, stop, listener).RunAsync().ConfigureAwait(false);
        results[plan.Index] = result;
        journal.Record(result);
        listener.Send(result, static (l, r) => l.LegCompleted(r));
    }
}
