namespace Cake.Parallel.Tests.Infrastructure;

/// <summary>
/// The machine's Docker daemon for docker tests: they skip with the reason when it is not reachable, unless
/// <c>CAKEPARALLEL_REQUIRE_DOCKER=1</c> (CI), where they fail instead.
/// </summary>
internal static class DockerDaemon
{
    /// <summary>The base image the test Dockerfiles build on (see <see cref="CakeParallel.Testing.DockerBaseImage"/>).</summary>
    public const string BaseImage = CakeParallel.Testing.DockerBaseImage.Name;

    private static readonly Lazy<string?> Unreachable = new(FindProblem);

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

        CakeParallel.Testing.DockerBaseImage.Ensure();
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
}
