using System.Diagnostics;

namespace CakeParallel.MSBuild.Tests.EndToEnd;

/// <summary>The real <c>dotnet msbuild</c> running ParallelExec killed with SIGKILL: its keeper ends every leg.</summary>
[Collection(MSBuildEndToEnd.Name)]
public sealed class RunnerDeathEndToEndTests(TaskPackageFeed feed)
{
    [Fact]
    public async Task Legs_of_an_msbuild_killed_with_sigkill_are_gone_within_the_grace_period_and_a_second()
    {
        var consumer = feed.NewConsumer("sigkill");
        var marker = "cpar-e2e-sigkill-" + Guid.NewGuid().ToString("N");
        consumer.WithBody($"""
              <ItemGroup>
                <Leg Include="tree" Command="sleep 600 &amp; sleep 601; wait" />
                <Leg Include="stubborn" Command="trap '' TERM; sleep 602" />
              </ItemGroup>
              <Target Name="RunLegs">
                <ParallelExec Commands="@(Leg)" MaxParallel="2" EnvironmentVariables="CPAR_E2E_MARKER={marker}" GracePeriod="1000" />
              </Target>
            """);

        using var build = consumer.Start("RunLegs");
        try
        {
            var running = await ProcessScan.WaitForAtLeastAsync(marker, 5, TimeSpan.FromMinutes(2));
            running.Count.ShouldBeGreaterThanOrEqualTo(5, "both legs (two shells, three sleeps) run");

            // With -nodeReuse:false the task runs in the main msbuild process: the legs' parent.
            var runner = RunnerKill.RunnerOf(marker);
            File.ReadAllText($"/proc/{runner}/cmdline").ShouldContain("msbuild", Case.Insensitive);
            var clock = Stopwatch.StartNew();
            RunnerKill.Kill(runner);

            var left = await RunnerKill.WaitForNoneAsync(marker, TimeSpan.FromSeconds(2));
            left.ShouldBeEmpty($"after {clock.Elapsed}: {ProcessScan.Describe(left)}");
            await build.WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            ProcessScan.KillAll(marker);
        }
    }
}
