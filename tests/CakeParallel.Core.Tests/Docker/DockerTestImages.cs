using System.Diagnostics;

namespace CakeParallel.Tests.Docker;

/// <summary>
/// The base image of docker tests, <c>local/busybox:1</c>, made offline with <c>docker import</c> of a busybox
/// root filesystem when missing; and a unique repository per test whose images are removed afterwards.
/// </summary>
internal sealed class DockerTestImages : IDisposable
{
    public const string BaseImage = "local/busybox:1";

    private static readonly Lazy<bool> BaseImageReady = new(EnsureBaseImage);

    public DockerTestImages()
    {
        if (DockerAvailability.DaemonUnreachable is { } problem)
        {
            throw new InvalidOperationException($"CAKEPARALLEL_REQUIRE_DOCKER=1, but no docker daemon is reachable: {problem}");
        }

        _ = BaseImageReady.Value;
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

    private static bool EnsureBaseImage()
    {
        if (TestDocker.ImageExists(BaseImage))
        {
            return true;
        }

        var root = Path.Combine(Path.GetTempPath(), "cpar-busybox-" + Guid.NewGuid().ToString("N")[..8]);
        var bin = Path.Combine(root, "rootfs", "bin");
        Directory.CreateDirectory(bin);
        File.Copy("/bin/busybox", Path.Combine(bin, "busybox"));
        foreach (var command in new[] { "sh", "echo", "sleep", "cat", "ls", "true", "false", "env", "printf", "touch", "test" })
        {
            File.CreateSymbolicLink(Path.Combine(bin, command), "busybox");
        }

        var tar = Path.Combine(root, "rootfs.tar");
        using (var process = Process.Start("tar", ["-C", Path.Combine(root, "rootfs"), "-cf", tar, "."]))
        {
            process.WaitForExit();
            process.ExitCode.ShouldBe(0, "tar of the busybox rootfs failed");
        }

        var import = TestDocker.Run(["import", "-", BaseImage], TimeSpan.FromSeconds(60), tar);
        import.ExitCode.ShouldBe(0, "docker import failed: " + import.StandardError);
        Directory.Delete(root, recursive: true);
        return true;
    }
}
