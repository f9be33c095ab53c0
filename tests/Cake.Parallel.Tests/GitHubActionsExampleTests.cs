using System.Text.Json;
using Cake.Parallel.Tests.Infrastructure;
using CakeParallel.Model;
using CakeParallel.Reports;

namespace Cake.Parallel.Tests;

/// <summary>
/// examples/github-actions run locally as its workflow runs it, by the real <c>dotnet cake</c>: the plan job with
/// <c>GITHUB_OUTPUT</c>, one job per shard with <c>CAKEPARALLEL_SHARD</c>, the merge job with <c>GITHUB_STEP_SUMMARY</c>.
/// </summary>
[Collection(DotnetCakeCollection.Name)]
public sealed class GitHubActionsExampleTests(AddinFeed feed)
{
    private const string Example = "examples/github-actions";

    [Fact]
    public void Plan_shards_and_merge_give_one_report_with_every_leg_once_and_the_next_plan_uses_it_as_history()
    {
        using var script = new CakeScript(feed, File.ReadAllText(Path.Combine(RepositoryRoot.Path, Example, "build.cake")), Example + "/build.cake");
        var folder = Path.Combine(script.Directory, Example);
        var output = Path.Combine(script.Directory, "github-output");
        var summary = Path.Combine(script.Directory, "step-summary.md");

        using (var plan = script.RunWith(new Dictionary<string, string?> { ["GITHUB_OUTPUT"] = output }, "--target=Plan", "--shards=3"))
        {
            plan.ExitCode.ShouldBe(0, plan.Output);
        }

        var shardsLine = File.ReadAllLines(output).Single(l => l.StartsWith("shards=", StringComparison.Ordinal));
        using var shards = JsonDocument.Parse(shardsLine["shards=".Length..]);
        var planned = shards.RootElement.EnumerateArray().Select(e => (Shard: e.GetProperty("shard").GetString()!, Legs: e.GetProperty("legs").EnumerateArray().Select(l => l.GetString()!).ToArray())).ToArray();
        planned.Select(s => s.Shard).ShouldBe(["1/3", "2/3", "3/3"]);

        foreach (var (shard, legs) in planned)
        {
            using var job = script.RunWith(new Dictionary<string, string?> { ["CAKEPARALLEL_SHARD"] = shard }, "--target=Shard");
            job.ExitCode.ShouldBe(0, job.Output);
            var report = JsonRunReport.Read(Path.Combine(folder, "artifacts", "reports", $"shard-{shard.Replace('/', '-')}.json"));
            report.Legs.Select(l => l.Name).ShouldBe(legs, ignoreOrder: true, $"shard {shard} runs what the plan lists for it");
        }

        using (var merge = script.RunWith(new Dictionary<string, string?> { ["GITHUB_STEP_SUMMARY"] = summary }, "--target=Merge"))
        {
            merge.ExitCode.ShouldBe(0, merge.Output);
            merge.Stdout.ShouldContain("Merged 8 legs");
        }

        var merged = JsonRunReport.Read(Path.Combine(folder, "artifacts", "merged", "report.json"));
        merged.Legs.Count.ShouldBe(8);
        merged.Legs.Select(l => l.Id).Distinct().Count().ShouldBe(8, "every leg once");
        merged.Legs.ShouldAllBe(l => l.Status == LegStatus.Succeeded && l.Shard != null && l.Host != null);
        merged.Legs.Select(l => l.Name).ShouldBe(["compile", "unit-tests", "integration-tests", "lint", "docs", "package", "smoke-linux", "smoke-alpine"], "matrix order");
        foreach (var (shard, legs) in planned)
        {
            merged.Legs.Where(l => l.Shard!.ToString() == shard).Select(l => l.Name).ShouldBe(legs, ignoreOrder: true);
        }

        File.ReadAllText(summary).ShouldContain("all 8 legs succeeded");
        File.Exists(Path.Combine(folder, "artifacts", "merged", "junit.xml")).ShouldBeTrue();
        File.Exists(Path.Combine(folder, "artifacts", "merged", "timeline.html")).ShouldBeTrue();

        // The next run's plan balances by the merged report's durations.
        using (var next = script.RunWith(new Dictionary<string, string?> { ["GITHUB_OUTPUT"] = output }, "--target=Plan", "--shards=auto"))
        {
            next.ExitCode.ShouldBe(0, next.Output);
            next.Stdout.ShouldContain("balanced by expectedDuration");
        }

        using var nextPlan = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "artifacts", "shard-plan.json")));
        nextPlan.RootElement.GetProperty("balancedBy").GetString().ShouldBe("expectedDuration");
        nextPlan.RootElement.GetProperty("shards").EnumerateArray()
            .ShouldAllBe(s => s.GetProperty("expectedSeconds").GetDouble() <= 3.5, "auto: every shard is expected to fit the 3 s target (measured durations carry some overhead)");
    }
}
