namespace CakeParallel.Testing;

/// <summary>
/// A test that needs a docker daemon: skipped with a visible reason when <c>docker info</c> fails, except when
/// <c>CAKEPARALLEL_REQUIRE_DOCKER=1</c>, where it runs (and fails) instead.
/// </summary>
public sealed class DockerFactAttribute : FactAttribute
{
    private readonly bool _needsBuildKit;

    public DockerFactAttribute()
    {
        if (DockerAvailability.SkipReason(needsBothClients: false) is { } reason)
        {
            Skip = reason;
        }
    }

    /// <summary>The test needs the BuildKit client (<c>/usr/bin/docker</c>); it is skipped like a missing daemon when that client is absent.</summary>
    public bool NeedsBuildKit
    {
        get => _needsBuildKit;
        init
        {
            _needsBuildKit = value;
            if (value && DockerAvailability.SkipReason(needsBothClients: true) is { } reason)
            {
                Skip = reason;
            }
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

/// <summary>Whether the machine's docker daemon answers: the one detection every test project uses.</summary>
public static class DockerAvailability
{
    private static readonly Lazy<string?> DaemonProblem = new(ProbeDaemon);

    /// <summary>Why no daemon answers, or <see langword="null"/> when one does.</summary>
    public static string? DaemonUnreachable => DaemonProblem.Value;

    /// <summary>Whether docker tests must run (and fail) instead of skipping: <c>CAKEPARALLEL_REQUIRE_DOCKER=1</c>, as CI sets it.</summary>
    public static bool Required => Environment.GetEnvironmentVariable("CAKEPARALLEL_REQUIRE_DOCKER") == "1";

    /// <summary>Why a docker test should be skipped, or <see langword="null"/> when it should run.</summary>
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

    /// <summary>
    /// For tests that decide at run time (<c>[SkippableFact]</c>): skips without a daemon, fails instead under
    /// <c>CAKEPARALLEL_REQUIRE_DOCKER=1</c>, and makes sure the base image exists.
    /// </summary>
    public static void Require()
    {
        if (DaemonProblem.Value is { } problem)
        {
            var reason = "No Docker daemon is reachable: " + problem;
            if (Required)
            {
                throw new InvalidOperationException(reason + " (CAKEPARALLEL_REQUIRE_DOCKER=1 requires it).");
            }

            Skip.If(true, reason);
        }

        DockerBaseImage.Ensure();
    }

    private static string? ProbeDaemon()
    {
        try
        {
            var result = TestDocker.Run(["info", "--format", "{{.ServerVersion}}"], TimeSpan.FromSeconds(20));
            return result.ExitCode == 0 ? null : $"docker info: {result.StandardError.Trim()}";
        }
        catch (Exception exception) when (exception is System.ComponentModel.Win32Exception or InvalidOperationException or TimeoutException)
        {
            return $"cannot run docker: {exception.Message}";
        }
    }
}
