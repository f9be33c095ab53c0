using System.Diagnostics;

namespace CakeParallel.Tests.Faults;

/// <summary>The runner killed with SIGKILL, when none of its code can run: its keeper ends the legs and services.</summary>
public sealed class RunnerDeathTests : IDisposable
{
    private readonly Scratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task Legs_and_services_of_a_runner_killed_with_sigkill_end_within_the_grace_period_and_a_second()
    {
        var marker = ProcessScan.NewMarker();
        using var host = StartHost(marker, "long-legs", "3", _scratch.PathOf("logs"), "with-service");

        try
        {
            (await host.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60))).ShouldBe("legs running");

            // Per leg and for the service: a shell with two sleeps.
            var before = await ProcessScan.WaitForAtLeastAsync(marker, 1 + (4 * 3), TimeSpan.FromSeconds(10));
            before.Count.ShouldBeGreaterThanOrEqualTo(1 + (4 * 3), ProcessScan.Describe(before));

            var killed = Stopwatch.StartNew();
            RunnerKill.Kill(host.Id);
            await host.WaitForExitAsync();

            // The legs' grace period is 5 s, but they go on SIGTERM; whatever is left must go within grace + 1 s.
            await NothingLeftAsync(marker, killed);
        }
        finally
        {
            ProcessScan.KillAll(marker);
        }
    }

    [Fact]
    public async Task A_process_a_leg_starts_outside_its_group_while_it_is_being_ended_is_ended_too()
    {
        // On SIGTERM each leg takes half a second, then starts a process in a session of its own and exits: it
        // appears after the keeper's first search for marked processes, when the legs' groups are already going.
        var marker = ProcessScan.NewMarker();
        using var host = StartHost(marker, "long-legs", "2", _scratch.PathOf("logs"), "no-service", "trap 'sleep 0.5; setsid sleep 1000 & exit 0' TERM; sleep 1000 & wait");
        try
        {
            (await host.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60))).ShouldBe("legs running");
            var before = await ProcessScan.WaitForAtLeastAsync(marker, 1 + (2 * 2), TimeSpan.FromSeconds(10));
            before.Count.ShouldBeGreaterThanOrEqualTo(1 + (2 * 2), ProcessScan.Describe(before));

            var killed = Stopwatch.StartNew();
            RunnerKill.Kill(host.Id);
            await host.WaitForExitAsync();

            // The escapees appear after half a second; the keeper finds them once the groups are gone.
            await Task.Delay(TimeSpan.FromSeconds(1));
            await NothingLeftAsync(marker, killed);
        }
        finally
        {
            ProcessScan.KillAll(marker);
        }
    }

    [Fact]
    public async Task A_leg_gets_only_its_own_termination_sequence_from_the_keeper()
    {
        // The legs end on SIGUSR1 (and SIGKILL 1.5 s later). Each shell records every signal it traps; the keeper's
        // search for marked processes must leave the members of the legs' groups to that sequence, not send them its
        // default SIGTERM on top.
        var marker = ProcessScan.NewMarker();
        var signals = _scratch.PathOf("signals");
        var script = $"trap 'echo USR1 >> {signals}' USR1; trap 'echo TERM >> {signals}' TERM; while :; do sleep 0.1; done";
        using var host = StartHost(marker, "long-legs", "2", _scratch.PathOf("logs"), "no-service", script, "USR1,1500,KILL,5000");
        try
        {
            (await host.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60))).ShouldBe("legs running");
            var before = await ProcessScan.WaitForAtLeastAsync(marker, 2 * 2, TimeSpan.FromSeconds(10));
            before.Count.ShouldBeGreaterThanOrEqualTo(2 * 2, ProcessScan.Describe(before));

            var killed = Stopwatch.StartNew();
            RunnerKill.Kill(host.Id);
            await host.WaitForExitAsync();
            await NothingLeftAsync(marker, killed);

            File.ReadAllLines(signals).ShouldBe(["USR1", "USR1"]);
        }
        finally
        {
            ProcessScan.KillAll(marker);
        }
    }

    /// <summary>Asserts that no process carries <paramref name="marker"/> by 6 s (the grace period and a second) after the kill.</summary>
    private static async Task NothingLeftAsync(string marker, Stopwatch killed)
    {
        IReadOnlyList<int> left;
        while ((left = ProcessScan.LiveWithMarker(marker)).Count > 0 && killed.Elapsed < TimeSpan.FromSeconds(6))
        {
            await Task.Delay(50);
        }

        left.ShouldBeEmpty(ProcessScan.Describe(left));
    }

    /// <summary>The test host in <paramref name="arguments"/>' mode, its processes (and theirs) marked with <paramref name="marker"/>.</summary>
    private static Process StartHost(string marker, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        startInfo.ArgumentList.Add(TestHost.AssemblyPath);
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.Environment[ProcessScan.MarkerVariable] = marker;
        return Process.Start(startInfo)!;
    }
}
