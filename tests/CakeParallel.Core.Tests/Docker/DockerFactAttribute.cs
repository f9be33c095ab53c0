using System.Diagnostics;

namespace CakeParallel.Tests.Docker;

/// <summary>
/// A test that needs a docker daemon: skipped with a visible reason when <c>docker info</c> fails, except when
/// <c>CAKEPARALLEL_REQUIRE_DOCKER=1</c>, where it runs (and fails) instead.
/// </summary>
public sealed class DockerFactAttribute : FactAttribute
{
    public DockerFactAttribute()
    {
        if (DockerAvailability.SkipReason(needsBothClients: false) is { } reason)
        {
            Skip = reason;
        }
    }
}

/// <summary>A docker theory, run once per builder; skipped like <see cref="DockerFactAttribute"/>, and when a builder's client is missing.</summary>
public sealed class DockerTheoryAttribute : TheoryAttribute
{
    public DockerTheoryAttribute()
    {
        if (DockerAvailability.SkipReason(needsBothClients: true) is { } reason)
        {
            Skip = reason;
        }
    }
}

internal static class DockerAvailability
{
    private static readonly Lazy<string?> DaemonProblem = new(ProbeDaemon);

    public static bool Required => Environment.GetEnvironmentVariable("CAKEPARALLEL_REQUIRE_DOCKER") == "1";

    public static string? SkipReason(bool needsBothClients)
    {
        if (Required)
        {
            return null;
        }

        if (DaemonProblem.Value is { } problem)
        {
            return $"no docker daemon reachable ({problem}); set CAKEPARALLEL_REQUIRE_DOCKER=1 to fail instead of skipping";
        }

        var missing = DockerBuilder.All.Where(b => !File.Exists(b.Executable)).Select(b => b.Executable).ToArray();
        return needsBothClients && missing.Length > 0
            ? $"docker client(s) {string.Join(", ", missing)} missing, so not every builder can be tested; set CAKEPARALLEL_REQUIRE_DOCKER=1 to fail instead of skipping"
            : null;
    }

    private static string? ProbeDaemon()
    {
        try
        {
            var result = TestDocker.Run(["info", "--format", "{{.ServerVersion}}"], TimeSpan.FromSeconds(20));
            return result.ExitCode == 0 ? null : $"docker info: {result.StandardError.Trim()}";
        }
        catch (Exception exception) when (exception is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return $"cannot run docker: {exception.Message}";
        }
    }
}

/// <summary>The two builders on this kind of machine: the classic builder of the 28.x client, and BuildKit through the 20.10 client.</summary>
public sealed record DockerBuilder(string Name, string Executable, bool BuildKit)
{
    public static DockerBuilder Classic { get; } = new("classic", "/usr/local/bin/docker", false);

    public static DockerBuilder BuildKitClient { get; } = new("buildkit", "/usr/bin/docker", true);

    public static IReadOnlyList<DockerBuilder> All { get; } = [Classic, BuildKitClient];

    public static DockerBuilder Named(string name) => All.Single(b => b.Name == name);
}

/// <summary>Plain docker client calls for test setup and assertions.</summary>
internal static class TestDocker
{
    public sealed record Result(int ExitCode, string StandardOutput, string StandardError);

    public static Result Run(IEnumerable<string> arguments, TimeSpan? limit = null, string? standardInputFile = null)
    {
        var startInfo = new ProcessStartInfo("docker") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo)!;
        if (standardInputFile is not null)
        {
            using var input = File.OpenRead(standardInputFile);
            input.CopyTo(process.StandardInput.BaseStream);
        }

        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(limit ?? TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"docker {string.Join(' ', startInfo.ArgumentList)} did not finish in time");
        }

        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }

    public static string Output(params string[] arguments)
    {
        var result = Run(arguments);
        result.ExitCode.ShouldBe(0, $"docker {string.Join(' ', arguments)} failed: {result.StandardError}");
        return result.StandardOutput.Trim();
    }

    public static bool ImageExists(string reference) => Run(["image", "inspect", reference]).ExitCode == 0;
}
