using Cake.Core;
using Cake.Core.Annotations;
using Cake.Core.Diagnostics;
using Cake.Core.IO;
using CakeParallel.Docker;
using CakeParallel.Model;
using CakeParallel.Reports;
using CakeParallel.Runs;

namespace Cake.Parallel;

/// <summary>
/// Splits one matrix into CI jobs and brings their results back together: a plan job writes the shard list
/// (<see cref="PlanShards(ICakeContext, IEnumerable{ParallelLeg}, ShardPlanSettings)"/>), each shard job runs its
/// legs (<see cref="ParallelSettings.Shard"/> or <c>CAKEPARALLEL_SHARD</c>), and a merge job writes one report of
/// the whole matrix (<see cref="MergeReports"/>).
/// </summary>
[CakeAliasCategory("Parallel")]
public static class ShardAliases
{
    /// <summary>
    /// Splits <paramref name="legs"/> into shards and writes the plan file (and, on GitHub Actions,
    /// <c>shards=[{"shard":"1/4","legs":[…]},…]</c> to <c>$GITHUB_OUTPUT</c> for <c>fromJSON</c>).
    /// </summary>
    /// <param name="context">The Cake context.</param>
    /// <param name="legs">The matrix's legs, as the shard jobs will give them.</param>
    /// <param name="settings">The shard count, history and plan file.</param>
    /// <returns>The plan.</returns>
    /// <exception cref="InvalidRunException">The shard count is invalid or a history report cannot be read.</exception>
    /// <example>
    /// <code>
    /// PlanShards(legs, new ShardPlanSettings { Shards = "auto", Target = TimeSpan.FromMinutes(5), HistoryFrom = { "last-merged.json" } });
    /// </code>
    /// </example>
    [CakeMethodAlias]
    public static ShardPlan PlanShards(this ICakeContext context, IEnumerable<ParallelLeg> legs, ShardPlanSettings settings)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(legs);
        return Plan(context, [.. legs.Select(l => l.ToLegSpec(context.Environment))], settings);
    }

    /// <summary>Splits the docker matrix in <paramref name="matrixFile"/> into shards and writes the plan (see the other overload).</summary>
    /// <param name="context">The Cake context.</param>
    /// <param name="matrixFile">The matrix file the shard jobs build.</param>
    /// <param name="settings">The shard count, history and plan file.</param>
    /// <returns>The plan.</returns>
    /// <exception cref="InvalidRunException">The matrix, the shard count or a history report is invalid.</exception>
    [CakeMethodAlias]
    public static ShardPlan PlanShards(this ICakeContext context, FilePath matrixFile, ShardPlanSettings settings)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(matrixFile);
        var path = matrixFile.MakeAbsolute(context.Environment).FullPath;
        var matrix = DockerMatrixFile.Load(path);
        return Plan(context, DockerMatrixPlanner.Plan(matrix, System.IO.Path.GetDirectoryName(path)!), settings);
    }

    /// <summary>
    /// Merges the shards' JSON reports into one JSON, JUnit, Markdown (and <c>$GITHUB_STEP_SUMMARY</c>) and HTML
    /// report of the whole matrix: legs in matrix order, each with its shard and machine; legs of a shard that sent no
    /// report are not started, with the reason. Prints the summary table to the log.
    /// </summary>
    /// <param name="context">The Cake context.</param>
    /// <param name="reports">The shards' JSON reports.</param>
    /// <param name="settings">The reports to write.</param>
    /// <returns>The merged result.</returns>
    /// <exception cref="InvalidRunException">The reports cannot be merged (unreadable, different matrices, a leg reported twice).</exception>
    /// <exception cref="CakeException">A leg did not succeed (with <see cref="MergeReportsSettings.ThrowOnFailure"/>), or a report could not be written.</exception>
    [CakeMethodAlias]
    public static RunResult MergeReports(this ICakeContext context, IEnumerable<FilePath> reports, MergeReportsSettings settings)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(reports);
        ArgumentNullException.ThrowIfNull(settings);
        string? Full(FilePath? path) => path?.MakeAbsolute(context.Environment).FullPath;
        var output = new ReportOptions
        {
            ReportFile = Full(settings.ReportFile),
            JUnitFile = Full(settings.JUnitFile),
            MarkdownFile = Full(settings.MarkdownFile),
            HtmlFile = Full(settings.HtmlFile),
            Environment = context.Environment.Variables(),
        };

        RunResult merged;
        try
        {
            merged = ReportMerge.MergeAndWrite([.. reports.Select(r => Full(r)!)], output);
        }
        catch (ReportWriteException exception)
        {
            throw new CakeException(exception.Message, exception);
        }

        context.Log.Information("{0}", $"Merged {merged.Legs.Count} legs from {merged.Host}: {merged.CountsDisplay}");
        foreach (var line in RunSummary.TableLines(merged))
        {
            context.Log.Information("{0}", "  " + line);
        }

        RunFailure.ThrowIfUnsuccessful(merged, settings.ThrowOnFailure, signal: null);
        return merged;
    }

    private static ShardPlan Plan(ICakeContext context, IReadOnlyList<LegSpec> legs, ShardPlanSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (!ShardCountRequest.TryParse(settings.Shards, out var count))
        {
            throw new InvalidRunException([new ValidationError(ErrorCodes.ShardInvalid, null, nameof(settings.Shards), $"'{settings.Shards}' is neither a whole number of at least 1 nor 'auto'.")]);
        }

        var plan = ShardPlan.Create(legs, count! with { Target = settings.Target, JobLimit = settings.JobLimit }, [.. settings.HistoryFrom.Select(h => h.MakeAbsolute(context.Environment).FullPath)]);
        var planFile = settings.PlanFile.MakeAbsolute(context.Environment).FullPath;
        plan.Write(planFile, context.Environment.Variables());
        context.Log.Information("{0}", $"Shard plan {planFile}: {plan.Shards.Count} shard(s), balanced by {plan.BalancedBy}");
        foreach (var shard in plan.Shards)
        {
            var expected = shard.ExpectedDuration is { } d ? $", expected {DurationText.Format(d)}" : "";
            context.Log.Information("{0}", $"  {shard.Shard}: {shard.Legs.Count} leg(s){expected}");
        }

        return plan;
    }
}
