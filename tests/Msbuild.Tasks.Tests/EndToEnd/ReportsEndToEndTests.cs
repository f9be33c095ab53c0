using System.Text.Json;
using System.Xml.Linq;
using CakeParallel.Reports;
using CakeParallel.Model;

namespace CakeParallel.MSBuild.Tests.EndToEnd;

[Collection(MSBuildEndToEnd.Name)]
public sealed class ReportsEndToEndTests(TaskPackageFeed feed)
{
    private const string SnippetMarker = "<!-- snippet: reports (ReportsEndToEndTests builds it) -->";

    // Two checks fail until the file 'fixed' exists; every check counts its runs in <name>.runs.
    private const string Checks = """
          <ItemGroup>
            <Check Include="unit" Command="echo run &gt;&gt; unit.runs" />
            <Check Include="lint" Command="echo run &gt;&gt; lint.runs; test -e fixed || { echo 'lint: 3 problems' &gt;&amp;2; exit 1; }" />
            <Check Include="integration" Command="echo run &gt;&gt; integration.runs; test -e fixed" />
            <Check Include="docs" Command="echo run &gt;&gt; docs.runs" />
          </ItemGroup>
        """;

    [Fact]
    public async Task The_readme_snippet_writes_every_report_and_a_rerun_with_ResumeFrom_runs_only_the_failed_checks()
    {
        var consumer = feed.NewConsumer("resume").WithBody(Checks + ReadmeSnippet());
        string Reports(string name) => Path.Combine(consumer.Directory, "obj", "checks", name);
        int Runs(string check) => File.ReadAllLines(Path.Combine(consumer.Directory, check + ".runs")).Length;

        var first = await consumer.BuildAsync("RunChecks", "CheckResult");

        first.ExitCode.ShouldBe(1, first.ToString());
        first.Items.Select(i => (i["Identity"], i["Status"])).ShouldBe([("unit", "Succeeded"), ("lint", "Failed"), ("integration", "Failed"), ("docs", "Succeeded")], first.ToString());
        using (var json = JsonDocument.Parse(File.ReadAllText(Reports("report.json"))))
        {
            json.RootElement.GetProperty("schemaVersion").GetInt32().ShouldBe(JsonRunReport.SchemaVersion);
        }

        var report = JsonRunReport.Read(Reports("report.json"));
        report.Legs.Select(l => l.Name).ShouldBe(["unit", "lint", "integration", "docs"]);
        report.Legs.Select(l => l.Id).ShouldBe(first.Items.Select(i => i["Id"]));
        var testcases = XDocument.Load(Reports("junit.xml")).Descendants("testcase").ToArray();
        testcases.Select(t => (string?)t.Attribute("name")).ShouldBe(["unit", "lint", "integration", "docs"]);
        testcases.Select(t => t.Element("failure") is not null).ShouldBe([false, true, true, false]);
        testcases[1].Element("failure")!.Value.ShouldContain("lint: 3 problems");
        File.ReadAllText(Reports("summary.md")).ShouldContain("integration");
        File.ReadAllText(Reports("timeline.html")).ShouldContain("<svg");

        File.WriteAllText(Path.Combine(consumer.Directory, "fixed"), "");
        var second = await consumer.BuildAsync("RunChecks", "CheckResult", arguments: ["-p:RerunFailed=true"]);

        second.ExitCode.ShouldBe(0, second.ToString());
        second.Items.Select(i => (i["Identity"], i["Status"])).ShouldBe([("unit", "Reused"), ("lint", "Succeeded"), ("integration", "Succeeded"), ("docs", "Reused")], second.ToString());
        (Runs("unit"), Runs("lint"), Runs("integration"), Runs("docs")).ShouldBe((1, 2, 2, 1), "only the failed checks run again");
        second.Item("unit")["LogFile"].ShouldBe(first.Item("unit")["LogFile"]);
        second.Log.ShouldContain("[unit] not run again, reused: succeeded in run ", Case.Sensitive);
        second.Log.ShouldContain(": 2 succeeded, 2 reused", Case.Sensitive);
        JsonRunReport.Read(Reports("report.json")).Legs.Select(l => l.Status)
            .ShouldBe([LegStatus.Reused, LegStatus.Succeeded, LegStatus.Succeeded, LegStatus.Reused]);
    }

    [Fact]
    public async Task On_GitHub_Actions_the_console_shows_the_annotations_after_the_summary_and_the_step_summary_gets_the_table()
    {
        var consumer = feed.NewConsumer("annotations");
        var stepSummary = Path.Combine(consumer.Directory, "step-summary.md");
        File.WriteAllText(stepSummary, "earlier step\n");
        consumer.WithBody(Checks + """
              <Target Name="RunChecks">
                <ParallelExec Commands="@(Check)" ReportFile="reports/run.json" />
              </Target>
            """);

        var run = await consumer.BuildAsync(
            "RunChecks",
            item: null,
            environment: new Dictionary<string, string> { ["GITHUB_ACTIONS"] = "true", ["GITHUB_STEP_SUMMARY"] = stepSummary });

        run.ExitCode.ShouldBe(1, run.ToString());
        // The runner reads a workflow command from a line that starts with it once leading blanks are trimmed.
        var console = run.Console.Split('\n').Select(l => l.Trim()).ToList();
        var summary = console.FindIndex(l => l.StartsWith("ParallelExec: 4 legs in", StringComparison.Ordinal));
        var lintError = console.FindIndex(l => l.StartsWith("::error title=CakeParallel%3A leg 'lint' failed::", StringComparison.Ordinal));
        summary.ShouldBeGreaterThanOrEqualTo(0, run.ToString());
        lintError.ShouldBeGreaterThan(summary, run.ToString());
        console.ShouldContain(l => l.StartsWith("::error title=CakeParallel%3A leg 'integration' failed::", StringComparison.Ordinal));
        console.ShouldContain(l => l.StartsWith("::group::lint: failed", StringComparison.Ordinal));
        console.ShouldContain("lint: 3 problems");
        console.ShouldContain("::endgroup::");
        var appended = File.ReadAllText(stepSummary);
        appended.ShouldStartWith("earlier step\n");
        appended.ShouldContain("integration");
        File.Exists(Path.Combine(consumer.Directory, "reports", "run.json")).ShouldBeTrue("relative report paths resolve against the project directory");
    }

    private static string ReadmeSnippet()
    {
        var readme = File.ReadAllText(RepositoryLayout.ReadmeFragment);
        var marker = readme.IndexOf(SnippetMarker, StringComparison.Ordinal);
        marker.ShouldBeGreaterThanOrEqualTo(0, $"README.md should contain {SnippetMarker}");
        var start = readme.IndexOf("```xml\n", marker, StringComparison.Ordinal) + "```xml\n".Length;
        return readme[start..readme.IndexOf("```\n", start, StringComparison.Ordinal)];
    }
}
