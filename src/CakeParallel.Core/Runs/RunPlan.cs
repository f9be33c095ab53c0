using CakeParallel.Docker;
using CakeParallel.Model;
using CakeParallel.Scheduling;

namespace CakeParallel.Runs;

/// <summary>
/// A run that passed every check and is ready to start: its legs with their resolved executables and log files,
/// and its options with the precedence rule applied. Made by <see cref="RunPlanner"/>, run by
/// <see cref="ParallelRunner.RunAsync(RunPlan, CancellationToken)"/>, which checks nothing again.
/// </summary>
public sealed class RunPlan
{
    internal RunPlan(IReadOnlyList<LegPlan> legs, IReadOnlyList<LegPlan> startOrder, RunOptions options, string logDirectory, string runId, MatrixLayout matrix, IReadOnlyList<SlotEndpoint>? endpoints = null, IReadOnlyList<ValidationError>? warnings = null, AllOrNothingPublish? publish = null)
    {
        Publish = publish;
        RunId = runId;
        LegPlans = legs;
        StartOrder = startOrder;
        Matrix = matrix;
        Options = options;
        LogDirectory = logDirectory;
        Endpoints = endpoints ?? [SlotEndpoint.Local(options.MaxParallel)];
        Warnings = warnings ?? [];
    }

    /// <summary>The legs this run runs (for a shard: only its own), in the order their results are reported.</summary>
    public IReadOnlyList<LegSpec> Legs => LegPlans.Select(p => p.Leg).ToArray();

    /// <summary>The same legs in the order they start: without history first, then longest expected first (see <see cref="ShardAssignment.StartOrder"/>).</summary>
    public IReadOnlyList<LegSpec> LegsInStartOrder => StartOrder.Select(p => p.Leg).ToArray();

    /// <summary>The whole matrix (every leg, also those of other shards) with each leg's shard, as the reports record it.</summary>
    public MatrixLayout Matrix { get; }

    /// <summary>The options the run uses: the caller's, with the layered settings resolved (see <see cref="RunPrecedence"/>).</summary>
    public RunOptions Options { get; }

    /// <summary>The run's id (a version 7 UUID), chosen when it is planned: <see cref="RunResult.RunId"/>, and the name of its default log folder.</summary>
    public string RunId { get; }

    /// <summary>The folder the legs' logs are written to; it exists.</summary>
    public string LogDirectory { get; }

    /// <summary>What planning found that does not keep the run from starting, e.g. a docker engine of the pool that did not answer and is left out.</summary>
    public IReadOnlyList<ValidationError> Warnings { get; }

    /// <summary>The names of the engines the legs run on (docker endpoints that answered), or empty when the run has no endpoints.</summary>
    public IReadOnlyList<string> EndpointNames => Endpoints.Select(e => e.Name).OfType<string>().ToArray();

    internal IReadOnlyList<LegPlan> LegPlans { get; }

    internal IReadOnlyList<SlotEndpoint> Endpoints { get; }

    internal IReadOnlyList<LegPlan> StartOrder { get; }

    /// <summary>The publish step that runs after every leg ended (a docker matrix with an all-or-nothing publish), or <see langword="null"/>.</summary>
    internal AllOrNothingPublish? Publish { get; }

    /// <summary>The same plan, reporting its events to <paramref name="listener"/>: a host can size its display from <see cref="Options"/> before it listens.</summary>
    /// <param name="listener">The run's listener, or <see langword="null"/>.</param>
    public RunPlan WithListener(IRunListener? listener) => new(LegPlans, StartOrder, Options with { Listener = listener }, LogDirectory, RunId, Matrix, Endpoints, Warnings, Publish);
}

/// <summary>What planning a run gave: a <see cref="RunPlan"/>, or every problem that keeps the run from starting.</summary>
/// <param name="Plan">The plan; <see langword="null"/> when there are errors.</param>
/// <param name="Errors">Every problem found, each naming its leg and field; empty when <see cref="Plan"/> is set.</param>
public sealed record PlanningResult(RunPlan? Plan, IReadOnlyList<ValidationError> Errors)
{
    /// <summary>The plan.</summary>
    /// <exception cref="InvalidRunException">Planning found problems; the exception lists them all.</exception>
    public RunPlan GetPlanOrThrow() => Plan ?? throw new InvalidRunException(Errors);

    /// <summary>What planning found that does not keep the run from starting (codes as in the error catalogue), e.g. an engine of the pool left out because it did not answer.</summary>
    public IReadOnlyList<ValidationError> Warnings { get; init; } = [];
}
