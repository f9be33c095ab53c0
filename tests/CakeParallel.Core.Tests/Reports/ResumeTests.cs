using CakeParallel.Reports;
using CakeParallel.Model;
using CakeParallel.Runs;

namespace CakeParallel.Tests.Reports;

public sealed class ResumeTests : IDisposable
{
    private readonly Scratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task Only_the_legs_that_did_not_succeed_run_again()
    {
        var report = _scratch.PathOf("report.json");
        File.WriteAllText(_scratch.PathOf("fail.arm64"), "");
        File.WriteAllText(_scratch.PathOf("fail.s390x"), "");
        string[] arches = ["amd64", "arm64", "ppc64le", "s390x"];

        var first = await Run(arches, new ReportOptions { ReportFile = report });
        first.Legs.Select(l => l.Status).ShouldBe([LegStatus.Succeeded, LegStatus.Failed, LegStatus.Succeeded, LegStatus.Failed]);

        // The flaky cause is gone; the matrix gained an axis value. Resume from, and write to, the same report.
        File.Delete(_scratch.PathOf("fail.arm64"));
        File.Delete(_scratch.PathOf("fail.s390x"));
        var html = _scratch.PathOf("timeline.html");
        var second = await Run([.. arches, "riscv64"], new ReportOptions { ReportFile = report, ResumeFrom = report, HtmlFile = html });

        second.Legs.Select(l => l.Status).ShouldBe([LegStatus.Reused, LegStatus.Succeeded, LegStatus.Reused, LegStatus.Succeeded, LegStatus.Succeeded]);
        Executions().ShouldBe(new Dictionary<string, int> { ["amd64"] = 1, ["arm64"] = 2, ["ppc64le"] = 1, ["s390x"] = 2, ["riscv64"] = 1 }, ignoreOrder: true);
        second.Legs.Take(4).Select(l => l.Id).ShouldBe(first.Legs.Select(l => l.Id), "adding an axis value keeps the other legs' ids");

        var reused = second.Legs[0];
        reused.Attempts.Select(a => (a.Number, a.StartedAt, a.Outcome, a.ExitCode))
            .ShouldBe(first.Legs[0].Attempts.Select(a => (a.Number, a.StartedAt, a.Outcome, a.ExitCode)), "a reused leg carries its earlier result");
        reused.LogFile.ShouldBe(first.Legs[0].LogFile);
        reused.Remarks.ShouldContain(r => r.Contains(first.RunId, StringComparison.Ordinal));
        second.Succeeded.ShouldBeTrue();
        var page = await File.ReadAllTextAsync(html);
        page.Split("class=\"attempt ").Length.ShouldBe(1 + 3, "bars only for the legs this run ran; reused legs name their run instead");
        page.ShouldContain("reused: succeeded in run " + first.RunId);

        // A third run from the second's report runs nothing: reused legs count as succeeded, and keep their origin.
        var third = await Run([.. arches, "riscv64"], new ReportOptions { ReportFile = report, ResumeFrom = report, HtmlFile = html });
        third.Legs.ShouldAllBe(l => l.Status == LegStatus.Reused);
        Executions().Values.Sum().ShouldBe(7);
        third.Legs[0].Remarks.Count(r => r.StartsWith("reused: ", StringComparison.Ordinal)).ShouldBe(1);
        third.Legs[0].Remarks.ShouldContain(r => r.Contains(first.RunId, StringComparison.Ordinal));
        JsonRunReport.Read(report).Legs.ShouldAllBe(l => l.Status == LegStatus.Reused);
        (await File.ReadAllTextAsync(html)).ShouldNotContain("class=\"attempt ");
    }

    [Fact]
    public async Task Timed_out_cancelled_and_not_started_legs_run_again()
    {
        var report = _scratch.PathOf("report.json");
        File.WriteAllText(_scratch.PathOf("hang.arm64"), "");
        File.WriteAllText(_scratch.PathOf("hang.s390x"), "");
        string[] arches = ["amd64", "arm64", "s390x", "ppc64le"];
        var oneAtATime = _scratch.Options(maxParallel: 1) with { Timeout = TimeSpan.FromSeconds(3) };

        // arm64 times out; the run is cancelled while s390x hangs, so ppc64le never starts.
        using var cancellation = new CancellationTokenSource();
        var run = Run(arches, new ReportOptions { ReportFile = report }, oneAtATime, cancellation.Token);
        await JsonReportTests.WaitUntil(() => File.Exists(_scratch.PathOf("runs.s390x")));
        await cancellation.CancelAsync();
        var first = await run;
        first.Legs.Select(l => l.Status).ShouldBe([LegStatus.Succeeded, LegStatus.TimedOut, LegStatus.Cancelled, LegStatus.NotStarted]);

        File.Delete(_scratch.PathOf("hang.arm64"));
        File.Delete(_scratch.PathOf("hang.s390x"));
        var second = await Run(arches, new ReportOptions { ResumeFrom = report }, oneAtATime);

        second.Legs.Select(l => l.Status).ShouldBe([LegStatus.Reused, LegStatus.Succeeded, LegStatus.Succeeded, LegStatus.Succeeded]);
        Executions().ShouldBe(new Dictionary<string, int> { ["amd64"] = 1, ["arm64"] = 2, ["s390x"] = 2, ["ppc64le"] = 1 }, ignoreOrder: true);
    }

    private Task<RunResult> Run(IEnumerable<string> arches, ReportOptions reports, RunOptions? options = null, CancellationToken cancellationToken = default)
    {
        // Each execution appends a line to runs.<arch>; fail.<arch> makes it fail, hang.<arch> makes it hang.
        var legs = arches.Select(arch => Scratch.Sh($"build-{arch}",
            $"cd '{_scratch.Directory}'; echo run >> runs.{arch}; if [ -e hang.{arch} ]; then sleep 30; fi; if [ -e fail.{arch} ]; then echo 'registry unavailable' >&2; exit 1; fi")
            with { Parameters = new Dictionary<string, string> { ["os"] = "linux", ["arch"] = arch } }).ToList();
        return ParallelRunner.RunAsync(legs, (options ?? _scratch.Options()) with { Reports = reports }, cancellationToken);
    }

    private Dictionary<string, int> Executions() => Directory.GetFiles(_scratch.Directory, "runs.*")
        .ToDictionary(f => Path.GetExtension(f)[1..], f => File.ReadAllLines(f).Length);
}
