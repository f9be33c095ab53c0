using Cake.Parallel.Tests.Infrastructure;
using CakeParallel.Model;

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
    public void Demo_builds_the_example_matrix_and_prints_the_summary_and_again_finds_every_image_up_to_date()
    {
        DockerAvailability.Require();
        using var script = RepositoryScript();
        // Images of an earlier Demo would be up to date: start from none, so this run builds.
        var earlier = TestDocker.Run(["image", "ls", "--format", "{{.Repository}}:{{.Tag}}", "cakeparallel-example/app"]).StandardOutput
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (earlier.Length > 0)
        {
            TestDocker.Run(["image", "rm", .. earlier]);
        }

        using var cake = script.Run("--target=Demo");

        cake.ExitCode.ShouldBe(0, cake.Output);
        cake.Stdout.ShouldMatch(@"Parallel run finished in [^:]+: 6 succeeded");
        cake.Stdout.ShouldMatch(@"\n  Leg +Status +Attempts +Duration +Exit +Image\n");
        cake.Stdout.ShouldMatch(@"\n  node23-alpine +succeeded +1 +\S+ \S+ +0 +[0-9a-f]{12}\n");
        cake.Stdout.ShouldContain("Demo: 6 images (6 built, 0 up to date) from ");
        var timeline = Path.Combine(script.Directory, "artifacts", "demo", "timeline.html");
        cake.Stdout.ShouldContain("; timeline: " + timeline);
        cake.Stdout.ShouldContain("; leg logs: " + Path.Combine(script.Directory, "artifacts", "demo", "logs") + "/");
        cake.Stdout.ShouldNotContain("DEPRECATED", Case.Sensitive, "docker's banner is folded on the console");
        cake.Stdout.Split('\n').Length.ShouldBeLessThanOrEqualTo(60, "six docker legs fit a screen: steps, not every line");
        var legLog = File.ReadAllText(Path.Combine(script.Directory, "artifacts", "demo", "logs", "node23-alpine.log"));
        legLog.ShouldMatch(@"Step (\d+)/\1 |\[\d+/\d+\] RUN", "the leg log keeps every line of the build, to the last step");
        File.ReadAllText(timeline).ShouldContain("node23-alpine");
        File.Exists(Path.Combine(script.Directory, "artifacts", "demo", "report.json")).ShouldBeTrue();

        // Unchanged: nothing is built, and up to date is a success.
        using var again = script.Run("--target=Demo");

        again.ExitCode.ShouldBe(0, again.Output);
        again.Stdout.ShouldMatch(@"Parallel run finished in [^:]+: 6 up to date");
        again.Stdout.ShouldMatch(@"\n  node23-alpine +up to date +0 +\d[\d.]* m?s +- +[0-9a-f]{12}\n");
        again.Stdout.ShouldContain("Demo: 6 images (0 built, 6 up to date) from ");
        var report = CakeParallel.Reports.JsonRunReport.Read(Path.Combine(script.Directory, "artifacts", "demo", "report.json"));
        report.Succeeded.ShouldBeTrue();
        report.Legs.ShouldAllBe(l => l.Status == LegStatus.UpToDate && l.Attempts.Count == 0 && l.InputsHash != null);
    }

    [SkippableFact]
    public void DemoEngines_builds_the_example_over_two_engines_it_starts_and_pushes_every_tag()
    {
        DockerAvailability.Require();
        using var script = RepositoryScript();

        using var cake = script.Run("--target=DemoEngines");

        cake.ExitCode.ShouldBe(0, cake.Output);
        cake.Stdout.ShouldMatch(@"Parallel run finished in [^:]+: 6 succeeded");
        cake.Stdout.ShouldMatch(@"\n  Leg +Status +Attempts +Duration +Exit +Engine +Image\n");
        cake.Stdout.ShouldMatch(@"node23-alpine: built on engine-[12], pushed 127\.0\.0\.1:\d+/cakeparallel-example/app:node23-alpine@sha256:[0-9a-f]{64}");
        cake.Stdout.ShouldContain("DemoEngines: 6 legs over unix://");
        var pool = Path.Combine(script.Directory, "artifacts", "demo-engines");
        var report = CakeParallel.Reports.JsonRunReport.Read(Path.Combine(pool, "report.json"));
        report.Legs.Select(l => l.Endpoint).Distinct().Order().ToArray().ShouldBe(["engine-1", "engine-2"], "both engines built");
        report.Legs.ShouldAllBe(l => l.PushedDigests.Count == 1);
        File.ReadAllText(Path.Combine(pool, "timeline.html")).ShouldContain("engine-2 slot 2");

        // Everything the target started is stopped again: no pidfile left, no process of the pool, no bridge.
        Directory.EnumerateFiles(pool, "*.pid", SearchOption.AllDirectories).ShouldBeEmpty();
        ProcessScan.LiveWithMarker(pool).ShouldBeEmpty();
        Directory.EnumerateFiles(pool, "bridge", SearchOption.AllDirectories).ShouldBeEmpty();
    }

    private CakeScript RepositoryScript()
    {
        var script = new CakeScript(feed, File.ReadAllText(Path.Combine(RepositoryRoot.Path, "build", "build.cake")), "build/build.cake");
        script.CopyFromRepository("examples/docker-matrix");
        return script;
    }
}
