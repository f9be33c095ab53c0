using Cake.Parallel.Tests.Infrastructure;

namespace Cake.Parallel.Tests;

/// <summary>
/// The repository's own build/build.cake, run by the real dotnet cake in a copy of the tree it needs (the script,
/// examples/docker-matrix), loading the addin from the test feed like build.sh loads it from artifacts/feed.
/// </summary>
[Collection(DotnetCakeCollection.Name)]
public sealed class RepositoryBuildTests(AddinFeed feed)
{
    [Fact]
    public void Demo_fails_with_one_clear_sentence_when_no_docker_daemon_is_reachable()
    {
        using var script = RepositoryScript();

        using var cake = script.RunWith(new Dictionary<string, string?> { ["DOCKER_HOST"] = "unix://" + Path.Combine(script.Directory, "no-daemon.sock") }, "--target=Demo");

        cake.ExitCode.ShouldNotBe(0, cake.Output);
        cake.Output.ShouldContain("Error: The Demo needs a Docker daemon, but none is reachable (`docker version` failed): run ./build.sh --target=Demo, which starts one, or start dockerd or point DOCKER_HOST at one.");
        cake.Output.ShouldNotContain("Parallel run");
    }

    [SkippableFact]
    public void Demo_builds_the_example_matrix_and_prints_the_summary()
    {
        DockerAvailability.Require();
        using var script = RepositoryScript();

        using var cake = script.Run("--target=Demo");

        cake.ExitCode.ShouldBe(0, cake.Output);
        cake.Stdout.ShouldMatch(@"Parallel run finished in [^:]+: 6 succeeded");
        cake.Stdout.ShouldMatch(@"\n  Leg +Status +Attempts +Duration +Exit +Image\n");
        cake.Stdout.ShouldMatch(@"\n  node23-alpine +succeeded +1 +\S+ \S+ +0 +[0-9a-f]{12}\n");
        cake.Stdout.ShouldContain("Demo: 6 images built from ");
        var timeline = Path.Combine(script.Directory, "artifacts", "demo", "timeline.html");
        cake.Stdout.ShouldContain("; timeline: " + timeline);
        cake.Stdout.ShouldContain("; leg logs: " + Path.Combine(script.Directory, "artifacts", "demo", "logs") + "/");
        cake.Stdout.ShouldNotContain("DEPRECATED", Case.Sensitive, "docker's banner is folded on the console");
        cake.Stdout.Split('\n').Length.ShouldBeLessThanOrEqualTo(60, "six docker legs fit a screen: steps, not every line");
        var legLog = File.ReadAllText(Path.Combine(script.Directory, "artifacts", "demo", "logs", "node23-alpine.log"));
        legLog.ShouldMatch(@"Step 14/14|\[\d+/\d+\] RUN", "the leg log keeps every line of the build");
        File.ReadAllText(timeline).ShouldContain("node23-alpine");
        File.Exists(Path.Combine(script.Directory, "artifacts", "demo", "report.json")).ShouldBeTrue();
    }

    private CakeScript RepositoryScript()
    {
        var script = new CakeScript(feed, File.ReadAllText(Path.Combine(RepositoryRoot.Path, "build", "build.cake")), "build/build.cake");
        script.CopyFromRepository("examples/docker-matrix");
        return script;
    }
}
