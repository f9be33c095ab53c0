using System.Diagnostics;
using System.Globalization;
using CakeParallel.Model;
using CakeParallel.Runs;

namespace CakeParallel.Tests.Faults;

/// <summary>A runner killed mid-run leaves a journal; ResumeFrom re-runs only what did not finish.</summary>
public sealed class RunJournalTests : IDisposable
{
    private readonly Scratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task After_a_sigkill_resuming_from_the_journal_runs_only_the_legs_that_did_not_succeed()
    {
        var logs = _scratch.PathOf("killed-run");
        using var host = TestHost.Start("journal", "2", logs);
        try
        {
            (await host.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60))).ShouldBe("three ended");
            using (var kill = Process.Start("kill", ["-KILL", host.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            await host.WaitForExitAsync();
        }
        finally
        {
            if (!host.HasExited)
            {
                host.Kill();
            }
        }

        // The runner may die while writing a line: a torn last line must not stop the resume.
        var journal = Path.Combine(logs, "run-journal.jsonl");
        File.ReadAllLines(journal).Length.ShouldBe(4, "the run's line and the three legs that ended");
        await File.AppendAllTextAsync(journal, "{\"leg\":{\"id\":\"abc\",\"na");

        var legs = new[] { "quick-1", "quick-2", "fails", "slow-1", "slow-2" }.Select(n => LegSpec.Shell(n, "echo ran")).ToArray();
        var options = _scratch.Options() with { Reports = new ReportOptions { ResumeFrom = logs } };
        var result = await ParallelRunner.RunAsync(legs, options);

        result.Legs.Select(l => (l.Name, l.Status)).ShouldBe(
        [
            ("quick-1", LegStatus.Reused), ("quick-2", LegStatus.Reused),
            ("fails", LegStatus.Succeeded), ("slow-1", LegStatus.Succeeded), ("slow-2", LegStatus.Succeeded),
        ]);

        // The journal file itself is accepted too, and the new run's journal carries the reused legs forward.
        var again = await ParallelRunner.RunAsync(legs, _scratch.Options() with
        {
            LogDirectory = _scratch.PathOf("third"),
            Reports = new ReportOptions { ResumeFrom = Path.Combine(_scratch.PathOf("logs"), "run-journal.jsonl") },
        });
        again.Legs.ShouldAllBe(l => l.Status == LegStatus.Reused);
    }

    [Fact]
    public async Task A_journal_damaged_before_its_last_line_is_a_coded_input_error()
    {
        var journal = _scratch.PathOf("broken.jsonl");
        await File.WriteAllTextAsync(journal, "{\"runId\":\"r\",\"startedAt\":\"2026-01-01T00:00:00Z\"}\nnot json\n{\"leg\":{\"id\":\"x\",\"name\":\"x\",\"status\":\"succeeded\"}}\n");

        var failure = await Should.ThrowAsync<InvalidRunException>(() => ParallelRunner.RunAsync([LegSpec.Shell("x", "true")], _scratch.Options() with { Reports = new ReportOptions { ResumeFrom = journal } }));

        failure.Errors.ShouldContain(e => e.Code == ErrorCodes.ResumeReportUnusable && e.Message.Contains("line 2", StringComparison.Ordinal));
    }
}
