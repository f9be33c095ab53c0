
namespace CakeParallel.MSBuild.Tests.EndToEnd;

/// <summary><c>StartService</c>/<c>StopService</c> under the real <c>dotnet msbuild -nodeReuse:false</c>: no service outlives the build.</summary>
[Collection(MSBuildEndToEnd.Name)]
public sealed class ServiceEndToEndTests(TaskPackageFeed feed)
{
    private readonly string _marker = "cpar-e2e-service-" + Guid.NewGuid().ToString("N");
    private readonly int _port = FreePort();

    [Fact]
    public async Task A_service_started_in_one_target_serves_the_next_and_is_gone_when_the_build_ends_without_StopService()
    {
        var consumer = feed.NewConsumer("service-unstopped");
        consumer.WithBody($"""
              <Target Name="StartWeb">
                {StartWeb}
                <Message Importance="high" Text="web log: $(WebLog)" />
              </Target>
              <Target Name="Smoke" DependsOnTargets="StartWeb">
                <Exec Command="curl -sf http://127.0.0.1:{_port}/Consumer.csproj -o /dev/null" />
                <Message Importance="high" Text="smoke passed" />
              </Target>
            """);

        var run = await consumer.BuildAsync("Smoke", "None");

        run.ExitCode.ShouldBe(0, run.ToString());
        run.Log.ShouldContain("Service 'web' is ready after ");
        run.Log.ShouldContain("smoke passed");
        NoServiceProcessLeft();
        IsListening(_port).ShouldBeFalse();
        var serviceLog = File.ReadAllText(Path.Combine(consumer.Directory, "web.log"));
        serviceLog.ShouldContain("GET /Consumer.csproj");
        serviceLog.ShouldContain("service 'web' stopped; it exited on SIGTERM");
    }

    [Fact]
    public async Task A_service_is_gone_when_a_later_target_fails()
    {
        var consumer = feed.NewConsumer("service-failing");
        consumer.WithBody($"""
              <Target Name="StartWeb">
                {StartWeb}
              </Target>
              <Target Name="Broken" DependsOnTargets="StartWeb">
                <Error Text="a later target failed" />
              </Target>
            """);

        var run = await consumer.BuildAsync("Broken", "None");

        run.ExitCode.ShouldNotBe(0, run.ToString());
        run.Log.ShouldContain("Service 'web' is ready after ");
        run.Log.ShouldContain("a later target failed");
        NoServiceProcessLeft();
        IsListening(_port).ShouldBeFalse();
    }

    [Fact]
    public async Task StopService_stops_it_and_a_second_StopService_does_nothing()
    {
        var consumer = feed.NewConsumer("service-stopped");
        consumer.WithBody($"""
              <Target Name="Check">
                {StartWeb}
                <StopService Name="web">
                  <Output TaskParameter="ExitCode" PropertyName="WebExit" />
                </StopService>
                <StopService Name="web" />
                <Exec Command="curl -s http://127.0.0.1:{_port}/ -o /dev/null" IgnoreExitCode="true">
                  <Output TaskParameter="ExitCode" PropertyName="CurlExit" />
                </Exec>
                <Message Importance="high" Text="web exit $(WebExit), curl exit $(CurlExit)" />
              </Target>
            """);

        var run = await consumer.BuildAsync("Check", "None");

        run.ExitCode.ShouldBe(0, run.ToString());
        run.Log.ShouldContain("Service 'web' stopped; it exited on SIGTERM.");
        run.Log.ShouldContain("no service named 'web' is running in this build");
        run.Log.ShouldContain("web exit 143, curl exit 7");
        NoServiceProcessLeft();
    }

    [Fact]
    public async Task A_service_that_exits_at_once_fails_the_build_with_its_exit_code_and_output()
    {
        var consumer = feed.NewConsumer("service-broken");
        consumer.WithBody($"""
              <Target Name="Check">
                <StartService Name="broken" Command="echo 'reading config'; echo 'config.yml: no such file' &gt;&amp;2; exit 3"
                              TcpPort="{_port}" ReadinessTimeout="300000" EnvironmentVariables="CPAR_E2E_MARKER={_marker}" />
                <Message Importance="high" Text="not reached" />
              </Target>
            """);

        var run = await consumer.BuildAsync("Check", "None");

        run.ExitCode.ShouldNotBe(0, run.ToString());
        run.ErrorLines.ShouldContain(l => l.Contains("error CPAR0503: service 'broken' exited with code 3 before it was ready: config.yml: no such file", StringComparison.Ordinal), run.ToString());
        run.Log.ShouldContain("    reading config");
        run.Log.ShouldNotContain("not reached");
        NoServiceProcessLeft();
    }

    [Fact]
    public async Task Invalid_parameters_are_reported_together_naming_each_parameter()
    {
        var consumer = feed.NewConsumer("service-invalid");
        consumer.WithBody("""
              <Target Name="Check">
                <StartService Name="bad" Executable="no-such-program-xyz" HttpUrl="localhost:80" TcpPort="70000" ReadinessTimeout="0" />
              </Target>
            """);

        var run = await consumer.BuildAsync("Check", "None");

        run.ExitCode.ShouldNotBe(0, run.ToString());
        var errors = string.Join("\n", run.ErrorLines);
        errors.ShouldContain("error CPAR0005: parameter Executable: 'no-such-program-xyz' was not found on PATH.");
        errors.ShouldContain("error CPAR0003: parameter ReadinessTimeout: must be positive, but is 00:00:00.");
        errors.ShouldContain("error CPAR0501: parameter HttpUrl: 'localhost:80' is not an absolute http:// or https:// URL.");
        errors.ShouldContain("error CPAR0501: parameter TcpPort: must be between 1 and 65535, but is 70000.");
    }

    [Fact]
    public async Task Ctrl_C_during_a_later_target_stops_the_service()
    {
        var consumer = feed.NewConsumer("service-sigint");
        consumer.WithBody($"""
              <Target Name="StartWeb">
                {StartWeb}
              </Target>
              <Target Name="Long" DependsOnTargets="StartWeb">
                <Exec Command="sleep 600" />
              </Target>
            """);

        using (var build = consumer.Start("Long"))
        {
            (await ProcessScan.WaitForAtLeastAsync(_marker, 1, TimeSpan.FromMinutes(2))).ShouldNotBeEmpty();
            await WaitUntilAsync(() => IsListening(_port), TimeSpan.FromMinutes(1));

            (await DotnetCommand.SendSignalAsync(build.Id, "INT")).ShouldBe(0);
            var result = await build.WaitAsync(TimeSpan.FromSeconds(60));

            result.ExitCode.ShouldNotBe(0, result.ToString());
        }

        NoServiceProcessLeft();
        IsListening(_port).ShouldBeFalse();
    }

    [Fact]
    public async Task A_port_held_by_another_process_fails_StartService_naming_that_process()
    {
        using var squatter = await CakeParallel.Testing.PortSquatter.StartAsync(_port);
        var consumer = feed.NewConsumer("service-squatter");
        consumer.WithBody($"""
              <Target Name="StartWeb">
                {StartWeb}
              </Target>
            """);

        var run = await consumer.BuildAsync("StartWeb", "None");

        run.ExitCode.ShouldNotBe(0, run.ToString());
        run.ErrorLines.ShouldContain(
            l => l.Contains($"error CPAR0507: service 'web' cannot start: port {_port} (HTTP GET http://127.0.0.1:{_port}/) is already in use by pid {squatter.ProcessId} (", StringComparison.Ordinal),
            run.ToString());
        NoServiceProcessLeft();
    }

    [Fact]
    public async Task A_service_that_died_during_the_build_fails_StopService()
    {
        var consumer = feed.NewConsumer("service-died");
        consumer.WithBody($"""
              <Target Name="Check">
                <StartService Name="flaky" Command="echo up; sleep 1; echo 'lost the database' >&amp;2; exit 7" ReadyOutput="up"
                              EnvironmentVariables="CPAR_E2E_MARKER={_marker}" />
                <Exec Command="sleep 4" />
                <StopService Name="flaky" />
                <Message Importance="high" Text="not reached" />
              </Target>
            """);

        var run = await consumer.BuildAsync("Check", "None");

        run.ExitCode.ShouldNotBe(0, run.ToString());
        run.ErrorLines.ShouldContain(l => l.Contains("error CPAR0505: service 'flaky' exited with code 7 after it was ready: lost the database", StringComparison.Ordinal), run.ToString());
        run.Log.ShouldNotContain("not reached");
        NoServiceProcessLeft();
    }

    [Fact]
    public async Task Two_builds_naming_the_same_log_file_the_second_fails_and_the_first_log_is_intact()
    {
        var shared = Path.Combine(Path.GetTempPath(), "cpar-e2e-shared-" + Guid.NewGuid().ToString("N") + ".log");
        var release = shared + ".release";
        var first = feed.NewConsumer("service-log-first");
        first.WithBody($"""
              <Target Name="Hold">
                <StartService Name="web" Executable="python3" Arguments="-m;http.server;{_port};--bind;127.0.0.1"
                              HttpUrl="http://127.0.0.1:{_port}/" GracePeriod="3000" LogFile="{shared}"
                              EnvironmentVariables="CPAR_E2E_MARKER={_marker}" />
                <Exec Command="timeout 120 sh -c 'until [ -f {release} ]; do sleep 0.1; done'" />
                <StopService Name="web" />
              </Target>
            """);
        var secondPort = FreePort();
        var second = feed.NewConsumer("service-log-second");
        second.WithBody($"""
              <Target Name="Take">
                <StartService Name="other" Executable="python3" Arguments="-m;http.server;{secondPort};--bind;127.0.0.1"
                              HttpUrl="http://127.0.0.1:{secondPort}/" LogFile="{shared}"
                              EnvironmentVariables="CPAR_E2E_MARKER={_marker}" />
              </Target>
            """);
        try
        {
            var holding = first.BuildAsync("Hold", "None");
            await WaitUntilAsync(() => IsListening(_port), TimeSpan.FromMinutes(3));
            IsListening(_port).ShouldBeTrue();

            var taken = await second.BuildAsync("Take", "None");
            await File.WriteAllTextAsync(release, "");
            var held = await holding;

            taken.ExitCode.ShouldNotBe(0, taken.ToString());
            taken.ErrorLines.ShouldContain(l => l.Contains($"error CPAR0510: parameter LogFile: '{shared}' is being written by another service", StringComparison.Ordinal), taken.ToString());
            held.ExitCode.ShouldBe(0, held.ToString());
            var log = await File.ReadAllTextAsync(shared);
            log.ShouldContain("service 'web': ");
            log.ShouldContain("service 'web' stopped");
            log.ShouldNotContain("service 'other'");
            NoServiceProcessLeft();
        }
        finally
        {
            File.Delete(shared);
            File.Delete(release);
        }
    }

    private string StartWeb => $"""
        <StartService Name="web" Executable="python3" Arguments="-m;http.server;{_port};--bind;127.0.0.1"
                      HttpUrl="http://127.0.0.1:{_port}/" GracePeriod="3000" LogFile="web.log"
                      EnvironmentVariables="CPAR_E2E_MARKER={_marker}">
          <Output TaskParameter="LogFile" PropertyName="WebLog" />
        </StartService>
        """;

    private void NoServiceProcessLeft() => ProcessScan.LiveWithMarker(_marker).ShouldBeEmpty("no service process may survive the build");

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
    }

    private static int FreePort() => CakeParallel.Testing.LoopbackPorts.Free();

    private static bool IsListening(int port) => CakeParallel.Testing.LoopbackPorts.IsListening(port);
}
