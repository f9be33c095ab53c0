using CakeParallel.Model;
using CakeParallel.Reports;
using CakeParallel.Runs;

namespace CakeParallel.Tests.Reports;

/// <summary>Shard reports merge into one report of the whole matrix, which a later run resumes from and learns durations from.</summary>
public sealed class ReportMergeTests : IDisposable
{
    private readonly TempDirectory _temp = new("cakeparallel-merge");

    public void Dispose() => _temp.Dispose();

    private LegSpec[] Legs(int count) =>
        [.. Enumerable.Range(1, count).Select(i => LegSpec.Shell($"leg-{i:00}", $"echo leg-{i:00} >> '{_temp.Combine("ran.txt")}'"))];

    private async Task<string> RunShard(LegSpec[] legs, int index, int count)
    {
        var report = _temp.Combine($"shard-{index}.json");
        var run = await ParallelRunner.RunAsync(RunPlanner.Plan(legs, new RunOptions { MaxParallel = 2, Shard = new Shard(index, count), Reports = new ReportOptions { ReportFile = report } }).GetPlanOrThrow());
        run.Succeeded.ShouldBeTrue();
        return report;
    }

    [Fact]
    public async Task A_shard_that_sent_no_report_leaves_its_legs_not_started_and_the_rest_is_merged_in_matrix_order()
    {
        var legs = Legs(7);
        string[] reports = [await RunShard(legs, 2, 3), await RunShard(legs, 1, 3)];
        var summary = _temp.Combine("step-summary.md");
        var output = new ReportOptions
        {
            ReportFile = _temp.Combine("merged.json"),
            JUnitFile = _temp.Combine("merged.xml"),
            MarkdownFile = _temp.Combine("merged.md"),
            HtmlFile = _temp.Combine("merged.html"),
            Environment = new Dictionary<string, string?> { ["GITHUB_STEP_SUMMARY"] = summary },
        };

        var merged = ReportMerge.MergeAndWrite(reports, output);

        merged.Legs.Select(l => l.Name).ShouldBe(legs.Select(l => l.Name), "matrix order, whatever order the reports came in");
        var missing = ShardAssignment.ByCount(legs.Select(l => l.Id), 3).Where(e => e.Value == 3).Select(e => e.Key).ToHashSet();
        missing.Count.ShouldBe(2);
        foreach (var leg in merged.Legs)
        {
            var shardIndex = ShardAssignment.ByCount(legs.Select(l => l.Id), 3)[leg.Id];
            leg.Shard.ShouldBe(new Shard(shardIndex, 3));
            if (missing.Contains(leg.Id))
            {
                leg.Status.ShouldBe(LegStatus.NotStarted);
                leg.FailureReason.ShouldBe("Not started: shard 3/3 sent no report");
                leg.Host.ShouldBeNull();
            }
            else
            {
                leg.Status.ShouldBe(LegStatus.Succeeded);
                leg.Host.ShouldBe(Environment.MachineName);
            }
        }

        var read = JsonRunReport.Read(output.ReportFile!);
        read.Legs.Select(l => (l.Name, l.Status, l.Shard, l.Host)).ShouldBe(merged.Legs.Select(l => (l.Name, l.Status, l.Shard, l.Host)));
        File.ReadAllText(output.JUnitFile!).ShouldContain("shard 3/3 sent no report");
        File.ReadAllText(output.MarkdownFile!).ShouldContain("| Shard |");
        File.ReadAllText(output.MarkdownFile!).ShouldContain($"1/3 on {Environment.MachineName}");
        File.ReadAllText(summary).ShouldContain("5 of 7 legs succeeded");
        File.ReadAllText(output.HtmlFile!).ShouldContain("leg-07");
        File.ReadAllText(output.HtmlFile!).ShouldContain($"shard 1/3 on {Environment.MachineName}");

        // The merged report is a report like any other: resuming the whole matrix from it runs only shard 3's legs.
        File.Delete(_temp.Combine("ran.txt"));
        var resumed = await ParallelRunner.RunAsync(legs, new RunOptions { Reports = new ReportOptions { ResumeFrom = output.ReportFile } });
        resumed.Succeeded.ShouldBeTrue();
        File.ReadAllLines(_temp.Combine("ran.txt")).Order().ShouldBe(legs.Where(l => missing.Contains(l.Id)).Select(l => l.Name).Order());

        // ... and its durations are history.
        var planned = RunPlanner.Plan(legs, new RunOptions { HistoryFrom = [output.ReportFile!] }).GetPlanOrThrow();
        planned.LegsInStartOrder.Take(2).Select(l => l.Id).ToHashSet().ShouldBe(missing, "legs without history start first");
    }

    [Fact]
    public async Task A_leg_reported_twice_and_reports_of_different_matrices_are_coded_errors()
    {
        var legs = Legs(4);
        var first = await RunShard(legs, 1, 2);
        var copy = _temp.Combine("copy.json");
        File.Copy(first, copy);
        var duplicate = ReportMerge.Merge([first, copy]);
        duplicate.Run.ShouldBeNull();
        duplicate.Errors.Count.ShouldBe(2, "each leg of the shard, once");
        duplicate.Errors.ShouldAllBe(e => e.Code == ErrorCodes.MergeLegDuplicate);

        var other = _temp.Combine("other.json");
        await ParallelRunner.RunAsync(Legs(5), new RunOptions { Shard = new Shard(2, 2), Reports = new ReportOptions { ReportFile = other } });
        var differ = ReportMerge.Merge([first, other]);
        differ.Errors.Single().Code.ShouldBe(ErrorCodes.MergeMatricesDiffer);
        Should.Throw<InvalidRunException>(() => ReportMerge.MergeAndWrite([first, other], new ReportOptions { ReportFile = _temp.Combine("never.json") }));
        File.Exists(_temp.Combine("never.json")).ShouldBeFalse();

        var unreadable = ReportMerge.Merge([first, _temp.Combine("missing.json")]);
        unreadable.Errors.Single().Code.ShouldBe(ErrorCodes.MergeReportUnusable);
    }
}
