using Cake.Parallel.Tests.Infrastructure;

namespace Cake.Parallel.Tests;

/// <summary>
/// Every Cake snippet of README-cake.md is a file under Scripts/ that the README contains verbatim, and the Cake
/// script snippets are run by the real <c>dotnet cake</c>.
/// </summary>
[Collection(DotnetCakeCollection.Name)]
public sealed class ReadmeSnippetTests(AddinFeed feed)
{
    private static readonly string Readme = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "README-cake.md"));

    [Theory]
    [InlineData("Scripts/readme-run-parallel.cake")]
    [InlineData("Scripts/readme-docker-matrix.cake")]
    [InlineData("Scripts/readme-frosting.cs")]
    public void The_readme_contains_the_snippet_verbatim(string snippet)
    {
        Readme.ShouldContain("```csharp\n" + CakeScript.FromFile(snippet).TrimEnd() + "\n```\n");
    }

    [Fact]
    public void The_readme_shows_each_alias_and_its_snippets_are_all_tested()
    {
        var tested = new[] { "readme-run-parallel.cake", "readme-docker-matrix.cake", "readme-frosting.cs" };
        Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Scripts"), "readme-*").Select(Path.GetFileName).ShouldBe(tested, ignoreOrder: true);
        var snippets = tested.Select(t => CakeScript.FromFile("Scripts/" + t).TrimEnd()).ToArray();
        var blocks = Readme.Split("```csharp\n").Skip(1).Select(b => b[..b.IndexOf("\n```", StringComparison.Ordinal)]).ToArray();
        foreach (var block in blocks)
        {
            // A block is a whole tested snippet, or the one line every Cake script snippet starts with (the #addin directive).
            var cakeScripts = snippets.Take(2);
            (snippets.Contains(block) || (!block.Contains('\n') && cakeScripts.All(s => s.StartsWith(block + "\n", StringComparison.Ordinal))))
                .ShouldBeTrue($"README-cake.md has an untested csharp block:\n{block}");
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

    [SkippableFact]
    public void The_docker_matrix_snippet_builds_from_settings_and_from_a_file()
    {
        DockerDaemon.Require();
        using var script = new CakeScript(feed, CakeScript.FromFile("Scripts/readme-docker-matrix.cake"));
        var docker = Directory.CreateDirectory(Path.Combine(script.Directory, "docker")).FullName;
        File.WriteAllText(Path.Combine(docker, "Dockerfile"), $"""
            FROM {DockerDaemon.BaseImage}
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
                DockerDaemon.Run("image", "inspect", tag).ExitCode.ShouldBe(0, tag);
            }

            DockerDaemon.Run("image", "inspect", "--format", "{{index .Config.Labels \"org.opencontainers.image.version\"}}", "cakeparallel-example:full").Output.ShouldBe("full");
        }
        finally
        {
            DockerDaemon.Run(["image", "rm", "--force", .. tags]);
        }
    }
}
