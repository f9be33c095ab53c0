using Cake.Core.IO;

namespace Cake.Parallel;

/// <summary>How <see cref="ShardAliases.PlanShards(Cake.Core.ICakeContext, IEnumerable{ParallelLeg}, ShardPlanSettings)"/> splits a matrix into CI jobs.</summary>
public sealed class ShardPlanSettings
{
    /// <summary>
    /// Gets or sets how many shards: a whole number, or <c>auto</c> (default): the smallest number whose longest
    /// shard is expected to take at most <see cref="Target"/>, capped at <see cref="JobLimit"/>.
    /// </summary>
    public string Shards { get; set; } = "auto";

    /// <summary>Gets or sets, for <c>auto</c>, the longest a shard should be expected to take (default 10 minutes).</summary>
    public TimeSpan Target { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Gets or sets, for <c>auto</c>, the most jobs the CI system runs for one matrix (default 256, GitHub's limit).</summary>
    public int JobLimit { get; set; } = CakeParallel.Runs.ShardPlan.GitHubJobLimit;

    /// <summary>Gets or sets earlier JSON reports (for example the last merged report) whose leg durations balance the shards; none: balanced by count.</summary>
    public ICollection<FilePath> HistoryFrom { get; set; } = [];

    /// <summary>
    /// Gets or sets the plan file the shard jobs read (<see cref="ParallelSettings.ShardPlan"/>), relative to the Cake
    /// working directory (default <c>shard-plan.json</c>). On GitHub Actions the shard list also goes to
    /// <c>$GITHUB_OUTPUT</c> as <c>shards</c>.
    /// </summary>
    public FilePath PlanFile { get; set; } = "shard-plan.json";
}
