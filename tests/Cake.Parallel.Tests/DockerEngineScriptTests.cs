using Cake.Parallel.Tests.Infrastructure;

namespace Cake.Parallel.Tests;

/// <summary>
/// build/docker-engine.sh, which the Demo and CI use to make a daemon reachable: given a socket nothing serves, it
/// starts a dockerd of its own there (beside the machine's, with a bridge of its own) and stops exactly that one.
/// </summary>
public sealed class DockerEngineScriptTests : IDisposable
{
    private readonly TempDirectory _temp = new("cpar-engine");

    public void Dispose() => _temp.Dispose();

    [SkippableFact]
    public void Start_serves_an_unserved_socket_with_a_daemon_of_its_own_and_stop_ends_only_that_one()
    {
        DockerAvailability.Require();
        Skip.If(Environment.UserName != "root", "starting a dockerd needs root");
        var socket = _temp.Combine("docker.sock");
        var state = _temp.Combine("state");
        var environment = new Dictionary<string, string?> { ["DOCKER_HOST"] = "unix://" + socket };
        try
        {
            using var start = Script(environment, "start", state);

            start.ExitCode.ShouldBe(0, start.Output);
            start.Output.ShouldContain($"starting dockerd at unix://{socket}");
            Docker(environment, "info").ExitCode.ShouldBe(0, "the new daemon answers at the socket");
            var pid = int.Parse(File.ReadAllText(Path.Combine(state, "dockerd.pid")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
            var bridge = File.ReadAllText(Path.Combine(state, "bridge")).Trim();
            Directory.Exists("/sys/class/net/" + bridge).ShouldBeTrue("it runs on a bridge of its own, never with --bridge=none");

            using var again = Script(environment, "start", state);
            again.ExitCode.ShouldBe(0, again.Output);
            again.Output.ShouldNotContain("starting dockerd", Case.Sensitive, "a daemon that answers is used as it is");

            using var stop = Script(environment, "stop", state);

            stop.ExitCode.ShouldBe(0, stop.Output);
            Directory.Exists("/proc/" + pid).ShouldBeFalse("the daemon it started has exited");
            Directory.Exists("/sys/class/net/" + bridge).ShouldBeFalse("its bridge is gone");
            Docker(environment, "info").ExitCode.ShouldNotBe(0);
            TestDocker.Run(["info"]).ExitCode.ShouldBe(0, "the machine's own daemon still answers");
        }
        finally
        {
            using var cleanup = Script(environment, "stop", state);
        }
    }

    [Fact]
    public void Stop_without_a_started_daemon_does_nothing()
    {
        using var stop = Script(new Dictionary<string, string?>(), "stop", _temp.Combine("never-started"));

        stop.ExitCode.ShouldBe(0, stop.Output);
        stop.Output.ShouldBeEmpty();
    }

    private static ChildProcess Script(IReadOnlyDictionary<string, string?> environment, params string[] arguments)
    {
        var process = ChildProcess.Start(Path.Combine(RepositoryRoot.Path, "build", "docker-engine.sh"), arguments, RepositoryRoot.Path, environment);
        process.WaitForExit(TimeSpan.FromMinutes(2));
        return process;
    }

    private static (int ExitCode, string Output) Docker(IReadOnlyDictionary<string, string?> environment, params string[] arguments)
    {
        using var docker = ChildProcess.Start("docker", arguments, "/", environment);
        var exitCode = docker.WaitForExit(TimeSpan.FromMinutes(1));
        return (exitCode, docker.Output);
    }
}
