namespace CakeParallel.Tests;

public sealed class HostSignalTests : IDisposable
{
    private readonly Scratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Theory]
    [InlineData("TERM", "SIGTERM")]
    [InlineData("INT", "SIGINT")]
    [InlineData("HUP", "SIGHUP")]
    public async Task A_signal_to_the_host_cancels_the_run_and_no_leg_process_survives(string signal, string expectedName)
    {
        var marker = ProcessScan.NewMarker();
        var startInfo = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        startInfo.ArgumentList.Add(TestHost.AssemblyPath);
        foreach (var argument in new[] { "long-legs", "3", _scratch.PathOf("logs") })
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.Environment[ProcessScan.MarkerVariable] = marker;
        using var host = System.Diagnostics.Process.Start(startInfo)!;
        try
        {
            var error = host.StandardError.ReadToEndAsync();
            var firstLine = await host.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
            firstLine.ShouldBe("legs running");

            // The host, and per leg its shell with two sleeps.
            await Eventually(() => ProcessScan.LiveWithMarker(marker).Count >= 1 + (3 * 3));

            using (var kill = System.Diagnostics.Process.Start("kill", ["-" + signal, host.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            var rest = await host.StandardOutput.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(60));
            await host.WaitForExitAsync();

            rest.ShouldContain("signal " + expectedName);
            rest.ShouldContain("long-1 Cancelled");
            rest.ShouldContain("long-3 Cancelled");
            host.ExitCode.ShouldBe(1, await error);
            ProcessScan.LiveWithMarker(marker).ShouldBeEmpty();
        }
        finally
        {
            // Whatever failed above, leave no host or leg behind for the next test.
            ProcessScan.KillAll(marker);
        }
    }

    private static async Task Eventually(Func<bool> condition)
    {
        for (var i = 0; i < 100 && !condition(); i++)
        {
            await Task.Delay(50);
        }

        condition().ShouldBeTrue();
    }
}
