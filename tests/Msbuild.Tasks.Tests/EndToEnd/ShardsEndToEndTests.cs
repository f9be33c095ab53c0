using CakeParallel.Model;
using CakeParallel.Reports;

namespace CakeParallel.MSBuild.Tests.EndToEnd;

/// <summary>PlanShards, ParallelExec with Shard/ShardPlan and MergeReports through the real <c>dotnet msbuild</c>.</summary>
[Collection(MSBuildEndToEnd.Name)]
public sealed class ShardsEndToEndTests(TaskPackageFeed feed)
{
    private const string Body = """
          <ItemGroup>
            <Check Include="unit" Command="echo unit &gt;&gt; ran.txt" />
            <Check Include="lint" Command="echo lint &gt;&gt; ran.txt" />
            <Check Include="integration" Command="echo integration &gt;&gt; ran.txt" />
            <Check Include="docs" Command="echo docs &gt;&gt; ran.txt" />
            <Check Include="package" Command="echo package &gt;&gt; ran.txt" />
          </ItemGroup>
          <Target Name="Plan">
            <PlanShards Commands="@(Check)" Shards="2" PlanFile="obj/shard-plan.json">
              <Output TaskParameter="ShardList" ItemName="PlannedShard" />
            </PlanShards>
          </Target>
          <Target Name="RunShard">
            <ParallelExec Commands="@(Check)" Shard="$(Shard)" ShardPlan="obj/shard-plan.json" ReportFile="obj/reports/$(ReportName).json">
              <Output TaskParameter="Results" ItemName="CheckResult" />
            </ParallelExec>
          </Target>
          <Target Name="Merge">
            <ItemGroup>
              <ShardReport Include="obj/reports/*.json" />
            </ItemGroup>
            <MergeReports Reports="@(ShardReport)" ReportFile="obj/merged.json" MarkdownFile="obj/merged.md">
              <Output TaskParameter="Results" ItemName="MergedResult" />
            </MergeReports>
          </Target>
        """;

    [Fact]
    public async Task Two_shard_builds_run_every_check_once_and_the_merge_names_a_shard_that_sent_nothing()
    {
        var consumer = feed.NewConsumer("shards").WithBody(Body);
        var plan = await consumer.BuildAsync("Plan", "PlannedShard");
        plan.ExitCode.ShouldBe(0, plan.ToString());
        plan.Items.Select(i => i["Identity"]).ShouldBe(["1/2", "2/2"]);
        var legsOfSecond = plan.Item("2/2")["Legs"].Split(';');

        // Shard 1 from CAKEPARALLEL_SHARD, as a CI job sets it once.
        var first = await consumer.BuildAsync("RunShard", "CheckResult", environment: new Dictionary<string, string> { ["CAKEPARALLEL_SHARD"] = "1/2" }, arguments: ["-p:ReportName=one"]);
        first.ExitCode.ShouldBe(0, first.ToString());
        first.Items.ShouldAllBe(i => i["Shard"] == "1/2");
        first.Items.Select(i => i["Identity"]).ShouldBe(plan.Item("1/2")["Legs"].Split(';'));

        var missing = await consumer.BuildAsync("Merge", "MergedResult");
        missing.ExitCode.ShouldNotBe(0, missing.ToString());
        missing.ErrorLines.Where(l => l.Contains("CPAR0104", StringComparison.Ordinal)).Select(l => l[l.IndexOf("error CPAR0104", StringComparison.Ordinal)..]).Distinct().Count().ShouldBe(legsOfSecond.Length, missing.ToString());
        missing.Log.ShouldContain("Not started: shard 2/2 sent no report");

        // Shard 2 from the task's parameter.
        var second = await consumer.BuildAsync("RunShard", "CheckResult", arguments: ["-p:Shard=2/2", "-p:ReportName=two"]);
        second.ExitCode.ShouldBe(0, second.ToString());
        second.Items.Select(i => i["Identity"]).ShouldBe(legsOfSecond);

        var merged = await consumer.BuildAsync("Merge", "MergedResult");
        merged.ExitCode.ShouldBe(0, merged.ToString());
        merged.Items.Select(i => i["Identity"]).ShouldBe(["unit", "lint", "integration", "docs", "package"], "matrix order");
        merged.Items.ShouldAllBe(i => i["Status"] == "Succeeded" && i["Host"] != "");
        string.Join(",", File.ReadAllLines(Path.Combine(consumer.Directory, "ran.txt")).Order()).ShouldBe("docs,integration,lint,package,unit", "every check ran exactly once");
        JsonRunReport.Read(Path.Combine(consumer.Directory, "obj", "merged.json")).Legs.ShouldAllBe(l => l.Status == LegStatus.Succeeded && l.Shard != null);

        var invalid = await consumer.BuildAsync("RunShard", "CheckResult", arguments: ["-p:Shard=3/2", "-p:ReportName=bad"]);
        invalid.ExitCode.ShouldNotBe(0);
        invalid.ErrorLines.Any(l => l.Contains("CPAR0410", StringComparison.Ordinal)).ShouldBeTrue(invalid.ToString());
    }
}
