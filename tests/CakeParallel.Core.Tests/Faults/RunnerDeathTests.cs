using System.Diagnostics;
using System.Globalization;

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
        var startInfo = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { TestHost.AssemblyPath, "long-legs", "3", _scratch.PathOf("logs"), "with-service" })
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.Environment[ProcessScan.MarkerVariable] = marker;
        using var host = Process.Start(startInfo)!;
        try
        {
            (await host.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60))).ShouldBe("legs running");

            // Per leg and for the service: a shell with two sleeps.
            var before = await ProcessScan.WaitForAtLeastAsync(marker, 1 + (4 * 3), TimeSpan.FromSeconds(10));
            before.Count.ShouldBeGreaterThanOrEqualTo(1 + (4 * 3), ProcessScan.Describe(before));

            var killed = Stopwatch.StartNew();
            using (var kill = Process.Start("kill", ["-KILL", host.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            await host.WaitForExitAsync();

            // The legs' grace period is 5 s, but they go on SIGTERM; whatever is left must go within grace + 1 s.
            IReadOnlyList<int> left;
            while ((left = ProcessScan.LiveWithMarker(marker)).Count > 0 && killed.Elapsed < TimeSpan.FromSeconds(6))
            {
                await Task.Delay(50);
            }

            left.ShouldBeEmpty(ProcessScan.Describe(left));
        }
        finally
        {
            ProcessScan.KillAll(marker);
        }
    }
}
