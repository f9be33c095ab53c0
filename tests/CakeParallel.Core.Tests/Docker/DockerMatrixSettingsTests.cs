using CakeParallel.Docker;
using CakeParallel.Matrix;
using CakeParallel.Model;

namespace CakeParallel.Tests.Docker;

public sealed class DockerMatrixSettingsTests : IDisposable
{
    private readonly Scratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public void TheMatrixRunSettingsAreTheMatrixFileLayer()
    {
        var matrix = new DockerMatrix { Matrix = new MatrixDefinition(), MaxParallel = 2, FailFast = false, Timeout = TimeSpan.FromMinutes(3), Retries = 4 };

        matrix.RunOverrides.ShouldBe(new RunOverrides { MaxParallel = 2, FailFast = false, Timeout = TimeSpan.FromMinutes(3), MaxAttempts = 5 });
        new DockerMatrix { Matrix = new MatrixDefinition() }.RunOverrides.ShouldBe(RunOverrides.None);
    }

    [Fact]
    public void RetriesAdjustTheDockerPolicyOrTheCallersPolicy()
    {
        var matrix = new DockerMatrix { Matrix = new MatrixDefinition() };

        matrix.EffectiveRetry.ShouldBe(DockerRetryPolicy.Default);
        (matrix with { Retries = 0 }).EffectiveRetry.MaxAttempts.ShouldBe(1);
        (matrix with { Retries = 4 }).EffectiveRetry.ShouldBe(DockerRetryPolicy.Default with { MaxAttempts = 5 });
        var custom = new RetryPolicy { MaxAttempts = 2, InitialDelay = TimeSpan.Zero };
        (matrix with { Retry = custom }).EffectiveRetry.ShouldBe(custom);
        (matrix with { Retry = custom, Retries = 6 }).EffectiveRetry.ShouldBe(custom with { MaxAttempts = 7 });
    }

    [Fact]
    public void RelativePathsInAFileResolveAgainstItsFolder()
    {
        var folder = _scratch.PathOf("project");
        Directory.CreateDirectory(Path.Combine(folder, "images", "alpine"));
        File.WriteAllText(Path.Combine(folder, "images", "alpine", "Dockerfile"), "FROM scratch\n");
        File.WriteAllText(Path.Combine(folder, "matrix.json"), """{ "matrix": { "os": ["alpine"] }, "build": { "context": "images/{os}" } }""");

        var matrix = DockerMatrixFile.Load(Path.Combine(folder, "matrix.json"));
        var leg = DockerMatrixPlanner.Plan(matrix, "/somewhere/else").Single();

        leg.Arguments[^1].ShouldBe(Path.Combine(folder, "images", "alpine"));
        leg.WorkingDirectory.ShouldBe(folder);
    }
}
