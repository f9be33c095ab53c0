using System.Xml.Linq;
using CakeParallel.Reports;
using Microsoft.Build.Framework;
using CakeParallel.Model;
using static CakeParallel.MSBuild.Tests.CommandItems;

namespace CakeParallel.MSBuild.Tests;

public sealed class ReportParameterTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly RecordingBuildEngine _engine = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Relative_report_paths_resolve_against_the_project_directory_and_every_report_is_written()
    {
        var task = NewTask(Shell("ok", "echo fine"), Shell("broken", "echo 'fatal: no space' >&2; exit 2"));
        task.ReportFile = Relative("reports/run.json");
        task.JUnitFile = Relative("reports/junit.xml");
        task.MarkdownFile = Relative("reports/summary.md");
        task.HtmlFile = Relative("reports/timeline.html");
        task.CiAnnotations = "Off";

        TaskRun.Execute(task, _engine).Result.ShouldBeFalse();

        var report = JsonRunReport.Read(_temp.Combine("reports/run.json"));
        report.Legs.Select(l => (l.Name, l.Status)).ShouldBe([("ok", LegStatus.Succeeded), ("broken", LegStatus.Failed)]);
        report.Legs[1].ExitCode.ShouldBe(2);
        report.Legs.Select(l => l.Id).ShouldBe(task.Results.Select(r => r.GetMetadata("Id")));
        var testcases = XDocument.Load(_temp.Combine("reports/junit.xml")).Descendants("testcase").ToArray();
        testcases.Select(t => (string?)t.Attribute("name")).ShouldBe(["ok", "broken"]);
        testcases[1].Element("failure").ShouldNotBeNull().Value.ShouldContain("fatal: no space");
        File.ReadAllText(_temp.Combine("reports/summary.md")).ShouldContain("broken");
        File.ReadAllText(_temp.Combine("reports/timeline.html")).ShouldContain("<svg");
        _engine.Errors.Select(e => e.Code).ShouldBe(["CPAR0101"]);
    }

    [Theory]
    [InlineData("GitHubActions", "::error title=CakeParallel%3A leg 'broken' failed::")]
    [InlineData("azurepipelines", "##vso[task.logissue type=error;")]
    [InlineData("TEAMCITY", "##teamcity[")]
    public void CI_annotations_of_the_chosen_system_are_logged_at_high_importance_after_the_summary(string mode, string expected)
    {
        var task = NewTask(Shell("ok", "true"), Shell("broken", "echo 'fatal: no space' >&2; exit 2"));
        task.CiAnnotations = mode;

        var (result, executeThread) = TaskRun.Execute(task, _engine);

        result.ShouldBeFalse();
        var messages = _engine.Messages.ToList();
        var summary = messages.FindIndex(m => m.Message!.StartsWith("ParallelExec: 2 legs in", StringComparison.Ordinal));
        var annotation = messages.FindIndex(m => m.Message!.StartsWith(expected, StringComparison.Ordinal));
        summary.ShouldBeGreaterThanOrEqualTo(0);
        annotation.ShouldBeGreaterThan(summary, string.Join(Environment.NewLine, messages.Select(m => m.Message)));
        messages[annotation].Importance.ShouldBe(MessageImportance.High);
        messages.Skip(annotation).ShouldContain(m => m.Message!.Contains("fatal: no space"), "the failing leg's last output is replayed");
        _engine.Events.ShouldAllBe(e => e.ThreadId == executeThread && !e.AfterExecuteReturned);
    }

    [Fact]
    public void With_CiAnnotations_Off_no_annotation_is_logged()
    {
        var task = NewTask(Shell("broken", "exit 2"));
        task.CiAnnotations = "off";

        TaskRun.Execute(task, _engine).Result.ShouldBeFalse();

        _engine.Messages.ShouldNotContain(m => m.Message!.StartsWith("::", StringComparison.Ordinal) || m.Message.StartsWith("##", StringComparison.Ordinal));
    }

    [Fact]
    public void Invalid_report_parameters_are_coded_errors_naming_the_parameter_and_nothing_starts()
    {
        var marker = _temp.Combine("started");
        File.WriteAllText(_temp.Combine("not-a-report.json"), """{ "hello": "world" }""");
        var task = NewTask(Shell("leg", $"touch '{marker}'"));
        task.CiAnnotations = "Jenkins";
        task.ReportFile = _temp.Path;
        task.JUnitFile = Relative("same.xml");
        task.HtmlFile = _temp.Combine("same.xml");
        task.ResumeFrom = _temp.Combine("not-a-report.json");

        var (result, _) = TaskRun.Execute(task, _engine);

        result.ShouldBeFalse();
        File.Exists(marker).ShouldBeFalse();
        _engine.YieldCount.ShouldBe(0);
        task.Results.ShouldBeEmpty();
        var errors = _engine.Errors.Select(e => $"{e.Code} {e.Message}").ToArray();
        errors.ShouldContain("CPAR0404 parameter CiAnnotations: 'Jenkins' is not an annotation mode; use one of Auto, Off, GitHubActions, AzurePipelines, TeamCity.");
        errors.ShouldContain(e => e.StartsWith($"CPAR0401 parameter ReportFile: '{_temp.Path}' is a directory"));
        errors.ShouldContain(e => e.StartsWith("CPAR0402 parameter HtmlFile: "));
        errors.ShouldContain(e => e.StartsWith("CPAR0403 parameter ResumeFrom: ") && e.Contains("schemaVersion"));
        errors.Length.ShouldBe(4, string.Join(Environment.NewLine, errors));
    }

    [Fact]
    public void ResumeFrom_runs_only_the_legs_that_did_not_succeed_and_reports_the_others_as_Reused()
    {
        string Counted(string leg, string then) => $"echo run >> '{_temp.Combine(leg + ".runs")}'; {then}";
        var fixedMarker = _temp.Combine("fixed");
        ParallelExec Run(string? resumeFrom)
        {
            var task = NewTask(
                Shell("ok", Counted("ok", "true")),
                Shell("broken", Counted("broken", $"test -e '{fixedMarker}'")),
                Shell("slow", Counted("slow", $"test -e '{fixedMarker}' || sleep 30")).With("Timeout", "300"),
                Shell("also-ok", Counted("also-ok", "true")));
            task.GracePeriod = 1000;
            task.ReportFile = _temp.Combine("run.json");
            task.ResumeFrom = resumeFrom;
            task.CiAnnotations = "Off";
            return task;
        }

        var first = Run(null);
        TaskRun.Execute(first, _engine).Result.ShouldBeFalse();
        first.Results.Select(r => r.GetMetadata("Status")).ShouldBe(["Succeeded", "Failed", "TimedOut", "Succeeded"]);
        File.WriteAllText(fixedMarker, "");

        var second = Run(_temp.Combine("run.json"));
        var resumed = new RecordingBuildEngine();
        second.BuildEngine = resumed;
        TaskRun.Execute(second, resumed).Result.ShouldBeTrue(string.Join(Environment.NewLine, resumed.Errors.Select(e => e.Message)));

        second.Results.Select(r => r.GetMetadata("Status")).ShouldBe(["Reused", "Succeeded", "Succeeded", "Reused"]);
        foreach (var (leg, runs) in new[] { ("ok", 1), ("broken", 2), ("slow", 2), ("also-ok", 1) })
        {
            File.ReadAllLines(_temp.Combine(leg + ".runs")).Length.ShouldBe(runs, leg);
        }

        var ok = second.Results[0];
        ok.GetMetadata("ExitCode").ShouldBe("0");
        ok.GetMetadata("LogFile").ShouldBe(first.Results[0].GetMetadata("LogFile"));
        ok.GetMetadata("Id").ShouldBe(first.Results[0].GetMetadata("Id"));
        resumed.Messages.ShouldContain(m => m.Message!.StartsWith("[ok] not run again, reused: succeeded in run ", StringComparison.Ordinal));
        resumed.Messages.ShouldNotContain(m => m.Message!.StartsWith("[ok] started", StringComparison.Ordinal));
        resumed.Messages.ShouldContain(m => m.Message!.StartsWith("ParallelExec: 4 legs in", StringComparison.Ordinal) && m.Message.EndsWith(": 2 succeeded, 2 reused", StringComparison.Ordinal));
        JsonRunReport.Read(_temp.Combine("run.json")).Legs.Select(l => l.Status).ShouldBe([LegStatus.Reused, LegStatus.Succeeded, LegStatus.Succeeded, LegStatus.Reused]);
    }

    [Fact]
    public void A_report_that_cannot_be_written_is_a_coded_error_and_Results_are_still_set()
    {
        // The report's folder is fine when the run starts; the leg then puts a file in its place.
        var blocked = _temp.Combine("blocked");
        var task = NewTask(Shell("leg", $"touch '{blocked}'"));
        task.ReportFile = Path.Combine(blocked, "run.json");
        task.JUnitFile = _temp.Combine("junit.xml");
        task.CiAnnotations = "GitHubActions";

        var (result, executeThread) = TaskRun.Execute(task, _engine);

        result.ShouldBeFalse();
        var error = _engine.Errors.ShouldHaveSingleItem();
        error.Code.ShouldBe("CPAR0405");
        error.Message.ShouldStartWith($"report not written: ReportFile '{task.ReportFile}': ");
        error.File.ShouldBe("/src/consumer.proj");
        task.Results.ShouldHaveSingleItem().GetMetadata("Status").ShouldBe("Succeeded");
        File.Exists(_temp.Combine("junit.xml")).ShouldBeTrue("the other reports are still written");
        _engine.Messages.ShouldContain(m => m.Message!.StartsWith("ParallelExec: 1 leg in", StringComparison.Ordinal));
        _engine.Events.ShouldAllBe(e => e.ThreadId == executeThread && !e.AfterExecuteReturned);
        _engine.ReacquireCount.ShouldBe(1);
    }

    private ParallelExec NewTask(params ITaskItem[] commands) => new()
    {
        BuildEngine = _engine,
        Commands = commands,
        LogDirectory = _temp.Combine("logs"),
    };

    // MSBuild runs a task with the project directory as the current directory; the test host's stands in for it.
    private string Relative(string name) => Path.GetRelativePath(Directory.GetCurrentDirectory(), _temp.Combine(name));
}
