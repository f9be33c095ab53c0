using CakeParallel.Docker;

namespace CakeParallel.Tests.Docker;

/// <summary>
/// The docker client calls around docker legs, with a stand-in client script (no daemon needed): they run in a
/// process group of their own, so an overrunning call takes everything it started with it.
/// </summary>
public sealed class DockerCliTests : IDisposable
{
    private readonly Scratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task A_call_reports_both_streams_and_the_exit_code()
    {
        var client = Client("echo \"args: $*\"; echo 'Error: no such object' >&2; exit 1");

        var result = await DockerCli.RunAsync(new DockerEndpoint(client, new Dictionary<string, string?>(), "ctx"), ["inspect", "x"], TimeSpan.FromSeconds(30), CancellationToken.None);

        result.ExitCode.ShouldBe(1);
        result.StandardOutput.ShouldBe("args: --context ctx inspect x\n");
        result.Message.ShouldBe("Error: no such object");
    }

    [Fact]
    public async Task A_call_without_an_answer_in_time_is_terminated_with_its_whole_group()
    {
        var marker = ProcessScan.NewMarker();
        var client = Client("sleep 1000 & (sleep 1000 &); echo waiting; wait");
        var endpoint = new DockerEndpoint(client, ProcessScan.Env(marker), null);

        var result = await DockerCli.RunAsync(endpoint, ["version"], TimeSpan.FromMilliseconds(500), CancellationToken.None);

        result.ExitCode.ShouldBe(124);
        result.StandardOutput.ShouldBe("waiting\n");
        result.Message.ShouldBe("no answer within 500 ms");
        ProcessScan.LiveWithMarker(marker).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_client_that_cannot_start_is_exit_code_127_with_the_reason()
    {
        var endpoint = new DockerEndpoint(_scratch.PathOf("no-docker-here"), new Dictionary<string, string?>(), null);

        var result = await DockerCli.RunAsync(endpoint, ["version"], TimeSpan.FromSeconds(30), CancellationToken.None);

        result.ExitCode.ShouldBe(127);
        result.Message.ShouldBe($"could not start '{_scratch.PathOf("no-docker-here")}': it does not exist or is not executable");
    }

    private string Client(string script)
    {
        var path = _scratch.PathOf("docker");
        File.WriteAllText(path, "#!/bin/sh\n" + script + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }
}
