namespace Cake.Parallel.Tests.Infrastructure;

/// <summary>
/// The machine's Docker daemon for docker tests: they skip with the reason when it is not reachable, unless
/// <c>CAKEPARALLEL_REQUIRE_DOCKER=1</c> (CI), where they fail instead.
/// </summary>
internal static class DockerDaemon
{
    /// <summary>The base image the test Dockerfiles build on, imported from the machine's busybox when missing.</summary>
    public const string BaseImage = "local/busybox:1";

    private static readonly Lazy<string?> Unreachable = new(FindProblem);
    private static readonly Lock ImportGate = new();

    /// <summary>Skips the test when no daemon answers (fails it under CAKEPARALLEL_REQUIRE_DOCKER=1), and makes sure the base image exists.</summary>
    public static void Require()
    {
        if (Unreachable.Value is { } problem)
        {
            var reason = "No Docker daemon is reachable: " + problem;
            if (Environment.GetEnvironmentVariable("CAKEPARALLEL_REQUIRE_DOCKER") == "1")
            {
                throw new InvalidOperationException(reason + " (CAKEPARALLEL_REQUIRE_DOCKER=1 requires it).");
            }

            Skip.If(true, reason);
        }

        EnsureBaseImage();
    }

    /// <summary>Runs the docker client and returns its exit code and output.</summary>
    public static (int ExitCode, string Output) Run(params string[] arguments)
    {
        using var docker = ChildProcess.Start("docker", arguments, "/");
        var exitCode = docker.WaitForExit(TimeSpan.FromMinutes(2));
        return (exitCode, docker.Output.Trim());
    }

    private static string? FindProblem()
    {
        try
        {
            var (exitCode, output) = Run("version", "--format", "{{.Server.Version}}");
            return exitCode == 0 ? null : output;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or TimeoutException)
        {
            return e.Message;
        }
    }

    private static void EnsureBaseImage()
    {
        lock (ImportGate)
        {
            if (Run("image", "inspect", BaseImage).ExitCode == 0)
            {
                return;
            }

            // No registry here: the base image is a busybox root file system imported as an image.
            using var rootfs = new TempDirectory("cakeparallel-rootfs");
            var script = $"""
                set -e
                mkdir -p '{rootfs.Path}/bin'
                cp /bin/busybox '{rootfs.Path}/bin/'
                for c in sh echo sleep cat ls true false env; do ln -sf busybox '{rootfs.Path}/bin/'$c; done
                tar -C '{rootfs.Path}' -c . | docker import - {BaseImage}
                """;
            using var import = ChildProcess.Start("/bin/sh", ["-c", script], "/");
            if (import.WaitForExit(TimeSpan.FromMinutes(2)) != 0)
            {
                throw new InvalidOperationException($"Could not import {BaseImage}: {import.Output}");
            }
        }
    }
}
