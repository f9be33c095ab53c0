using System.Diagnostics;
using CakeParallel.Model;
using CakeParallel.Supervision;

namespace CakeParallel.Tests.Faults;

/// <summary>Processes that leave their group are found by the marker they inherit, and ended.</summary>
public sealed class EscapedProcessTests
{
    [Theory]
    [InlineData("setsid sleep 300 >/dev/null & echo started")]
    [InlineData("(sleep 300 >/dev/null &) ; echo started")]
    [InlineData("setsid sh -c 'sleep 300 & sleep 301' >/dev/null & echo started")]
    public async Task A_process_that_left_the_group_is_found_by_its_marker_and_ended(string script)
    {
        var marker = EscapedProcesses.NewMarker();
        var testMarker = ProcessScan.NewMarker();
        var startInfo = new ProcessStartInfo("/bin/sh", ["-c", script]) { RedirectStandardOutput = true };
        startInfo.Environment[EscapedProcesses.MarkerVariable] = marker;
        startInfo.Environment[ProcessScan.MarkerVariable] = testMarker;
        try
        {
            using var leg = Process.Start(startInfo)!;
            (await leg.StandardOutput.ReadLineAsync()).ShouldBe("started");
            await leg.WaitForExitAsync();
            await ProcessScan.WaitForAtLeastAsync(testMarker, 1, TimeSpan.FromSeconds(5));

            var escaped = await EscapedProcesses.FindAsync(marker, leg.Id);

            escaped.ShouldNotBeEmpty();
            var report = await EscapedProcesses.TerminateAsync(escaped, TerminationSequence.Parse("TERM,2000,KILL,2000"));
            report.Count.ShouldBe(escaped.Count);
            report.Text.ShouldStartWith($"escaped processes terminated: {escaped.Count} (");
            report.Text.ShouldContain("ended by SIGTERM");
            ProcessScan.LiveWithMarker(testMarker).ShouldBeEmpty();
        }
        finally
        {
            ProcessScan.KillAll(testMarker);
        }
    }

    [Fact]
    public async Task A_process_that_ignores_sigterm_is_killed_by_the_next_step()
    {
        var marker = EscapedProcesses.NewMarker();
        var testMarker = ProcessScan.NewMarker();
        var startInfo = new ProcessStartInfo("/bin/sh", ["-c", "setsid sh -c \"trap '' TERM; while :; do sleep 1; done\" >/dev/null & sleep 0.3; echo started"]) { RedirectStandardOutput = true };
        startInfo.Environment[EscapedProcesses.MarkerVariable] = marker;
        startInfo.Environment[ProcessScan.MarkerVariable] = testMarker;
        try
        {
            using var leg = Process.Start(startInfo)!;
            (await leg.StandardOutput.ReadToEndAsync()).ShouldContain("started");
            await leg.WaitForExitAsync();

            var escaped = await EscapedProcesses.FindAsync(marker, leg.Id);
            var report = await EscapedProcesses.TerminateAsync(escaped, TerminationSequence.Parse("TERM,300,KILL,2000"));

            report.Text.ShouldContain("ended by SIGKILL");
            ProcessScan.LiveWithMarker(testMarker).ShouldBeEmpty();
        }
        finally
        {
            ProcessScan.KillAll(testMarker);
        }
    }

    [Fact]
    public async Task A_short_lived_legs_search_finds_a_threaded_escapee_once_not_once_a_thread()
    {
        // Searched as a leg that lived under a second is: only the pids created since it started, tried one by
        // one when they are few. Thread ids are pids as well and carry the same environment.
        var marker = EscapedProcesses.NewMarker();
        var testMarker = ProcessScan.NewMarker();
        var ready = Path.Combine(Path.GetTempPath(), "cpar-threads-" + testMarker);
        var threads = $"import threading, time; [threading.Thread(target=time.sleep, args=(300,)).start() for _ in range(3)]; open('{ready}', 'w').close(); time.sleep(300)";
        var startInfo = new ProcessStartInfo("/bin/sh", ["-c", $"setsid python3 -c \"{threads}\" >/dev/null 2>&1 & while [ ! -e {ready} ]; do sleep 0.01; done; echo started"]) { RedirectStandardOutput = true };
        startInfo.Environment[EscapedProcesses.MarkerVariable] = marker;
        startInfo.Environment[ProcessScan.MarkerVariable] = testMarker;
        try
        {
            using var leg = Process.Start(startInfo)!;
            (await leg.StandardOutput.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(30))).ShouldContain("started");
            await leg.WaitForExitAsync();

            var escaped = await EscapedProcesses.FindAsync(marker, leg.Id, TimeSpan.Zero);

            escaped.ShouldHaveSingleItem().Name.ShouldBe("python3");
            await EscapedProcesses.TerminateAsync(escaped, TerminationSequence.Parse("TERM,2000,KILL,2000"));
            ProcessScan.LiveWithMarker(testMarker).ShouldBeEmpty();
        }
        finally
        {
            ProcessScan.KillAll(testMarker);
            File.Delete(ready);
        }
    }

    [Fact]
    public async Task A_process_whose_marker_only_starts_like_ours_is_not_found()
    {
        var marker = EscapedProcesses.NewMarker();
        var testMarker = ProcessScan.NewMarker();
        var startInfo = new ProcessStartInfo("/bin/sleep", ["30"]);
        startInfo.Environment[EscapedProcesses.MarkerVariable] = marker + "0";
        startInfo.Environment[ProcessScan.MarkerVariable] = testMarker;
        using var other = Process.Start(startInfo)!;
        try
        {
            (await EscapedProcesses.FindAsync(marker, other.Id)).ShouldBeEmpty();
            (await EscapedProcesses.FindAsync(marker + "0", other.Id)).ShouldHaveSingleItem().ProcessId.ShouldBe(other.Id);
        }
        finally
        {
            other.Kill();
            other.WaitForExit();
        }
    }
}
