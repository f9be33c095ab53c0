namespace CakeParallel.MSBuild.Tests.EndToEnd;

[Collection(MSBuildEndToEnd.Name)]
public sealed class ParallelExecEndToEndTests(TaskPackageFeed feed)
{
    [Fact]
    public async Task Succeeding_failing_retried_and_timed_out_legs_fail_the_build_with_coded_errors_and_report_every_leg()
    {
        var consumer = feed.NewConsumer("mixed");
        var counter = Path.Combine(consumer.Directory, "flaky-attempts");
        consumer.WithBody($"""
              <ItemGroup>
                <Leg Include="ok" Command="echo all good" />
                <Leg Include="argv" Executable="/bin/echo" Arguments="one;two words" />
                <Leg Include="broken" Command="echo 'error: tests failed' &gt;&amp;2; exit 3" />
                <Leg Include="flaky" Command="echo x &gt;&gt; '{counter}'; [ %24(wc -l &lt; '{counter}') -ge 2 ] || exit 75" MaxAttempts="3" />
                <Leg Include="slow" Command="sleep 60" Timeout="500" />
              </ItemGroup>
              <Target Name="RunLegs">
                <ParallelExec Commands="@(Leg)" MaxParallel="3" RetryDelay="50" RetryOnExitCodes="75" GracePeriod="1000" LogDirectory="legs">
                  <Output TaskParameter="Results" ItemName="LegResult" />
                </ParallelExec>
              </Target>
            """);

        var run = await consumer.BuildAsync("RunLegs", "LegResult");

        run.ExitCode.ShouldBe(1, run.ToString());
        run.Log.ShouldContain("error CPAR0101: leg 'broken' failed: Exited with code 3", Case.Sensitive, run.ToString());
        run.Log.ShouldContain("error CPAR0102: leg 'slow' timed out", Case.Sensitive);
        run.Log.ShouldContain("warning CPAR0105: leg 'flaky' attempt 1 of ", Case.Sensitive);
        run.Log.ShouldNotContain("MSB4181");
        run.Log.ShouldContain("[ok] all good");
        run.Log.ShouldContain("ParallelExec: 5 legs in");
        run.Items.Select(i => i["Identity"]).ShouldBe(["ok", "argv", "broken", "flaky", "slow"]);
        run.Item("ok")["Status"].ShouldBe("Succeeded");
        run.Item("argv")["Status"].ShouldBe("Succeeded");
        File.ReadAllText(run.Item("argv")["LogFile"]).ShouldContain("one two words");
        run.Item("broken")["Status"].ShouldBe("Failed");
        run.Item("broken")["ExitCode"].ShouldBe("3");
        run.Item("broken")["FailureReason"].ShouldContain("error: tests failed");
        run.Item("flaky")["Status"].ShouldBe("Succeeded");
        run.Item("flaky")["Attempts"].ShouldBe("2");
        run.Item("slow")["Status"].ShouldBe("TimedOut");
        run.Item("slow")["Signal"].ShouldBe("SIGTERM");
        run.Item("slow")["LogFile"].ShouldBe(Path.Combine(consumer.Directory, "legs", "slow.log"));
    }

    [Fact]
    public async Task Semicolons_percent_and_dollar_survive_in_names_and_metadata()
    {
        var consumer = feed.NewConsumer("literal");
        consumer.WithBody("""
              <ItemGroup>
                <Leg Include="a%3Bb%25c%24d" Command="echo 'cost: 50%25 of %24HOME%3B done' &gt;&amp;2; exit 1" />
              </ItemGroup>
              <Target Name="RunLegs">
                <ParallelExec Commands="@(Leg)" LogDirectory="logs%3B50%25%24x" ContinueOnError="ErrorAndContinue">
                  <Output TaskParameter="Results" ItemName="LegResult" />
                </ParallelExec>
                <!-- Passing a value on through a transform must not split it at ';' nor expand '$'. -->
                <ItemGroup>
                  <Reason Include="@(LegResult->'%(FailureReason)')" />
                </ItemGroup>
                <Message Importance="high" Text="reasons: @(Reason->Count()) | %(LegResult.Identity) | %(LegResult.LogFile)" />
              </Target>
            """);

        var run = await consumer.BuildAsync("RunLegs", "LegResult");

        var item = run.Item("a;b%c$d");
        item["Status"].ShouldBe("Failed");
        item["FailureReason"].ShouldContain("cost: 50% of $HOME; done");
        item["LogFile"].ShouldBe(Path.Combine(consumer.Directory, "logs;50%$x", "a;b%c$d.log"));
        run.Log.ShouldContain($"reasons: 1 | a;b%c$d | {consumer.Directory}/logs;50%$x/a;b%c$d.log", Case.Sensitive, run.ToString());
    }

    [Fact]
    public async Task Ctrl_C_to_dotnet_msbuild_terminates_every_leg_and_fails_with_coded_errors_only()
    {
        var consumer = feed.NewConsumer("sigint");
        var marker = "cpar-e2e-sigint-" + Guid.NewGuid().ToString("N");
        consumer.WithBody($"""
              <ItemGroup>
                <Leg Include="tree" Command="sleep 600 &amp; sleep 601; wait" />
                <Leg Include="single" Executable="sleep" Arguments="602" />
                <Leg Include="queued" Command="sleep 603" />
              </ItemGroup>
              <Target Name="RunLegs">
                <ParallelExec Commands="@(Leg)" MaxParallel="2" EnvironmentVariables="CPAR_E2E_MARKER={marker}" GracePeriod="3000" />
                <Message Importance="high" Text="after ParallelExec" />
              </Target>
            """);

        using (var build = consumer.Start("RunLegs"))
        {
            var running = await ProcessScan.WaitForAtLeastAsync(marker, 4, TimeSpan.FromMinutes(2));
            running.Count.ShouldBeGreaterThanOrEqualTo(4, "legs 'tree' (sh and two sleeps) and 'single' should be running; log:\n" + ReadLog(consumer));

            (await DotnetCommand.SendSignalAsync(build.Id, "INT")).ShouldBe(0);
            var result = await build.WaitAsync(TimeSpan.FromSeconds(60));

            ProcessScan.LiveWithMarker(marker).ShouldBeEmpty("no leg process may survive Ctrl+C");
            result.ExitCode.ShouldNotBe(0, result.ToString());
        }

        var log = ReadLog(consumer);
        log.ShouldContain("error CPAR0103: leg 'tree' cancelled", Case.Sensitive, log);
        log.ShouldContain("error CPAR0103: leg 'single' cancelled", Case.Sensitive);
        log.ShouldContain("error CPAR0104: leg 'queued' not started", Case.Sensitive);
        log.ShouldNotContain("MSB4181");
        log.ShouldNotContain("after ParallelExec");
    }

    private static string ReadLog(ConsumerProject consumer) => File.Exists(consumer.LogFile) ? File.ReadAllText(consumer.LogFile) : "(no log yet)";
}
