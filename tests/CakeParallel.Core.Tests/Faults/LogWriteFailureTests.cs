using CakeParallel.Model;
using CakeParallel.Runs;

namespace CakeParallel.Tests.Faults;

/// <summary>A log that cannot be written (a full disk, a deleted folder) never breaks supervision.</summary>
public sealed class LogWriteFailureTests : IDisposable
{
    private const string FiveMegabytes = "yes 'a line of output from a chatty build step, about eighty bytes long....' 2>/dev/null | head -c 5000000";
    private readonly SmallTmpfs _disk = new();

    public void Dispose() => _disk.Dispose();

    [Fact]
    public async Task Legs_on_a_full_disk_drain_their_output_and_end_with_a_remark_and_every_slot_comes_back()
    {
        var legs = Enumerable.Range(1, 3).Select(i => LegSpec.Shell($"chatty-{i}", FiveMegabytes + "; echo; echo done")).ToList();

        var result = await ParallelRunner.RunAsync(legs, new RunOptions { MaxParallel = 1, LogDirectory = _disk.Path })
            .WaitAsync(TimeSpan.FromSeconds(60));

        foreach (var leg in result.Legs)
        {
            leg.Status.ShouldBe(LegStatus.Succeeded, leg.FailureReason);
            leg.OutputTail[^1].ShouldBe("done", "the output was read to its end");
        }

        var remarks = result.Legs.SelectMany(l => l.Remarks).ToList();
        remarks.ShouldContain(r => r.StartsWith("log incomplete from ", StringComparison.Ordinal) && r.Contains("No space left on device", StringComparison.Ordinal));
        result.Legs.Count(l => l.Remarks.Any(r => r.StartsWith("log incomplete", StringComparison.Ordinal))).ShouldBe(3, "one remark per leg");
        result.Legs[0].Remarks.Count(r => r.StartsWith("log incomplete", StringComparison.Ordinal)).ShouldBe(1);
    }

    [Fact]
    public async Task A_leg_that_times_out_on_a_full_disk_is_still_terminated_and_the_run_returns_its_result()
    {
        var legs = new[]
        {
            LegSpec.Shell("fills-then-hangs", FiveMegabytes + "; sleep 1000"),
            LegSpec.Shell("after", "echo after"),
        };

        var result = await ParallelRunner.RunAsync(legs, new RunOptions
        {
            MaxParallel = 1,
            LogDirectory = _disk.Path,
            Timeout = TimeSpan.FromSeconds(3),
            Termination = TerminationSequence.WithGracePeriod(TimeSpan.FromSeconds(1)),
        }).WaitAsync(TimeSpan.FromSeconds(60));

        result.Legs[0].Status.ShouldBe(LegStatus.TimedOut);
        result.Legs[0].Signal.ShouldBe("SIGTERM");
        result.Legs[0].Remarks.ShouldContain(r => r.Contains("No space left on device", StringComparison.Ordinal));
        result.Legs[1].Status.ShouldBe(LegStatus.Succeeded, "the slot came back");
    }

    [Fact]
    public async Task A_log_folder_deleted_during_the_run_costs_the_later_legs_their_logs_not_their_runs()
    {
        var logs = Path.Combine(_disk.Path, "logs");
        var legs = new[]
        {
            LegSpec.Shell("deletes-the-folder", $"rm -rf '{logs}'; echo gone"),
            LegSpec.Shell("later", "echo later"),
        };

        var result = await ParallelRunner.RunAsync(legs, new RunOptions { MaxParallel = 1, LogDirectory = logs })
            .WaitAsync(TimeSpan.FromSeconds(60));

        result.Legs.ShouldAllBe(l => l.Status == LegStatus.Succeeded);
        result.Legs[1].OutputTail.ShouldBe(["later"]);
        result.Legs[1].Remarks.ShouldContain(r => r.StartsWith("log incomplete from ", StringComparison.Ordinal) && r.Contains("Could not find a part of the path", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_read_only_log_folder_costs_the_legs_their_logs_not_their_runs()
    {
        var logs = Directory.CreateDirectory(Path.Combine(_disk.Path, "logs")).FullName;
        _disk.MakeReadOnly();
        var legs = Enumerable.Range(1, 3).Select(i => LegSpec.Shell($"leg-{i}", $"echo {i}")).ToList();

        var result = await ParallelRunner.RunAsync(legs, new RunOptions { MaxParallel = 1, LogDirectory = logs })
            .WaitAsync(TimeSpan.FromSeconds(60));

        foreach (var leg in result.Legs)
        {
            leg.Status.ShouldBe(LegStatus.Succeeded);
            leg.Remarks.ShouldHaveSingleItem().ShouldContain("Read-only file system");
        }
    }

    [Fact]
    public async Task A_full_disk_under_the_reports_fails_the_run_with_the_coded_report_error_after_every_leg_ran()
    {
        var legs = new[] { LegSpec.Shell("chatty", FiveMegabytes) };
        var options = new RunOptions
        {
            LogDirectory = _disk.Path,
            Reports = new ReportOptions { ReportFile = Path.Combine(_disk.Path, "report.json") },
        };

        var failure = await Should.ThrowAsync<CakeParallel.Reports.ReportWriteException>(ParallelRunner.RunAsync(legs, options).WaitAsync(TimeSpan.FromSeconds(60)));

        failure.Result.Legs[0].Status.ShouldBe(LegStatus.Succeeded);
    }
}
