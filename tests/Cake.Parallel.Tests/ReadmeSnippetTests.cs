using Cake.Parallel.Tests.Infrastructure;

namespace Cake.Parallel.Tests;

/// <summary>
/// Every snippet of the README's Cake and Frosting sections is a file under Scripts/ that the README contains verbatim, and the Cake
/// script snippets are run by the real <c>dotnet cake</c>.
/// </summary>
[Collection(DotnetCakeCollection.Name)]
public sealed class ReadmeSnippetTests(AddinFeed feed)
{
    private static readonly string Readme = CakeSections(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "README.md")).Replace("\r\n", "\n"));

    [Theory]
    [InlineData("Scripts/readme-run-parallel.cake")]
    [InlineData("Scripts/readme-docker-matrix.cake")]
    [InlineData("Scripts/readme-reports.cake")]
    [InlineData("Scripts/readme-frosting.cs")]
    public void The_readme_contains_the_snippet_verbatim(string snippet)
    {
        Readme.ShouldContain("```csharp\n" + CakeScript.FromFile(snippet).TrimEnd() + "\n```\n");
    }

    [Fact]
    public void The_readme_shows_each_alias_and_its_snippets_are_all_tested()
    {
        var tested = new[] { "readme-run-parallel.cake", "readme-docker-matrix.cake", "readme-reports.cake", "readme-frosting.cs" };
        Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Scripts"), "readme-*").Select(Path.GetFileName).ShouldBe(tested, ignoreOrder: true);
        var snippets = tested.Select(t => CakeScript.FromFile("Scripts/" + t).TrimEnd()).ToArray();
        var blocks = Readme.Split("```csharp\n").Skip(1).Select(b => b[..b.IndexOf("\n```", StringComparison.Ordinal)]).ToArray();
        foreach (var block in blocks)
        {
            // A block is a whole tested snippet, or the one line every Cake script snippet starts with (the #addin directive).
            var cakeScripts = snippets.Where((_, i) => tested[i].EndsWith(".cake", StringComparison.Ordinal));
            (snippets.Contains(block) || (!block.Contains('\n') && cakeScripts.All(s => s.StartsWith(block + "\n", StringComparison.Ordinal))))
                .ShouldBeTrue($"The README's Cake sections have an untested csharp block:\n{block}");
        }
    }

    [Fact]
    public void The_run_parallel_snippet_runs_its_checks()
    {
        using var script = new CakeScript(feed, CakeScript.FromFile("Scripts/readme-run-parallel.cake"));

        using var cake = script.Run();

        cake.ExitCode.ShouldBe(0, cake.Output);
        cake.Stdout.ShouldContain("unit | running unit tests");
        cake.Stdout.ShouldContain("docs | building docs with the dark theme");
        cake.Stdout.ShouldMatch(@"Parallel run finished in [^:]+: 3 succeeded");
        cake.Stdout.ShouldMatch(@"\n3 succeeded in \d\d:\d\d:\d\d");
        File.Exists(Path.Combine(script.Directory, "artifacts", "logs", "docs.log")).ShouldBeTrue("LogDirectory is relative to the script's folder");
    }

    [Fact]
    public void The_run_parallel_snippet_reports_without_failing()
    {
        using var script = new CakeScript(feed, CakeScript.FromFile("Scripts/readme-run-parallel.cake"));

        using var cake = script.Run("--target=Report");

        cake.ExitCode.ShouldBe(0, cake.Output);
        cake.Stdout.ShouldNotContain("may-fail | no network");
        cake.Output.ShouldContain("=== may-fail: failed, exit 1");
        cake.Output.ShouldContain("    no network");
        cake.Output.ShouldContain("may-fail Failed: ");
    }

    [Fact]
    public void The_reports_snippet_writes_its_reports_and_reruns_only_the_failed_leg()
    {
        using var script = new CakeScript(feed, CakeScript.FromFile("Scripts/readme-reports.cake"));
        string Report(string file) => Path.Combine(script.Directory, "artifacts", "parallel", file);

        using var first = script.Run();
        var reports = new[] { "report.json", "junit.xml", "summary.md", "timeline.html" }.Where(f => File.Exists(Report(f))).ToArray();
        File.WriteAllText(Path.Combine(script.Directory, "db-ready"), "");
        using var second = script.Run("--rerun-failed");

        first.ExitCode.ShouldNotBe(0, first.Output);
        first.Output.ShouldContain("=== integration: failed, exit 1");
        first.Output.ShouldContain("    database not reachable");
        reports.ShouldBe(["report.json", "junit.xml", "summary.md", "timeline.html"], "all four reports are written although a leg failed");
        second.ExitCode.ShouldBe(0, second.Output);
        second.Stdout.ShouldContain("unit        | ** reused: succeeded in an earlier run in ");
        second.Stdout.ShouldContain("e2e         | ** reused: succeeded in an earlier run in ");
        second.Stdout.ShouldNotContain("unit tests passed", Case.Sensitive, "a reused leg does not run again");
        second.Stdout.ShouldNotContain("e2e tests passed", Case.Sensitive, "a reused leg does not run again");
        second.Stdout.ShouldContain("integration | integration tests passed");
        second.Stdout.ShouldMatch(@"Parallel run finished in [^:]+: 1 succeeded, 2 reused");
    }

    [SkippableFact]
    public void The_docker_matrix_snippet_builds_from_settings_and_from_a_file()
    {
        DockerAvailability.Require();
        using var script = new CakeScript(feed, CakeScript.FromFile("Scripts/readme-docker-matrix.cake"));
        var docker = Directory.CreateDirectory(Path.Combine(script.Directory, "docker")).FullName;
        File.WriteAllText(Path.Combine(docker, "Dockerfile"), $"""
            FROM {DockerBaseImage.Name}
            ARG variant
            RUN echo "variant $variant" && echo "$variant" > /variant.txt
            """);
        File.WriteAllText(Path.Combine(docker, "matrix.json"), """
            {
              "matrix": { "variant": ["slim", "full"] },
              "build": { "tags": ["cakeparallel-example-file:{variant}"], "maxParallel": 2 }
            }
            """);
        string[] tags = ["cakeparallel-example:slim", "cakeparallel-example:full", "cakeparallel-example-file:slim", "cakeparallel-example-file:full"];
        try
        {
            using var fromSettings = script.Run();
            using var fromFile = script.Run("--target=ImagesFromFile");

            fromSettings.ExitCode.ShouldBe(0, fromSettings.Output);
            fromSettings.Stdout.ShouldMatch(@"\nslim -> sha256:[0-9a-f]{64}\n");
            fromSettings.Stdout.ShouldMatch(@"\nfull -> sha256:[0-9a-f]{64}\n");
            fromFile.ExitCode.ShouldBe(0, fromFile.Output);
            fromFile.Stdout.ShouldContain("--- slim (succeeded) ---");
            fromFile.Stdout.ShouldMatch(@"Parallel run finished in [^:]+: 2 succeeded");
            foreach (var tag in tags)
            {
                TestDocker.Run(["image", "inspect", tag]).ExitCode.ShouldBe(0, tag);
            }

            TestDocker.Output("image", "inspect", "--format", "{{index .Config.Labels \"org.opencontainers.image.version\"}}", "cakeparallel-example:full").ShouldBe("full");
        }
        finally
        {
            TestDocker.Run(["image", "rm", "--force", .. tags]);
        }
    }

    /// <summary>From "## Cake scripts" to the next section that is neither Cake's nor Frosting's.</summary>
    private static string CakeSections(string readme)
    {
        var start = readme.IndexOf("## Cake scripts\n", StringComparison.Ordinal);
        start.ShouldBeGreaterThanOrEqualTo(0, "README.md has a '## Cake scripts' section");
        var end = readme.IndexOf("\n## MSBuild", start, StringComparison.Ordinal);
        return end < 0 ? readme[start..] : readme[start..end];
    }
}
