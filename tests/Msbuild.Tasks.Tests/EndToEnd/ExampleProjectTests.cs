namespace CakeParallel.MSBuild.Tests.EndToEnd;

[Collection(MSBuildEndToEnd.Name)]
public sealed class ExampleProjectTests(TaskPackageFeed feed)
{
    private const string ExampleProject = "Example.csproj";
    private const string SnippetMarker = "<!-- snippet: examples/msbuild/Example.csproj -->";

    [Fact]
    public async Task The_example_project_builds_and_runs_its_checks_with_one_retry()
    {
        var consumer = feed.NewConsumer("example").WithFilesFrom(RepositoryLayout.Example, ExampleProject);

        var run = await consumer.BuildAsync("Build", "CheckResult");

        run.ExitCode.ShouldBe(0, run.ToString());
        run.Items.Select(i => i["Identity"]).ShouldBe(["greeting", "listing", "flaky-download", "environment"]);
        run.Items.ShouldAllBe(i => i["Status"] == "Succeeded");
        run.Item("flaky-download")["Attempts"].ShouldBe("2");
        run.Log.ShouldMatch(@"warning CPAR0105: leg 'flaky-download' attempt 1 of \d+ failed \(exit 75\); retrying in");
        run.Log.ShouldContain("[greeting] Hello from Example", Case.Sensitive);
        run.Log.ShouldContain("[environment] stage=example", Case.Sensitive);
        run.Log.ShouldContain("[flaky-download] succeeded after 2 attempts in ", Case.Sensitive);
        run.Log.ShouldContain("flaky-download: Succeeded after 2 attempt(s); log: ", Case.Sensitive);
    }

    [Fact]
    public void The_readme_fragment_shows_the_example_project_verbatim()
    {
        var readme = File.ReadAllText(RepositoryLayout.ReadmeFragment);
        var marker = readme.IndexOf(SnippetMarker, StringComparison.Ordinal);
        marker.ShouldBeGreaterThanOrEqualTo(0, $"README.md should contain {SnippetMarker}");
        var start = readme.IndexOf("```xml\n", marker, StringComparison.Ordinal) + "```xml\n".Length;
        var end = readme.IndexOf("```\n", start, StringComparison.Ordinal);

        readme[start..end].ShouldBe(File.ReadAllText(Path.Combine(RepositoryLayout.Example, ExampleProject)));
    }
}
