namespace CakeParallel.MSBuild.Tests.Docker;

/// <summary>
/// The real docker daemon for tests: whether it answers, the offline base image (see
/// <see cref="DockerBaseImage"/>), and a unique image repository per test, removed on dispose.
/// </summary>
internal sealed class DockerTestEnvironment : IDisposable
{
    public const string BaseImage = DockerBaseImage.Name;

    public DockerTestEnvironment()
    {
        if (DockerAvailability.DaemonUnreachable is { } problem)
        {
            throw new InvalidOperationException($"CAKEPARALLEL_REQUIRE_DOCKER=1, but no docker daemon is reachable: {problem}");
        }

        DockerBaseImage.Ensure();
        Repository = "cpar-msbuild-" + Guid.NewGuid().ToString("N")[..10];
    }

    /// <summary>An image repository no other test uses.</summary>
    public string Repository { get; }

    /// <summary>The id of <paramref name="reference"/>, or <see langword="null"/> when there is no such image.</summary>
    public static string? ImageId(string reference) => TestDocker.ImageId(reference);

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
