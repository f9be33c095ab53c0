namespace CakeParallel.MSBuild.Tests.EndToEnd;

/// <summary>The <c>Needs</c> metadata of <c>ParallelExec</c>'s commands, in a real <c>dotnet msbuild -nodeReuse:false</c> build.</summary>
[Collection(MSBuildEndToEnd.Name)]
public sealed class NeedsEndToEndTests(TaskPackageFeed feed)
{
    [Fact]
    public async Task Commands_run_after_the_commands_they_need_and_are_not_started_when_one_failed()
    {
        var consumer = feed.NewConsumer("needs");
        var ended = Path.Combine(consumer.Directory, "ended.txt");
        consumer.WithBody($"""
              <ItemGroup>
                <Leg Include="restore" Command="sleep 0.2; echo restore &gt;&gt; '{ended}'" />
                <Leg Include="lint" Command="sleep 0.2; echo lint &gt;&gt; '{ended}'" />
                <Leg Include="test" Command="cp '{ended}' seen-by-test.txt" Needs="restore; lint" />
                <Leg Include="broken" Command="exit 3" />
                <Leg Include="publish" Command="touch published" Needs="broken;test" />
              </ItemGroup>
              <Target Name="RunLegs">
                <ParallelExec Commands="@(Leg)" MaxParallel="2" ContinueOnError="ErrorAndContinue">
                  <Output TaskParameter="Results" ItemName="LegResult" />
                </ParallelExec>
              </Target>
            """);

        var run = await consumer.BuildAsync("RunLegs", "LegResult");

        run.Item("test")["Status"].ShouldBe("Succeeded", run.ToString());
        File.ReadAllLines(Path.Combine(consumer.Directory, "seen-by-test.txt")).Order().ShouldBe(["lint", "restore"]);
        run.Item("publish")["Status"].ShouldBe("NotStarted");
        run.Item("publish")["FailureReason"].ShouldBe("Not started: needs broken, which failed");
        File.Exists(Path.Combine(consumer.Directory, "published")).ShouldBeFalse();
        run.Log.ShouldContain("error CPAR0104: leg 'publish' not started: Not started: needs broken, which failed", Case.Sensitive, run.ToString());
    }

    [Fact]
    public async Task A_command_that_needs_an_unknown_command_or_itself_fails_the_build_before_any_command_starts()
    {
        var consumer = feed.NewConsumer("needs-invalid");
        consumer.WithBody("""
              <ItemGroup>
                <Leg Include="a" Command="touch a" Needs="nobody" />
                <Leg Include="b" Command="touch b" Needs="b" />
              </ItemGroup>
              <Target Name="RunLegs">
                <ParallelExec Commands="@(Leg)" />
              </Target>
            """);

        var run = await consumer.BuildAsync("RunLegs", null);

        run.ExitCode.ShouldNotBe(0, run.ToString());
        run.Log.ShouldContain("error CPAR0014: leg 'a' Needs: needs 'nobody', but no leg of the run has that id or name.", Case.Sensitive, run.ToString());
        run.Log.ShouldContain("error CPAR0015: leg 'b' Needs: needs itself ('b')", Case.Sensitive);
        File.Exists(Path.Combine(consumer.Directory, "a")).ShouldBeFalse();
        File.Exists(Path.Combine(consumer.Directory, "b")).ShouldBeFalse();
    }
}
