using System.Text.Json;

namespace CakeParallel.MSBuild.Tests.EndToEnd;

/// <summary>The precedence rule through the real <c>dotnet msbuild</c>: a parameter given &gt; <c>CAKEPARALLEL_*</c> &gt; defaults.</summary>
[Collection(MSBuildEndToEnd.Name)]
public sealed class PrecedenceEndToEndTests(TaskPackageFeed feed)
{
    [Fact]
    public async Task A_parameter_given_wins_over_the_environment_which_wins_over_the_default()
    {
        var consumer = feed.NewConsumer("precedence");
        var counter = Path.Combine(consumer.Directory, "flaky-attempts");
        consumer.WithBody($"""
              <ItemGroup>
                <Leg Include="flaky" Command="echo x &gt;&gt; '{counter}'; [ %24(wc -l &lt; '{counter}') -ge 2 ] || exit 75" />
              </ItemGroup>
              <Target Name="RunLegs">
                <ParallelExec Commands="@(Leg)" MaxParallel="2" RetryDelay="50" ReportFile="report.json">
                  <Output TaskParameter="Results" ItemName="LegResult" />
                </ParallelExec>
              </Target>
            """);
        var environment = new Dictionary<string, string> { ["CAKEPARALLEL_MAX_PARALLEL"] = "1", ["CAKEPARALLEL_RETRIES"] = "1" };

        var run = await consumer.BuildAsync("RunLegs", "LegResult", environment: environment);

        run.ExitCode.ShouldBe(0, run.ToString());
        run.Item("flaky")["Attempts"].ShouldBe("2", "CAKEPARALLEL_RETRIES=1 over the default of no retries");
        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(consumer.Directory, "report.json")));
        var settings = report.RootElement.GetProperty("settings");
        settings.GetProperty("maxParallel").GetInt32().ShouldBe(2, "the MaxParallel parameter over CAKEPARALLEL_MAX_PARALLEL");
        settings.GetProperty("retry").GetProperty("maxAttempts").GetInt32().ShouldBe(2);
    }

    [Fact]
    public async Task An_invalid_variable_fails_the_build_with_a_coded_error_naming_it_before_any_leg_starts()
    {
        var consumer = feed.NewConsumer("precedence-invalid");
        var ran = Path.Combine(consumer.Directory, "ran");
        consumer.WithBody($"""
              <ItemGroup>
                <Leg Include="one" Command="touch '{ran}'" />
              </ItemGroup>
              <Target Name="RunLegs">
                <ParallelExec Commands="@(Leg)" />
              </Target>
            """);

        var run = await consumer.BuildAsync("RunLegs", null, environment: new Dictionary<string, string> { ["CAKEPARALLEL_FAIL_FAST"] = "maybe" });

        run.ExitCode.ShouldBe(1, run.ToString());
        run.Log.ShouldContain("error CPAR0012: environment variable CAKEPARALLEL_FAIL_FAST: 'maybe' is not true, false, 1 or 0.", Case.Sensitive, run.ToString());
        File.Exists(ran).ShouldBeFalse();
    }
}
