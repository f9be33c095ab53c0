using System.Globalization;
using CakeParallel.Docker;
using CakeParallel.Model;
using CakeParallel.Runs;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using Task = Microsoft.Build.Utilities.Task;

namespace CakeParallel.MSBuild;

/// <summary>
/// Splits one matrix into CI jobs: writes the shard plan file that each shard job's <c>ShardPlan</c> reads, and on
/// GitHub Actions <c>shards=[{"shard":"1/4","legs":[…]},…]</c> to <c>$GITHUB_OUTPUT</c> for <c>fromJSON</c>.
/// </summary>
/// <example>
/// <code><![CDATA[
/// <PlanShards Commands="@(Check)" Shards="auto" TargetSeconds="300" HistoryFrom="last-merged.json" PlanFile="shard-plan.json">
///   <Output TaskParameter="ShardList" ItemName="Shard" />
/// </PlanShards>
/// ]]></code>
/// </example>
public sealed class PlanShards : Task
{
    /// <summary>The legs, as <c>ParallelExec</c>'s <c>Commands</c> (only their names and ids matter here); or set <see cref="MatrixFile"/>.</summary>
    public ITaskItem[] Commands { get; set; } = [];

    /// <summary>A docker matrix file, relative to the project directory, as <c>DockerBuildMatrix</c>'s; or set <see cref="Commands"/>.</summary>
    public string? MatrixFile { get; set; }

    /// <summary>How many shards: a whole number, or <c>auto</c> (default): the smallest number whose longest shard is expected to take at most <see cref="TargetSeconds"/>.</summary>
    public string Shards { get; set; } = "auto";

    /// <summary>For <c>auto</c>: the longest a shard should be expected to take, in seconds (default 600).</summary>
    public int TargetSeconds { get; set; } = 600;

    /// <summary>For <c>auto</c>: the most jobs the CI system runs for one matrix (default 256, GitHub's limit).</summary>
    public int JobLimit { get; set; } = ShardPlan.GitHubJobLimit;

    /// <summary>Earlier JSON reports whose leg durations balance the shards (default none: balanced by count).</summary>
    public string[] HistoryFrom { get; set; } = [];

    /// <summary>The plan file to write, relative to the project directory.</summary>
    [Required]
    public string PlanFile { get; set; } = "";

    /// <summary>One item per shard: identity <c>i/n</c>, metadata <c>Legs</c> (the legs' names) and <c>ExpectedSeconds</c>.</summary>
    [Output]
    public ITaskItem[] ShardList { get; private set; } = [];

    /// <summary>Writes the plan; false (with coded errors) when the input is invalid.</summary>
    public override bool Execute()
    {
        var diagnostics = new TaskDiagnostics(Log, BuildEngine);
        var projectDirectory = Directory.GetCurrentDirectory();
        var errors = new List<ValidationError>();
        if (!ShardCountRequest.TryParse(Shards, out var count))
        {
            errors.Add(new ValidationError(ErrorCodes.ShardInvalid, null, nameof(Shards), $"'{Shards}' is neither a whole number of at least 1 nor 'auto'."));
        }

        IReadOnlyList<LegSpec> legs = [];
        try
        {
            legs = string.IsNullOrEmpty(MatrixFile)
                ? CommandLegs.Read(Commands, new Dictionary<string, string?>(), new RunOptions(), projectDirectory, errors)
                : DockerMatrixPlanner.Plan(DockerMatrixFile.Load(Path.GetFullPath(MatrixFile, projectDirectory)), projectDirectory);
            if (errors.Count == 0)
            {
                var plan = ShardPlan.Create(legs, count! with { Target = TimeSpan.FromSeconds(TargetSeconds), JobLimit = JobLimit }, [.. HistoryFrom.Where(h => !string.IsNullOrWhiteSpace(h)).Select(h => Path.GetFullPath(h, projectDirectory))]);
                var planFile = Path.GetFullPath(PlanFile, projectDirectory);
                plan.Write(planFile, RunPrecedence.ProcessEnvironment());
                ShardList = [.. plan.Shards.Select(ShardItem)];
                diagnostics.Message(MessageImportance.High, $"PlanShards: {plan.Shards.Count} shard(s) of {legs.Count} legs, balanced by {plan.BalancedBy}, in {planFile}");
            }
        }
        catch (InvalidRunException exception)
        {
            errors.AddRange(exception.Errors);
        }
        catch (IOException exception)
        {
            errors.Add(new ValidationError(ErrorCodes.ReportPathUnusable, null, nameof(PlanFile), exception.Message));
        }

        foreach (var error in errors)
        {
            diagnostics.Error(error.Code, error.ToString()[(error.Code.Length + 1)..]);
        }

        return !Log.HasLoggedErrors;
    }

    private static ITaskItem ShardItem(ShardPlanEntry shard)
    {
        var item = new TaskItem(shard.Shard.ToString());
        ITaskItem2 literal = item;
        item.SetMetadata("Legs", MSBuildEscaping.JoinList(shard.Legs.Select(l => l.Name)));
        literal.SetMetadataValueLiteral("ExpectedSeconds", shard.ExpectedDuration is { } d ? d.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) : "");
        return item;
    }
}
