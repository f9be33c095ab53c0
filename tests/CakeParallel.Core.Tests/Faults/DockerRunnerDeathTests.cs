using System.Diagnostics;

namespace CakeParallel.Tests.Faults;

/// <summary>A runner killed with SIGKILL during a docker build: the keeper ends the client, and the daemon the build.</summary>
public sealed class DockerRunnerDeathTests : IDisposable
{
    private readonly Scratch _scratch = new();
    private readonly string _token = "cpar-death-" + Guid.NewGuid().ToString("N")[..12];

    public void Dispose()
    {
        foreach (var id in BuildContainers(running: false))
        {
            using var remove = Process.Start("docker", ["rm", "-f", id]);
            remove.WaitForExit();
        }

        _scratch.Dispose();
    }

    [DockerFact]
    public async Task No_build_container_runs_two_seconds_after_the_grace_period_of_a_runner_killed_mid_build()
    {
        DockerBaseImage.Ensure();
        var context = Directory.CreateDirectory(_scratch.PathOf("context")).FullName;
        await File.WriteAllTextAsync(Path.Combine(context, "Dockerfile"), $"FROM {DockerBaseImage.Name}\nRUN sleep 30 && echo {_token}\n");

        using var host = TestHost.Start("docker-build", context, _scratch.PathOf("logs"));
        try
        {
            (await host.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60))).ShouldBe("legs running");
            var clock = Stopwatch.StartNew();
            while (BuildContainers(running: true).Count == 0 && clock.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(200);
            }

            BuildContainers(running: true).ShouldNotBeEmpty("the RUN step's container should be running");
            RunnerKill.Kill(host.Id);
            await host.WaitForExitAsync();

            // Grace period 1 s, then 2 s for the daemon to notice the client is gone and stop the container.
            await Task.Delay(TimeSpan.FromSeconds(3));
            BuildContainers(running: true).ShouldBeEmpty();
        }
        finally
        {
            if (!host.HasExited)
            {
                host.Kill();
            }
        }
    }

    private List<string> BuildContainers(bool running)
    {
        var arguments = new List<string> { "ps", "--no-trunc", "--format", "{{.ID}} {{.Command}}" };
        if (!running)
        {
            arguments.Insert(1, "-a");
        }

        using var ps = Process.Start(new ProcessStartInfo("docker", arguments) { RedirectStandardOutput = true })!;
        var output = ps.StandardOutput.ReadToEnd();
        ps.WaitForExit();
        return output.Split('\n').Where(l => l.Contains(_token, StringComparison.Ordinal)).Select(l => l.Split(' ')[0]).ToList();
    }
}
