using Cake.Parallel.Tests.Infrastructure;

namespace Cake.Parallel.Tests;

/// <summary><c>StartService</c> under the real <c>dotnet cake</c>: services never outlive the script, however it ends.</summary>
[Collection(DotnetCakeCollection.Name)]
public sealed class ServiceAliasTests(AddinFeed feed)
{
    private readonly string _marker = "cpmark-" + Guid.NewGuid().ToString("N");
    private readonly int _port = FreePort();

    [Fact]
    public void A_service_is_ready_inside_the_script_and_stopped_when_disposed()
    {
        using var script = new CakeScript(feed, Script($$"""
            using (var web = StartService("web", "python3", {{HttpServer}}))
            {
                Information("STATE {0}", web.State);
                Information("LOG {0}", web.LogFile);
                var body = new System.Net.Http.HttpClient().GetStringAsync("http://127.0.0.1:{{_port}}/build.cake").GetAwaiter().GetResult();
                Information("SERVED {0}", body.Contains("StartService"));
            }
            Information("LISTENING {0}", IsListening());
            """));

        using var cake = script.Run();

        cake.ExitCode.ShouldBe(0, cake.Output);
        cake.Stdout.ShouldContain("Service 'web' is ready after ");
        cake.Stdout.ShouldContain("STATE Ready");
        cake.Stdout.ShouldContain("SERVED True");
        cake.Stdout.ShouldContain("Service 'web' stopped; it exited on SIGTERM.");
        cake.Stdout.ShouldContain("LISTENING False");
        NoProcessLeft();
    }

    [Fact]
    public void A_service_left_running_is_stopped_when_the_script_ends()
    {
        using var script = new CakeScript(feed, Script($$"""
            var web = StartService("web", "python3", {{HttpServer}});
            Information("STARTED {0}", web.ProcessId);
            """));

        using var cake = script.Run();

        cake.ExitCode.ShouldBe(0, cake.Output);
        cake.Stdout.ShouldContain("STARTED ");
        NoProcessLeft();
        IsListening(_port).ShouldBeFalse();
    }

    [Fact]
    public void A_service_left_running_is_stopped_when_a_later_task_fails()
    {
        using var script = new CakeScript(feed, Script($$"""
            Task("Start").Does(() => StartService("web", "python3", {{HttpServer}}));
            Task("Fail").IsDependentOn("Start").Does(() => throw new Exception("later task failed"));
            RunTarget("Fail");
            """));

        using var cake = script.Run();

        cake.ExitCode.ShouldNotBe(0, cake.Output);
        cake.Output.ShouldContain("later task failed");
        NoProcessLeft();
        IsListening(_port).ShouldBeFalse();
    }

    [Fact]
    public void Ctrl_c_stops_the_service_and_leaves_no_process()
    {
        using var script = new CakeScript(feed, Script($$"""
            var web = StartService("web", "python3", {{HttpServer}});
            Information("READY {0}", web.ProcessId);
            System.Threading.Thread.Sleep(TimeSpan.FromMinutes(5));
            Information("not reached");
            """));
        using var cake = script.Start();
        cake.WaitForOutput(o => o.Contains("READY ", StringComparison.Ordinal), TimeSpan.FromMinutes(3));
        ProcessScan.LiveWithMarker(_marker).ShouldNotBeEmpty();
        IsListening(_port).ShouldBeTrue();

        ProcessScan.SignalGroup(cake.Id, "INT");
        var exitCode = cake.WaitForExit(TimeSpan.FromMinutes(1));

        exitCode.ShouldNotBe(0, cake.Output);
        cake.Stdout.ShouldNotContain("not reached");
        NoProcessLeft();
        IsListening(_port).ShouldBeFalse();
    }

    [Fact]
    public void A_service_that_exits_at_once_fails_the_script_with_its_exit_code_and_output()
    {
        using var script = new CakeScript(feed, Script($$"""
            StartService("broken", "/bin/sh", new ServiceSettings()
                .WithArguments("-c", "echo 'reading config'; echo 'config.yml: no such file' >&2; exit 3")
                .WithEnvironmentVariable("CAKEPARALLEL_MARKER", "{{_marker}}")
                .WaitForPort({{_port}})
                .SetReadinessTimeout(TimeSpan.FromMinutes(5)));
            Information("not reached");
            """));

        using var cake = script.Run();

        cake.ExitCode.ShouldNotBe(0, cake.Output);
        cake.Output.ShouldContain("CPAR0503 service 'broken' exited with code 3 before it was ready: config.yml: no such file");
        cake.Output.ShouldContain("    reading config");
        cake.Stdout.ShouldNotContain("not reached");
        NoProcessLeft();
    }

    [Fact]
    public async Task A_port_held_by_another_process_fails_the_script_naming_that_process()
    {
        using var squatter = await CakeParallel.Testing.PortSquatter.StartAsync(_port);
        using var script = new CakeScript(feed, Script($$"""
            StartService("web", "python3", {{HttpServer}});
            Information("not reached");
            """));

        using var cake = script.Run();

        cake.ExitCode.ShouldNotBe(0, cake.Output);
        cake.Output.ShouldContain($"CPAR0507 service 'web' cannot start: port {_port} (HTTP GET http://127.0.0.1:{_port}/) is already in use by pid {squatter.ProcessId} (");
        cake.Stdout.ShouldNotContain("not reached");
        NoProcessLeft();
    }

    [Fact]
    public void A_service_that_daemonizes_fails_the_script_and_its_daemon_is_ended()
    {
        using var script = new CakeScript(feed, Script($$"""
            StartService("daemon", "/bin/sh", new ServiceSettings()
                .WithArguments("-c", "setsid python3 -m http.server {{_port}} --bind 127.0.0.1 & exit 0")
                .WithEnvironmentVariable("CAKEPARALLEL_MARKER", "{{_marker}}")
                .WaitForHttp("http://127.0.0.1:{{_port}}/"));
            Information("not reached");
            """));

        using var cake = script.Run();

        cake.ExitCode.ShouldNotBe(0, cake.Output);
        cake.Output.ShouldContain("CPAR0508 service 'daemon' exited with code 0 before it was ready but left processes running (it daemonizes)");
        NoProcessLeft();
        IsListening(_port).ShouldBeFalse();
    }

    [Fact]
    public void A_service_that_dies_while_the_task_runs_fails_the_task()
    {
        using var script = new CakeScript(feed, Script($$"""
            Task("Use").Does(() =>
            {
                using (var flaky = StartService("flaky", "/bin/sh", new ServiceSettings()
                    .WithArguments("-c", "echo up; sleep 1; echo 'lost the database' >&2; exit 7")
                    .WithEnvironmentVariable("CAKEPARALLEL_MARKER", "{{_marker}}")
                    .WaitForOutput("up")))
                {
                    System.Threading.Thread.Sleep(TimeSpan.FromSeconds(4));
                    Information("BODY DONE");
                }
                Information("not reached");
            });
            RunTarget("Use");
            """));

        using var cake = script.Run();

        cake.ExitCode.ShouldNotBe(0, cake.Output);
        cake.Stdout.ShouldContain("BODY DONE");
        cake.Output.ShouldContain("CPAR0505 service 'flaky' exited with code 7 after it was ready: lost the database");
        cake.Stdout.ShouldNotContain("not reached");
        NoProcessLeft();
    }

    [Fact]
    public void The_readme_snippet_is_shown_verbatim_and_runs()
    {
        var snippet = CakeScript.FromFile("Scripts/services-readme.cake");
        File.ReadAllText(Path.Combine(RepositoryRoot.Path, "README.md")).ShouldContain("```csharp\n" + snippet.TrimEnd() + "\n```\n");
        using var script = new CakeScript(feed, snippet);

        using var cake = script.Run();

        cake.ExitCode.ShouldBe(0, cake.Output);
        cake.Stdout.ShouldContain("web is Ready; its log: ");
        cake.Stdout.ShouldMatch(@"Parallel run finished in [^:]+: 2 succeeded");
        cake.Stdout.ShouldContain("Service 'web' stopped; it exited on SIGTERM.");
        IsListening(18765).ShouldBeFalse();
    }

    private string HttpServer => $"""
        new ServiceSettings()
                .WithArguments("-m", "http.server", "{_port}", "--bind", "127.0.0.1")
                .WithEnvironmentVariable("CAKEPARALLEL_MARKER", "{_marker}")
                .WaitForHttp("http://127.0.0.1:{_port}/")
                .SetGracePeriod(TimeSpan.FromSeconds(3))
        """;

    private string Script(string body) => $$"""
        #addin nuget:?package=Cake.Parallel&version=0.1.0&loaddependencies=true
        bool IsListening()
        {
            using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
            try { socket.Connect("127.0.0.1", {{_port}}); return true; } catch (System.Net.Sockets.SocketException) { return false; }
        }
        {{body}}
        """;

    private void NoProcessLeft() => ProcessScan.LiveWithMarker(_marker).ShouldBeEmpty(ProcessScan.Describe(ProcessScan.LiveWithMarker(_marker)));

    private static int FreePort() => CakeParallel.Testing.LoopbackPorts.Free();

    private static bool IsListening(int port) => CakeParallel.Testing.LoopbackPorts.IsListening(port);
}
