namespace CakeParallel.MSBuild.Tests.EndToEnd;

[Collection(MSBuildEndToEnd.Name)]
public sealed class ServiceExampleTests(TaskPackageFeed feed)
{
    private const string ExampleProject = "Services.csproj";
    private const string SnippetMarker = "<!-- snippet: examples/services/Services.csproj -->";
    private static readonly string Example = Path.Combine(RepositoryLayout.Root, "examples", "services");

    [Fact]
    public async Task The_services_example_builds_smoke_tests_its_server_and_stops_it()
    {
        var consumer = feed.NewConsumer("services-example").WithFilesFrom(Example, ExampleProject);

        var run = await consumer.BuildAsync("Build", "None");

        run.ExitCode.ShouldBe(0, run.ToString());
        run.Log.ShouldContain("Service 'web' is ready after ", Case.Sensitive);
        run.Log.ShouldContain("Service 'web' stopped; it exited on SIGTERM.", Case.Sensitive);
        File.ReadAllText(Path.Combine(consumer.Directory, "obj", "Debug", "net10.0", "web.log")).ShouldContain("GET /Services.csproj");
    }

    [Fact]
    public void The_readme_fragment_shows_the_services_example_verbatim()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryLayout.Root, "README.md"));
        var marker = readme.IndexOf(SnippetMarker, StringComparison.Ordinal);
        marker.ShouldBeGreaterThanOrEqualTo(0, $"README.md should contain {SnippetMarker}");
        var start = readme.IndexOf("```xml\n", marker, StringComparison.Ordinal) + "```xml\n".Length;
        var end = readme.IndexOf("```\n", start, StringComparison.Ordinal);

        readme[start..end].ShouldBe(File.ReadAllText(Path.Combine(Example, ExampleProject)));
    }
}
