using System.Diagnostics;
using Cake.Parallel.Tests.Infrastructure;

namespace Cake.Parallel.Tests;

/// <summary>The real <c>dotnet cake</c> killed with SIGKILL mid-run: its keeper ends every leg.</summary>
[Collection(DotnetCakeCollection.Name)]
public sealed class RunnerDeathTests(AddinFeed feed)
{
    [Fact]
    public async Task Legs_of_a_cake_runner_killed_with_sigkill_are_gone_within_the_grace_period_and_a_second()
    {
        var marker = "cpmark-" + Guid.NewGuid().ToString("N");
        using var script = new CakeScript(feed, CakeScript.FromFile("Scripts/long-legs.cake"));
        using var cake = script.Start($"--marker={marker}");
        try
        {
            cake.WaitForOutput(o => o.Contains("long-1 running", StringComparison.Ordinal) && o.Contains("long-2 ignores SIGTERM", StringComparison.Ordinal), TimeSpan.FromMinutes(3));
            ProcessScan.LiveWithMarker(marker).Count.ShouldBeGreaterThanOrEqualTo(4, "two shells and their sleeps run");

            var clock = Stopwatch.StartNew();
            RunnerKill.Kill(RunnerKill.RunnerOf(marker));

            // long-2 ignores SIGTERM: the keeper waits the script's 1 s grace period, then sends SIGKILL.
            var left = await RunnerKill.WaitForNoneAsync(marker, TimeSpan.FromSeconds(2));
            left.ShouldBeEmpty($"after {clock.Elapsed}: {ProcessScan.Describe(left)}");
            cake.WaitForExit(TimeSpan.FromSeconds(30));
        }
        finally
        {
            ProcessScan.KillAll(marker);
        }
    }
}
