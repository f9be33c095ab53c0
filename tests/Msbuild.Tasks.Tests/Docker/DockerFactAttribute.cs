namespace CakeParallel.MSBuild.Tests.Docker;

/// <summary>
/// A test that needs a docker daemon: skipped with a visible reason when <c>docker info</c> fails, except when
/// <c>CAKEPARALLEL_REQUIRE_DOCKER=1</c>, where it runs (and fails) instead.
/// </summary>
public sealed class DockerFactAttribute : FactAttribute
{
    public DockerFactAttribute()
    {
        if (!DockerTestEnvironment.Required && DockerTestEnvironment.DaemonProblem is { } problem)
        {
            Skip = $"no docker daemon reachable ({problem}); set CAKEPARALLEL_REQUIRE_DOCKER=1 to fail instead of skipping";
        }
    }
}
