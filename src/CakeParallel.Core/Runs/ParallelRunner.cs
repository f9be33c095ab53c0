using System.Collections.Concurrent;
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
    /// <summary>Plans the run with <see cref="RunPlanner.Plan"/> (<paramref name="options"/> as given), then runs it.</summary>
    /// <param name="legs">The legs, in the order their results are reported.</param>
    /// <param name="options">Scheduling and supervision options; defaults when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the run: running legs are terminated with the termination sequence and the result is still complete.</param>
    /// <returns>The run's result; it never throws because a leg failed.</returns>
    /// <exception cref="InvalidRunException">The input is invalid; no leg was started.</exception>
    /// <exception cref="ReportWriteException">A report in <see cref="RunOptions.Reports"/> could not be written; the others were, and the exception carries the result.</exception>
    /// <exception cref="InvalidOperationException">The listener threw; the run still completed and every process was cleaned up.</exception>
    public static Task<RunResult> RunAsync(IReadOnlyList<LegSpec> legs, RunOptions? options = null, CancellationToken cancellationToken = default) =>
        RunAsync(RunPlanner.Plan(legs, options ?? new RunOptions()).GetPlanOrThrow(), cancellationToken);

    /// <summary>
    /// Runs <paramref name="plan"/> while the calling thread, which waits for it, hands the run's events to
    /// <paramref name="listener"/> (through a <see cref="DeferredRunListener"/>): how a host whose log must be written
    /// on its own thread, or must not hold up the legs, runs a plan. The listener replaces the plan's.
    /// </summary>
    /// <param name="plan">The plan, from <see cref="RunPlanner"/>.</param>
    /// <param name="listener">Hears every event of the run, in order, on the calling thread.</param>
    /// <param name="cancellationToken">Cancels the run: running legs are terminated with the termination sequence and the result is still complete.</param>
    /// <returns>The run's result; it never throws because a leg failed.</returns>
    /// <exception cref="ReportWriteException">A report in <see cref="RunOptions.Reports"/> could not be written; the others were, and the exception carries the result.</exception>
    /// <exception cref="InvalidOperationException">The listener threw; the run still completed and every process was cleaned up.</exception>
    public static RunResult Run(RunPlan plan, IRunListener listener, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var deferred = new DeferredRunListener(listener);
        var run = RunAsync(plan.WithListener(deferred), cancellationToken);
        deferred.DeliverUntil(run);
        return run.GetAwaiter().GetResult();
    }

    /// <summary>Runs every leg of <paramref name="plan"/> and returns when all have a final status; checks nothing again.</summary>
    /// <param name="plan">The plan, from <see cref="RunPlanner"/>.</param>
    /// <param name="cancellationToken">Cancels the run: running legs are terminated with the termination sequence and the result is still complete.</param>
    /// <returns>The run's result; it never throws because a leg failed.</returns>
    /// <exception cref="ReportWriteException">A report in <see cref="RunOptions.Reports"/> could not be written; the others were, and the exception carries the result.</exception>
    /// <exception cref="InvalidOperationException">The listener threw; the run still completed and every process was cleaned up.</exception>
    public static async Task<RunResult> RunAsync(RunPlan plan, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        RunnerKeeper.StartAhead();
        var options = plan.Options;
        var plans = plan.LegPlans;

        // Every process of the run (legs, services, docker client calls) inherits one reading of the environment.
        using var environment = InheritedEnvironment.Freeze();
        var reporting = RunReporting.Start(options.Reports);
        var listener = new ListenerGate(options.Listener);
        var startedAt = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        using var stop = new RunStop(cancellationToken, options.Deadline);
        using var journal = RunJournal.Start(plan.LogDirectory, plan.RunId, startedAt);
        foreach (var legPlan in plans)
        {
            listener.Send(legPlan.Leg, static (l, leg) => l.LegQueued(leg));
        }

        var results = reporting.Reuse(plans, listener);
        foreach (var reused in results.OfType<LegResult>())
        {
            journal.Record(reused);
        }

        var machine = MachineAdmission.For(options, out var countWarning);
        if (countWarning is not null)
        {
            listener.Send(new AdmissionNotice(ErrorCodes.SharedSlotsCountDiffers, null, countWarning), static (l, n) => l.AdmissionNotice(n));
        }

        var slots = new AttemptSlots(options.MaxParallel, plan.Endpoints, machine);
        var needs = new NeedsScheduling(plans, results, clock, listener, journal, slots, (self, leg, legSlots, earlier, again) => RunLegAsync(leg, options, legSlots, stop, listener, results, journal, self, earlier, again));
        var services = await RunServices.StartAsync(options, listener, stop).ConfigureAwait(false);
        await using (services.ConfigureAwait(false))
        {
            if (services.StartFailure is null)
            {
                var toRun = plan.StartOrder.Where(p => results[p.Index] is null);
                await slots.RunLegsAsync(toRun, needs.PlaceAsync, (leg, legSlots) => RunLegAsync(leg, options, legSlots, stop, listener, results, journal, needs), needs.NotPlaced, stop).ConfigureAwait(false);
            }
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
                results[i] = plans[i].Stamp(result);
                listener.Send(results[i]!, static (l, r) => l.LegCompleted(r));
            }
            else if (results[i]!.Status == LegStatus.Reused)
            {
                results[i] = plans[i].Stamp(results[i]!);
            }
        }

        // Once every leg has its final status: an all-or-nothing publish writes the final tags, or holds them back.
        var publish = plan.Publish is { } step ? await step.RunAsync(results!, stop.Token).ConfigureAwait(false) : null;
        var run = new RunResult
        {
            Publish = publish,
            Warnings = plan.Warnings,
            Legs = results!,
            RunId = plan.RunId,
            StartedAt = startedAt,
            Duration = clock.Elapsed,
            WasCancelled = stop.Cause == StopCause.HostCancelled,
            Settings = RunSettings.Of(options, plan.Legs) with { Endpoints = plan.Endpoints.Where(e => e.Name is not null).Select(e => new EndpointSetting(e.Name!, e.Limit)).ToArray() },
            ServiceEvents = services.Events,
            Shard = options.Shard,
            Matrix = plan.Matrix,
        };
        listener.Send(run, static (l, r) => l.RunCompleted(r));
        reporting.Write(run);
        if (listener.Failure is { } failure)
        {
            throw new InvalidOperationException($"A run listener threw ({failure.Message}); every leg ran to its end regardless.", failure);
        }

        return run;
    }

    private static async Task<LegResult> RunLegAsync(LegPlan plan, RunOptions options, AttemptSlots.LegSlots slots, RunStop stop, ListenerGate listener, LegResult?[] results, RunJournal journal, NeedsScheduling needs, LegResult? earlier = null, string? again = null)
    {
        var result = needs.Stamp(plan, await new LegExecution(plan, options, slots, stop, listener, earlier, again).RunAsync().ConfigureAwait(false));
        results[plan.Index] = result;
        journal.Record(result);
        listener.Send(result, static (l, r) => l.LegCompleted(r));
        needs.Complete(plan.Index, result);
        YoungGenerationBound.Check();
        return result;
    }

    /// <summary>
    /// The needs side of one run: a leg that needs others waits (holding no slot) until they are done, then runs
    /// as its <see cref="LegSpec.BindNeeds"/> makes it, where their images are; or ends not started, saying which need
    /// did not succeed, so the legs that need it end too. When the one engine that holds its needs' images is down,
    /// those needs are built again elsewhere first (once, however many legs need them), and the leg runs there; when
    /// its needs' images are on different engines, those not on the engine holding the most are built again there.
    /// </summary>
    private sealed class NeedsScheduling
    {
        private readonly IReadOnlyList<LegPlan> _plans;
        private readonly LegResult?[] _results;
        private readonly Stopwatch _clock;
        private readonly ListenerGate _listener;
        private readonly RunJournal _journal;
        private readonly AttemptSlots _slots;
        private readonly Func<NeedsScheduling, LegPlan, AttemptSlots.LegSlots, LegResult, string, Task<LegResult>> _runAgain;
        private readonly LegCompletions _completions;
        private readonly TimeSpan?[] _waited;
        private readonly ConcurrentDictionary<Rebuild, Lazy<Task>> _rebuilds = new();

        public NeedsScheduling(IReadOnlyList<LegPlan> plans, LegResult?[] results, Stopwatch clock, ListenerGate listener, RunJournal journal, AttemptSlots slots, Func<NeedsScheduling, LegPlan, AttemptSlots.LegSlots, LegResult, string, Task<LegResult>> runAgain)
        {
            _plans = plans;
            _results = results;
            _clock = clock;
            _listener = listener;
            _journal = journal;
            _slots = slots;
            _runAgain = runAgain;
            _completions = new LegCompletions(plans.Count);
            _waited = new TimeSpan?[plans.Count];

            // A leg reused from an earlier run is done before this one starts.
            for (var i = 0; i < results.Length; i++)
            {
                if (results[i] is { } reused)
                {
                    _completions.Complete(i, reused);
                }
            }
        }

        /// <summary>Where <paramref name="plan"/>'s leg may run, once its needs are done; <see langword="null"/> when it does not run.</summary>
        public async Task<LegPlacement?> PlaceAsync(LegPlan plan, CancellationToken cancellationToken)
        {
            if (plan.Needs.Count == 0)
            {
                return new LegPlacement(plan.Leg.Platform);
            }

            var outcome = await _completions.WaitAsync(plan, cancellationToken).ConfigureAwait(false);
            if (outcome.GatherOn is { } gatherOn)
            {
                try
                {
                    await GatherAsync(plan, gatherOn, cancellationToken).ConfigureAwait(false);
                    outcome = await _completions.WaitAsync(plan, cancellationToken).ConfigureAwait(false);
                }
                catch (NoEndpointException exception)
                {
                    outcome = outcome with { Unmet = $"{outcome.Unmet}, and they could not be gathered on engine '{gatherOn}': {exception.Message}" };
                }
            }

            _waited[plan.Index] = _clock.Elapsed;
            var (placement, unmet) = Place(plan, outcome);
            if (unmet is not null)
            {
                End(plan, unmet);
            }

            return placement;
        }

        /// <summary>Ends a leg no endpoint could take, at once, so the legs that need it end too.</summary>
        public void NotPlaced(LegPlan plan, string reason) => End(plan, reason);

        /// <summary><paramref name="result"/> with what the plan knows of the leg and how long it waited for its needs.</summary>
        public LegResult Stamp(LegPlan plan, LegResult result) => plan.Stamp(result, _waited[plan.Index]);

        /// <summary>Announces a leg's final result to the legs that need it.</summary>
        public void Complete(int index, LegResult result) => _completions.Complete(index, result);

        /// <summary>The leg as its needs' results make it, where their images are (and how it moves if that engine goes down); or why it does not run.</summary>
        private (LegPlacement? Placement, string? Unmet) Place(LegPlan plan, NeedsOutcome outcome)
        {
            if (outcome.Unmet is { } unmet)
            {
                return (null, unmet);
            }

            LegSpec? leg = null;
            if (plan.Leg.BindNeeds is { } bind)
            {
                try
                {
                    leg = bind(outcome.Results);
                }
                catch (Exception exception) when (exception is not OutOfMemoryException)
                {
                    return (null, $"the results of the legs it needs could not be applied to it: {exception.Message}");
                }
            }

            var placement = new LegPlacement(plan.Leg.Platform, outcome.Endpoint) { Leg = leg };
            return outcome.Endpoint is { } only ? (placement with { Relocate = c => RelocateAsync(plan, only, c) }, null) : (placement, null);
        }

        /// <summary>
        /// The engine <paramref name="lost"/>, the only one with the images <paramref name="plan"/>'s leg needs, is
        /// down: builds those needs again elsewhere, then places the leg where they are now.
        /// </summary>
        /// <exception cref="NoEndpointException">A need could not be built again, or did not succeed when it was.</exception>
        private async Task<LegPlacement> RelocateAsync(LegPlan plan, string lost, CancellationToken cancellationToken)
        {
            var stranded = plan.Needs.Distinct().Where(i => _completions.ResultOf(i) is { } need && LegCompletions.OnlyOn(need) == lost).ToArray();
            await Task.WhenAll(stranded.Select(i => RebuildAsync(new Rebuild(i, Lost: lost, Onto: null), plan, cancellationToken))).ConfigureAwait(false);
            var (placement, unmet) = Place(plan, await _completions.WaitAsync(plan, cancellationToken).ConfigureAwait(false));
            return placement ?? throw new NoEndpointException(unmet!);
        }

        /// <summary>
        /// The needs of <paramref name="plan"/> left their images on different engines: builds those that are not on
        /// <paramref name="engine"/> (which holds the most) again there, so the leg can run there with all of them.
        /// </summary>
        /// <exception cref="NoEndpointException">A need could not be built again there.</exception>
        private Task GatherAsync(LegPlan plan, string engine, CancellationToken cancellationToken)
        {
            var strays = plan.Needs.Distinct().Where(i => _completions.ResultOf(i) is { } need && LegCompletions.OnlyOn(need) is { } on && on != engine);
            return Task.WhenAll(strays.Select(i => RebuildAsync(new Rebuild(i, Lost: null, Onto: engine), plan, cancellationToken)));
        }

        /// <summary>Builds a need again (away from an engine that went down, or on the engine its dependent runs on); once, whichever leg asks first.</summary>
        private Task RebuildAsync(Rebuild rebuild, LegPlan dependent, CancellationToken cancellationToken) =>
            _rebuilds.GetOrAdd(rebuild, key => new Lazy<Task>(() => RunAgainAsync(key, dependent, cancellationToken))).Value;

        private async Task RunAgainAsync(Rebuild rebuild, LegPlan dependent, CancellationToken cancellationToken)
        {
            var plan = _plans[rebuild.Need];
            var earlier = _completions.ResultOf(rebuild.Need)!;
            var (placement, unmet) = plan.Needs.Count == 0
                ? (new LegPlacement(plan.Leg.Platform), null)
                : Place(plan, await _completions.WaitAsync(plan, cancellationToken).ConfigureAwait(false));
            if (unmet is not null)
            {
                throw new NoEndpointException($"{plan.Leg.Name} cannot be built again: {unmet}");
            }

            string again;
            if (rebuild.Onto is { } onto)
            {
                if (placement!.Endpoint is { } pinned && pinned != onto)
                {
                    throw new NoEndpointException($"{plan.Leg.Name} cannot be built on engine '{onto}': the images it needs are only on engine '{pinned}'");
                }

                placement = placement with { Endpoint = onto, Relocate = null };
                again = $"built again on engine '{onto}': {dependent.Leg.Name} needs it there, beside the images of its other needs";
            }
            else
            {
                again = $"built again: its image was only on engine '{rebuild.Lost}', which went down, and {dependent.Leg.Name} needs it";
            }

            await _slots.RunAgainAsync(placement!, slots => _runAgain(this, plan, slots, earlier, again), cancellationToken).ConfigureAwait(false);
        }

        /// <summary>One building again of a need: away from the engine <paramref name="Lost"/>, or onto the engine <paramref name="Onto"/>.</summary>
        private sealed record Rebuild(int Need, string? Lost, string? Onto);

        private void End(LegPlan plan, string reason)
        {
            var result = Stamp(plan, new LegResult
            {
                Name = plan.Leg.Name,
                Id = plan.Leg.Id,
                Parameters = plan.Leg.Parameters,
                Status = LegStatus.NotStarted,
                FailureReason = ControlCharacters.Escape("Not started: " + reason),
            });
            _results[plan.Index] = result;
            _journal.Record(result);
            _listener.Send(result, static (l, r) => l.LegCompleted(r));
            _completions.Complete(plan.Index, result);
        }
    }
}
