using CakeParallel.Reports;
using CakeParallel.Model;
using CakeParallel.Runs;

namespace CakeParallel.Tests.Reports;

public sealed class ReportWritingTests : IDisposable
{
    private readonly Scratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task A_report_that_cannot_be_written_does_not_stop_the_others_and_the_result_is_kept()
    {
        // The folder of the JSON report is valid when the run starts, but the leg puts a file in its place.
        var blocked = _scratch.PathOf("blocked");
        var reports = new ReportOptions { ReportFile = Path.Combine(blocked, "report.json"), JUnitFile = _scratch.PathOf("junit.xml") };

        var exception = await Should.ThrowAsync<ReportWriteException>(() =>
            ParallelRunner.RunAsync([Scratch.Sh("leg", $"touch '{blocked}'")], _scratch.Options() with { Reports = reports }));

        exception.Result.Succeeded.ShouldBeTrue();
        exception.Failures.ShouldHaveSingleItem().ShouldStartWith($"ReportFile '{reports.ReportFile}': ");
        exception.Message.ShouldContain("1 succeeded");
        File.Exists(reports.JUnitFile).ShouldBeTrue();
    }

    [Fact]
    public async Task Reports_are_written_even_when_the_listener_throws()
    {
        var reports = new ReportOptions { ReportFile = _scratch.PathOf("report.json") };

        await Should.ThrowAsync<InvalidOperationException>(() =>
            ParallelRunner.RunAsync([Scratch.Sh("leg", "exit 5")], _scratch.Options() with { Reports = reports, Listener = new ThrowingListener() }));

        JsonRunReport.Read(reports.ReportFile).Legs.ShouldHaveSingleItem().ExitCode.ShouldBe(5);
    }

    private sealed class ThrowingListener : IRunListener
    {
        public void LegCompleted(LegResult result) => throw new InvalidOperationException("listener bug");
    }
}
