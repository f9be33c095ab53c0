using System.Diagnostics;
using CakeParallel.Docker;
using CakeParallel.Runs;

namespace CakeParallel.Tests.Docker;

/// <summary>examples/docker-matrix builds offline from a machine with nothing but a docker daemon and busybox.</summary>
public sealed class DockerMatrixExampleTests : IDisposable
{
    private readonly Scratch _scratch = new();
    private readonly DockerTestImages _images = new();

    public void Dispose()
    {
        _images.Dispose();
        _scratch.Dispose();
    }

    private static string ExampleDirectory() => Path.Combine(RepositoryRoot.Path, "examples", "docker-matrix");

    [DockerFact]
    public async Task ExampleMatrixFileBuildsSixLegs()
    {
        var example = ExampleDirectory();
        using (var prepare = Process.Start(new ProcessStartInfo("/bin/sh", [Path.Combine(example, "prepare-base-image.sh")]) { RedirectStandardError = true })!)
        {
            await prepare.WaitForExitAsync();
            prepare.ExitCode.ShouldBe(0, await prepare.StandardError.ReadToEndAsync());
        }

        var matrix = DockerMatrixFile.Load(Path.Combine(example, "matrix.json"));
        // Own tags, so the test never races a real run of the example.
        matrix = matrix with { Build = matrix.Build with { Tags = [_images.Repository + ":node{node}-{os}"] } };

        var run = await DockerMatrixRunner.RunAsync(matrix, _scratch.Options());

        run.Legs.Select(l => l.Name).ShouldBe(["node18-alpine", "node20-alpine", "node20-debian", "node22-alpine", "node22-debian", "node23-alpine"]);
        run.Succeeded.ShouldBeTrue(string.Join("\n", run.Unsuccessful.Select(l => $"{l.Name}: {l.FailureReason}")));
        TestDocker.Output("run", "--rm", _images.Repository + ":node22-alpine").ShouldBe("node 22 on alpine (experimental: true, channel: stable)");
        TestDocker.Output("image", "inspect", "--format", "{{index .Config.Labels \"org.opencontainers.image.title\"}}", _images.Repository + ":node20-debian")
            .ShouldBe("example app (node 20, debian)");
    }
}
