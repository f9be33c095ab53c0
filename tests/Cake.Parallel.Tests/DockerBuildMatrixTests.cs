using Cake.Parallel.Tests.Infrastructure;
using CakeParallel;

namespace Cake.Parallel.Tests;

/// <summary>DockerBuildMatrix against the real daemon: in-process for the settings overload, through dotnet cake for the file.</summary>
[Collection(DotnetCakeCollection.Name)]
public sealed class DockerBuildMatrixTests(AddinFeed feed) : IDisposable
{
    private readonly TempDirectory _temp = new("cakeparallel-docker");
    private readonly string _repository = "cakeparallel-test/" + Guid.NewGuid().ToString("N")[..12];

    public void Dispose()
    {
        foreach (var flavour in new[] { "plain", "salted" })
        {
            DockerDaemon.Run("image", "rm", "--force", $"{_repository}:{flavour}");
        }

        _temp.Dispose();
    }

    [SkippableFact]
    public void A_matrix_file_builds_every_leg_through_dotnet_cake_and_reports_image_ids()
    {
        DockerDaemon.Require();
        WriteDockerfile();
        File.WriteAllText(_temp.Combine("matrix.json"), $$"""
            {
              "matrix": { "flavour": ["plain", "salted"] },
              "build": { "tags": ["{{_repository}}:{flavour}"], "maxParallel": 2, "timeout": "3m" }
            }
            """);
        using var script = new CakeScript(feed, CakeScript.FromFile("Scripts/docker-matrix-file.cake"));

        using var cake = script.Run("--matrix=" + _temp.Combine("matrix.json"));

        cake.ExitCode.ShouldBe(0, cake.Output);
        cake.Stdout.ShouldMatch(@"Parallel run finished in [^:]+: 2 succeeded");
        cake.Stdout.ShouldMatch(@"\n  Leg +Status +Attempts +Duration +Exit +Image\n");
        foreach (var flavour in new[] { "plain", "salted" })
        {
            var (exitCode, imageId) = DockerDaemon.Run("image", "inspect", "--format", "{{.Id}}", $"{_repository}:{flavour}");
            exitCode.ShouldBe(0, imageId);
            cake.Stdout.ShouldContain($"IMAGE {flavour} {imageId}");
            cake.Stdout.ShouldMatch($@"\n  {flavour} +succeeded +1 +\S+ \S+ +0 +{imageId["sha256:".Length..][..12]}\n");
            cake.Stdout.ShouldContain($"building {flavour}");
        }
    }

    [SkippableFact]
    public void The_settings_overload_builds_the_matrix_relative_to_the_cake_working_directory()
    {
        DockerDaemon.Require();
        WriteDockerfile();
        var context = new TestCakeContext(_temp.Path);

        var result = context.DockerBuildMatrix(new DockerMatrixSettings { MaxParallel = 2 }
            .WithAxis("flavour", "plain", "salted")
            .WithTag(_repository + ":{flavour}")
            .SetContext("."));

        result.Succeeded.ShouldBeTrue();
        result.Legs.Select(l => l.Name).ShouldBe(["plain", "salted"]);
        result.Legs.ShouldAllBe(l => l.ImageId != null && l.ImageId.StartsWith("sha256:"));
        context.Log.Lines.ShouldContain(l => l.StartsWith("salted | ** succeeded in ", StringComparison.Ordinal));
    }

    [Fact]
    public void An_unreachable_daemon_is_reported_before_any_leg_starts()
    {
        WriteDockerfile();
        var context = new TestCakeContext(_temp.Path);

        var exception = Should.Throw<InvalidRunException>(() => context.DockerBuildMatrix(new DockerMatrixSettings()
            .WithAxis("flavour", "plain")
            .SetDockerHost("unix://" + _temp.Combine("no-daemon.sock"))));

        var error = exception.Errors.ShouldHaveSingleItem();
        error.Code.ShouldBe(ErrorCodes.DockerDaemonNotReachable);
        error.Leg.ShouldBe("plain");
        context.Log.Lines.ShouldBeEmpty();
    }

    private void WriteDockerfile() => File.WriteAllText(_temp.Combine("Dockerfile"), $"""
        FROM {DockerDaemon.BaseImage}
        ARG flavour
        RUN echo "building $flavour" && echo "$flavour" > /flavour.txt
        """);
}
