using CakeParallel.Model;

namespace CakeParallel.Scheduling;

/// <summary>A validated leg, ready to run: its resolved executable and its log file.</summary>
internal sealed record LegPlan(int Index, LegSpec Leg, string ResolvedExecutable, string LogFile)
{
    /// <summary>The shard that runs the leg, or <see langword="null"/> when the run is not sharded.</summary>
    public Shard? Shard { get; init; }

    /// <summary>How long the leg is expected to take, from the run's history; <see langword="null"/>: unknown.</summary>
    public TimeSpan? ExpectedDuration { get; init; }

    /// <summary>The legs this leg needs, as indexes of the run's plans, in the order of <see cref="LegSpec.Needs"/>.</summary>
    public IReadOnlyList<int> Needs { get; init; } = [];

    /// <summary>The stable ids of the legs this leg needs, each once, in the order of <see cref="LegSpec.Needs"/>.</summary>
    public IReadOnlyList<string> NeedIds { get; init; } = [];

    /// <summary>
    /// <paramref name="result"/> with what the plan knows of the leg (its shard, its expected duration, its needs),
    /// and how long it waited for its needs when <paramref name="needsWait"/> says (one copy of the result, not two).
    /// </summary>
    public LegResult Stamp(LegResult result, TimeSpan? needsWait = null) => result with { Shard = Shard, ExpectedDuration = ExpectedDuration, Needs = NeedIds, NeedsWait = needsWait ?? result.NeedsWait };
}
