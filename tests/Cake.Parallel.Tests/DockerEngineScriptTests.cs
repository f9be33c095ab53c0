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

    [SkippableFact]
    public void Without_root_or_sudo_it_says_in_one_sentence_what_to_run()
    {
        Skip.If(Environment.UserName != "root" || File.Exists("/usr/bin/sudo"), "needs root to become a user without sudo");
        var environment = new Dictionary<string, string?> { ["DOCKER_HOST"] = "unix://" + _temp.Combine("nobody.sock") };

        using var install = Script(environment, ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"], "install", "sl");
        using var start = Script(environment, ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"], "start", _temp.Combine("state"));

        install.ExitCode.ShouldBe(1, install.Output);
        install.Output.Trim().ShouldBe("""docker-engine: installing sl needs root: run 'su -c "apt-get update && apt-get install -y sl"' and run the command again.""");
        start.ExitCode.ShouldBe(1, start.Output);
        start.Output.Trim().ShouldBe($"docker-engine: no Docker daemon answers at unix://{_temp.Combine("nobody.sock")} and starting one needs root: as root, run 'systemctl start docker' (or 'dockerd &') and 'usermod -aG docker nobody', log in again, and run the command again.");
    }

    [Fact]
    public void Without_apt_get_it_says_in_one_sentence_what_to_install()
    {
        // A PATH with only what the script itself needs, so neither apt-get nor dpkg's database answers.
        var bin = Directory.CreateDirectory(_temp.Combine("bin")).FullName;
        foreach (var tool in new[] { "/usr/bin/bash", "/usr/bin/id", "/usr/bin/grep" })
        {
            File.CreateSymbolicLink(Path.Combine(bin, Path.GetFileName(tool)), tool);
        }

        using var install = Script(new Dictionary<string, string?> { ["PATH"] = bin }, [], "install", "docker.io");

        install.ExitCode.ShouldBe(1, install.Output);
        install.Output.Trim().ShouldBe("docker-engine: this machine has no apt-get: install docker.io (Docker Engine and a static busybox) with its package manager, start dockerd, and run the command again.");
    }

    private static ChildProcess Script(IReadOnlyDictionary<string, string?> environment, string[] prefix, params string[] arguments)
    {
        var script = Path.Combine(RepositoryRoot.Path, "build", "docker-engine.sh");
        var process = prefix.Length == 0
            ? ChildProcess.Start(script, arguments, RepositoryRoot.Path, environment)
            : ChildProcess.Start(prefix[0], [.. prefix[1..], "env", .. environment.Select(e => $"{e.Key}={e.Value}"), script, .. arguments], "/", null);
        process.WaitForExit(TimeSpan.FromMinutes(1));
        return process;
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
