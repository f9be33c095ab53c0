using System.Diagnostics;

namespace CakeParallel.MSBuild.Tests.Docker;

/// <summary>
/// The real docker daemon for tests: whether it answers, the offline base image (see
/// <see cref="CakeParallel.Testing.DockerBaseImage"/>), and a unique image repository per test, removed on dispose.
/// </summary>
internal sealed class DockerTestEnvironment : IDisposable
{
    public const string BaseImage = CakeParallel.Testing.DockerBaseImage.Name;

    private static readonly Lazy<string?> Problem = new(() =>
    {
        try
        {
            var info = Docker(["info", "--format", "{{.ServerVersion}}"]);
            return info.ExitCode == 0 ? null : "docker info: " + info.Output.Trim();
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            return "cannot run docker: " + exception.Message;
        }
    });

    public DockerTestEnvironment()
    {
        if (DaemonProblem is { } problem)
        {
            throw new InvalidOperationException($"CAKEPARALLEL_REQUIRE_DOCKER=1, but no docker daemon is reachable: {problem}");
        }

        CakeParallel.Testing.DockerBaseImage.Ensure();
        Repository = "cpar-msbuild-" + Guid.NewGuid().ToString("N")[..10];
    }

    public static string? DaemonProblem => Problem.Value;

    public static bool Required => Environment.GetEnvironmentVariable("CAKEPARALLEL_REQUIRE_DOCKER") == "1";

    /// <summary>An image repository no other test uses.</summary>
    public string Repository { get; }

    /// <summary>The id of <paramref name="reference"/>, or <see langword="null"/> when there is no such image.</summary>
    public static string? ImageId(string reference)
    {
        var inspect = Docker(["image", "inspect", "--format", "{{.Id}}", reference]);
        return inspect.ExitCode == 0 ? inspect.Output.Trim() : null;
    }

    public void Dispose()
    {
        var images = Docker(["image", "ls", "--format", "{{.Repository}}:{{.Tag}}", Repository]).Output
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (images.Length > 0)
        {
            Docker(["image", "rm", "--force", .. images]);
        }
    }

    private static (int ExitCode, string Output) Docker(string[] arguments) => Run("docker", arguments);

    private static (int ExitCode, string Output) Run(string program, string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', arguments)} did not finish in time");
        }

        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
