using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.Parallel.Tests.Infrastructure;
using CakeParallel.Model;

namespace Cake.Parallel.Tests;

/// <summary>The report settings of the aliases against real child processes, with the Cake log recorded in-process.</summary>
public sealed class ReportSettingsTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Every_report_is_written_relative_to_the_cake_working_directory_when_a_leg_fails()
    {
        var context = new TestCakeContext(_temp.Path);

        Should.Throw<CakeException>(() => context.RunParallel(
            [new ParallelLeg("good", "/bin/echo", "fine"), new ParallelLeg("bad", "/bin/sh", "-c", "echo boom; exit 2")],
            new ParallelSettings()
                .SetReportFile("reports/run.json")
                .SetJUnitFile("reports/junit.xml")
                .SetMarkdownFile("reports/summary.md")
                .SetHtmlFile("reports/timeline.html")));

        using var json = JsonDocument.Parse(File.ReadAllText(_temp.Combine("reports", "run.json")));
        json.RootElement.GetProperty("legs").EnumerateArray().Select(l => l.GetProperty("name").GetString() + "=" + l.GetProperty("status").GetString())
            .ShouldBe(["good=succeeded", "bad=failed"]);
        XDocument.Load(_temp.Combine("reports", "junit.xml")).Descendants("testcase").Select(t => (string?)t.Attribute("name")).ShouldBe(["good", "bad"]);
        File.ReadAllText(_temp.Combine("reports", "summary.md")).ShouldContain("bad");
        File.ReadAllText(_temp.Combine("reports", "timeline.html")).ShouldStartWith("<!DOCTYPE html>", Case.Insensitive);
    }

    [Fact]
    public void On_GitHub_Actions_the_annotations_follow_the_summary_as_plain_information_lines()
    {
        var context = new TestCakeContext(_temp.Path, Verbosity.Normal, new Dictionary<string, string?> { ["GITHUB_ACTIONS"] = "true" });

        context.RunParallel(
            [new ParallelLeg("ok", "/bin/echo", "fine"), new ParallelLeg("broken", "/bin/sh", "-c", "echo 'error: 50% done'; exit 3")],
            new ParallelSettings { ThrowOnFailure = false });

        var lines = context.Log.Lines.ToList();
        var summary = lines.FindIndex(l => l.StartsWith("Parallel run finished", StringComparison.Ordinal));
        var error = lines.FindIndex(l => l.StartsWith("::error title=CakeParallel%3A leg 'broken' failed::", StringComparison.Ordinal));
        summary.ShouldBeGreaterThanOrEqualTo(0);
        error.ShouldBeGreaterThan(summary + 2, "after the summary table");
        lines.ShouldContain("::group::broken: failed (last 1 output lines)");
        lines.ShouldContain("error: 50% done");
        lines.ShouldContain("::endgroup::");
        context.Log.LinesAt(LogLevel.Information).ShouldContain(lines[error], "Information goes to standard output, where the runner reads commands");
        lines.ShouldNotContain(l => l.StartsWith("::", StringComparison.Ordinal) && l.Contains("'ok'", StringComparison.Ordinal));
    }

    [Fact]
    public void Annotations_are_printed_even_at_quiet_verbosity_and_not_when_switched_off()
    {
        var github = new Dictionary<string, string?> { ["GITHUB_ACTIONS"] = "true" };
        var quiet = new TestCakeContext(_temp.Path, Verbosity.Quiet, github);
        var off = new TestCakeContext(_temp.Path, Verbosity.Normal, github);
        ParallelLeg[] legs = [new ParallelLeg("broken", "/bin/sh", "-c", "exit 1")];

        quiet.RunParallel(legs, new ParallelSettings { ThrowOnFailure = false });
        off.RunParallel(legs, new ParallelSettings { ThrowOnFailure = false }.WithCiAnnotations(CiAnnotationMode.Off));

        quiet.Log.Lines.ShouldHaveSingleItem().ShouldStartWith("::error title=CakeParallel%3A leg 'broken' failed::");
        off.Log.Lines.ShouldNotContain(l => l.StartsWith("::", StringComparison.Ordinal));
    }

    [Fact]
    public void Outside_CI_there_are_no_annotations_unless_a_system_is_named()
    {
        var context = new TestCakeContext(_temp.Path);
        ParallelLeg[] legs = [new ParallelLeg("broken", "/bin/sh", "-c", "exit 1")];

        context.RunParallel(legs, new ParallelSettings { ThrowOnFailure = false });
        var detected = context.Log.Lines.Count;
        context.RunParallel(legs, new ParallelSettings { ThrowOnFailure = false, CiAnnotations = CiAnnotationMode.AzurePipelines });

        context.Log.Lines.Take(detected).ShouldNotContain(l => l.StartsWith("::", StringComparison.Ordinal) || l.StartsWith("##", StringComparison.Ordinal));
        context.Log.Lines.Skip(detected).ShouldContain(l => l.StartsWith("##vso[task.logissue type=error", StringComparison.Ordinal));
    }

    [Fact]
    public void Resuming_runs_only_the_legs_that_did_not_succeed_and_shows_the_others_as_reused()
    {
        var context = new TestCakeContext(_temp.Path, Verbosity.Verbose);
        var counts = _temp.Combine("counts");
        Directory.CreateDirectory(counts);
        ParallelLeg Counted(string name, string then) => new(name, "/bin/sh", "-c", $"echo x >> '{counts}/{name}'; {then}");
        ParallelLeg[] legs = [Counted("one", "echo one done"), Counted("flaky", $"test -e '{_temp.Combine("fixed")}' || exit 7"), Counted("two", "echo two done")];
        var settings = new ParallelSettings { ThrowOnFailure = false }.SetReportFile("report.json");

        var first = context.RunParallel(legs, settings);
        File.WriteAllText(_temp.Combine("fixed"), "");
        var firstLines = context.Log.Lines.Count;
        var second = context.RunParallel(legs, settings.SetResumeFrom("report.json"));

        first.Legs.Select(l => l.Status).ShouldBe([LegStatus.Succeeded, LegStatus.Failed, LegStatus.Succeeded]);
        second.Legs.Select(l => l.Status).ShouldBe([LegStatus.Reused, LegStatus.Succeeded, LegStatus.Reused]);
        second.Succeeded.ShouldBeTrue();
        new[] { "one", "flaky", "two" }.Select(n => File.ReadAllLines(Path.Combine(counts, n)).Length).ShouldBe([1, 2, 1]);
        var lines = context.Log.Lines.Skip(firstLines).ToList();
        lines.ShouldContain(l => l.StartsWith("one   | ** reused: succeeded in an earlier run in ", StringComparison.Ordinal));
        lines.ShouldContain(l => Regex.IsMatch(l, $@"^one   \| \*\* reused: succeeded in run {first.RunId} started .+ on "));
        lines.ShouldNotContain("one   | one done");
        lines.ShouldContain("flaky | ** started");
        lines.ShouldContain(l => Regex.IsMatch(l, @"^  one +reused +- +- +-$"));
        lines.ShouldContain(l => Regex.IsMatch(l, @"^  flaky +succeeded +1 +\S+ \S+ +0$"));
        lines.ShouldContain(l => l.StartsWith("Parallel run finished in ", StringComparison.Ordinal) && l.EndsWith(": 1 succeeded, 2 reused", StringComparison.Ordinal));
        using var json = JsonDocument.Parse(File.ReadAllText(_temp.Combine("report.json")));
        json.RootElement.GetProperty("legs").EnumerateArray().Select(l => l.GetProperty("status").GetString()).ShouldBe(["reused", "succeeded", "reused"]);
    }

    [Fact]
    public void A_resume_report_that_does_not_exist_is_rejected_before_anything_starts()
    {
        var context = new TestCakeContext(_temp.Path);
        var marker = _temp.Combine("started");

        var exception = Should.Throw<InvalidRunException>(() => context.RunParallel(
            [new ParallelLeg("leg", "/bin/sh", "-c", $"touch '{marker}'")],
            new ParallelSettings().SetResumeFrom("missing.json")));

        exception.Errors.ShouldHaveSingleItem().Field.ShouldBe("Reports.ResumeFrom");
        exception.Message.ShouldContain(_temp.Combine("missing.json"));
        File.Exists(marker).ShouldBeFalse();
    }

    [Fact]
    public void A_report_that_cannot_be_written_fails_the_task_after_the_summary_and_the_annotations()
    {
        var context = new TestCakeContext(_temp.Path, Verbosity.Normal, new Dictionary<string, string?> { ["GITHUB_ACTIONS"] = "true" });

        // The leg turns the report's folder into a file, so the report can no longer be written when the run ends.
        var exception = Should.Throw<CakeException>(() => context.RunParallel(
            [new ParallelLeg("blocker", "/bin/sh", "-c", "touch out"), new ParallelLeg("broken", "/bin/sh", "-c", "exit 1")],
            new ParallelSettings { ThrowOnFailure = false }.SetReportFile("out/report.json").SetJUnitFile("junit.xml")));

        exception.Message.ShouldContain("report(s) could not be written: ReportFile '" + _temp.Combine("out", "report.json") + "'");
        File.Exists(_temp.Combine("junit.xml")).ShouldBeTrue("the other reports are still written");
        context.Log.Lines.ShouldContain(l => l.StartsWith("Parallel run finished", StringComparison.Ordinal));
        context.Log.Lines.ShouldContain(l => l.StartsWith("::error title=CakeParallel%3A leg 'broken' failed::", StringComparison.Ordinal));
    }
}
