namespace CakeParallel.Tests.Docker;

/// <summary>
/// The base image of docker tests (see <see cref="CakeParallel.Testing.DockerBaseImage"/>), and a unique
/// repository per test whose images are removed afterwards.
/// </summary>
internal sealed class DockerTestImages : IDisposable
{
    public const string BaseImage = CakeParallel.Testing.DockerBaseImage.Name;

    public DockerTestImages()
    {
        if (DockerAvailability.DaemonUnreachable is { } problem)
        {
            throw new InvalidOperationException($"CAKEPARALLEL_REQUIRE_DOCKER=1, but no docker daemon is reachable: {problem}");
        }

        CakeParallel.Testing.DockerBaseImage.Ensure();
        Repository = "cpar-test-" + Guid.NewGuid().ToString("N")[..10];
    }

    /// <summary>A repository name no other test uses, e.g. <c>cpar-test-1a2b3c4d5e</c>.</summary>
    public string Repository { get; }

    public void Dispose()
    {
        var images = TestDocker.Run(["image", "ls", "--format", "{{.Repository}}:{{.Tag}}", Repository]).StandardOutput
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (images.Length > 0)
        {
            TestDocker.Run(["image", "rm", "--force", .. images]);
        }
    }
}
