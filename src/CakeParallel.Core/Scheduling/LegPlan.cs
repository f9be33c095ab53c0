using CakeParallel.Model;

namespace CakeParallel.Scheduling;

/// <summary>A validated leg, ready to run: its resolved executable and its log file.</summary>
internal sealed record LegPlan(int Index, LegSpec Leg, string ResolvedExecutable, string LogFile)
{
    /// <summary>The shard that runs the leg, or <see langword="null"/> when the run is not sharded.</summary>
    public Shard? Shard { get; init; }

    /// <summary>How long the leg is expected to take, from the run's history; <see langword="null"/>: unknown.</summary>
    public TimeSpan? ExpectedDuration { get; init; }

    /// <summary><paramref name="result"/> with what the plan knows of the leg (its shard, its expected duration).</summary>
    public LegResult Stamp(LegResult result) => result with { Shard = Shard, ExpectedDuration = ExpectedDuration };
}
