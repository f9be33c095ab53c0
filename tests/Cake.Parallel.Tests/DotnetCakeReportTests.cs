using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Cake.Parallel.Tests.Infrastructure;

namespace Cake.Parallel.Tests;

/// <summary>Reports, CI annotations and re-running what failed, through the real <c>dotnet cake</c>.</summary>
[Collection(DotnetCakeCollection.Name)]
public sealed class DotnetCakeReportTests(AddinFeed feed) : IDisposable
{
    private static readonly string[] LegNames = ["compile", "integration", "docs"];

    private readonly TempDirectory _state = new("cakeparallel-state");
    private readonly CakeScript _script = new(feed, CakeScript.FromFile("Scripts/report-legs.cake"));

    public void Dispose()
    {
        _script.Dispose();
        _state.Dispose();
    }

    private string Reports(string file) => Path.Combine(_script.Directory, "artifacts", "reports", file);

    [Fact]
    public void A_partly_failing_run_writes_all_four_reports_and_fails_the_task()
    {
        using var cake = _script.Run($"--state={_state.Path}");

        cake.ExitCode.ShouldNotBe(0, cake.Output);
        cake.Output.ShouldContain("Error: 1 of 3 parallel legs did not succeed: 'integration' failed");
        using var json = JsonDocument.Parse(File.ReadAllText(Reports("report.json")));
        json.RootElement.GetProperty("schemaVersion").GetInt32().ShouldBe(1);
        var legs = json.RootElement.GetProperty("legs").EnumerateArray().ToArray();
        legs.Select(l => l.GetProperty("name").GetString()).ShouldBe(LegNames);
        legs.Select(l => l.GetProperty("status").GetString()).ShouldBe(["succeeded", "failed", "succeeded"]);
        legs[1].GetProperty("exitCode").GetInt32().ShouldBe(4);
        legs[1].GetProperty("outputTail").EnumerateArray().Select(t => t.GetString()).ShouldBe(["database: connection refused"]);
        var testcases = XDocument.Load(Reports("junit.xml")).Descendants("testcase").ToArray();
        testcases.Select(t => (string?)t.Attribute("name")).ShouldBe(LegNames);
        testcases.Select(t => t.Element("failure") is not null).ShouldBe([false, true, false]);
        File.ReadAllText(Reports("summary.md")).ShouldContain("integration");
        var html = File.ReadAllText(Reports("timeline.html"));
        html.ShouldContain("<svg");
        LegNames.ShouldAllBe(name => html.Contains(name, StringComparison.Ordinal));
        cake.Stdout.ShouldNotContain("::error", customMessage: "no CI system in the environment, so no annotations");
    }

    [Fact]
    public void On_GitHub_Actions_failed_legs_become_annotations_on_stdout_and_the_step_summary_gets_the_table()
    {
        var stepSummary = Path.Combine(_state.Path, "step-summary.md");
        File.WriteAllText(stepSummary, "from an earlier step\n");
        // As on a GitHub runner: both variables set, and colours left to Cake (which turns ANSI on for GitHub).
        var github = new Dictionary<string, string?>
        {
            ["GITHUB_ACTIONS"] = "true", ["GITHUB_ACTION"] = "__run", ["GITHUB_STEP_SUMMARY"] = stepSummary, ["NO_COLOR"] = null, ["TERM"] = null,
        };

        using var cake = _script.RunWith(github, $"--state={_state.Path}");

        cake.ExitCode.ShouldNotBe(0, cake.Output);
        var lines = cake.Stdout.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var summary = lines.FindIndex(l => l.Contains("Parallel run finished in ", StringComparison.Ordinal));
        var error = lines.FindIndex(l => l.StartsWith("::error title=CakeParallel%3A leg 'integration' failed::Exited with code 4", StringComparison.Ordinal));
        summary.ShouldBeGreaterThanOrEqualTo(0, cake.Output);
        error.ShouldBeGreaterThan(summary, cake.Output);
        lines[error].ShouldContain("%0AFull log: ");
        lines.Skip(error + 1).Take(5).ToArray().ShouldSatisfyAllConditions(
            group => group[0].ShouldBe("::group::integration: failed (last 1 output lines)"),
            group => group[1].ShouldStartWith("::stop-commands::"),
            group => group[2].ShouldBe("database: connection refused"),
            group => group[3].ShouldBe("::" + group[1]["::stop-commands::".Length..] + "::"),
            group => group[4].ShouldBe("::endgroup::"));
        lines.ShouldNotContain(l => l.StartsWith("::", StringComparison.Ordinal) && (l.Contains("'compile'", StringComparison.Ordinal) || l.Contains("'docs'", StringComparison.Ordinal)));
        var markdown = File.ReadAllText(stepSummary);
        markdown.ShouldStartWith("from an earlier step\n");
        markdown.ShouldContain("CakeParallel: 2 of 3 legs succeeded");
        markdown.ShouldMatch(@"\| *integration *\|");
    }

    [Fact]
    public void Resuming_from_the_report_runs_only_the_failed_leg_and_shows_the_others_as_reused()
    {
        using var first = _script.Run($"--state={_state.Path}");
        File.WriteAllText(Path.Combine(_state.Path, "fixed"), "");
        using var second = _script.Run($"--state={_state.Path}", "--resume");

        first.ExitCode.ShouldNotBe(0, first.Output);
        second.ExitCode.ShouldBe(0, second.Output);
        LegNames.Select(name => File.ReadAllLines(Path.Combine(_state.Path, name + ".runs")).Length).ShouldBe([1, 2, 1], "only the failed leg ran again");
        second.Stdout.ShouldContain("RESULT compile=Reused,integration=Succeeded,docs=Reused");
        second.Stdout.ShouldContain("compile     | ** reused: succeeded in an earlier run in ");
        second.Stdout.ShouldNotContain("compile     | compiled");
        second.Stdout.ShouldContain("integration | integration passed");
        second.Stdout.ShouldMatch(@"Parallel run finished in [^:]+: 1 succeeded, 2 reused");
        second.Stdout.ShouldMatch(@"\n  compile +reused +- +- +-\n");
        second.Stdout.ShouldMatch(@"\n  integration +succeeded +1 +\S+ \S+ +0\n");
        using var json = JsonDocument.Parse(File.ReadAllText(Reports("report.json")));
        json.RootElement.GetProperty("legs").EnumerateArray().Select(l => l.GetProperty("status").GetString()).ShouldBe(["reused", "succeeded", "reused"]);
        Regex.Matches(File.ReadAllText(Reports("junit.xml")), "<testcase ").Count.ShouldBe(3);
    }
}
