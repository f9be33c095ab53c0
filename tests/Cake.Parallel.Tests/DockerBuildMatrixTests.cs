using Cake.Parallel.Tests.Infrastructure;
using CakeParallel.Model;

namespace Cake.Parallel.Tests;

/// <summary>DockerBuildMatrix against the real daemon: in-process for the settings overload, through dotnet cake for the file.</summary>
[Collection(DotnetCakeCollection.Name)]
public sealed class DockerBuildMatrixTests(AddinFeed feed) : IDisposable
{
    private readonly TempDirectory _temp = new("cakeparallel-docker");
    private readonly string _repository = "cakeparallel-test/" + Guid.NewGuid().ToString("N")[..12];

    public void Dispose()
    {
        foreach (var flavour in new[] { "plain", "salted", "app-plain" })
        {
            TestDocker.Run(["image", "rm", "--force", $"{_repository}:{flavour}"]);
        }

        _temp.Dispose();
    }

    [SkippableFact]
    public void A_matrix_file_builds_every_leg_through_dotnet_cake_and_reports_image_ids()
    {
        DockerAvailability.Require();
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
            var imageId = TestDocker.ImageId($"{_repository}:{flavour}");
            imageId.ShouldNotBeNull($"{_repository}:{flavour} was built");
            cake.Stdout.ShouldContain($"IMAGE {flavour} {imageId}");
            cake.Stdout.ShouldMatch($@"\n  {flavour} +succeeded +1 +\S+ \S+ +0 +{imageId["sha256:".Length..][..12]}\n");
            // Docker legs show their steps, not every line, unless the settings choose another output mode.
            cake.Stdout.ShouldNotContain($"| building {flavour}");
        }
    }

    [SkippableFact]
    public void The_settings_overload_builds_the_matrix_relative_to_the_cake_working_directory()
    {
        DockerAvailability.Require();
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

    [SkippableFact]
    public void The_matrix_file_overload_writes_reports_and_resuming_reuses_the_built_images()
    {
        DockerAvailability.Require();
        WriteDockerfile();
        File.WriteAllText(_temp.Combine("matrix.json"), $$"""
            {
              "matrix": { "flavour": ["plain", "salted"] },
              "build": { "tags": ["{{_repository}}:{flavour}"], "maxParallel": 2 }
            }
            """);
        var context = new TestCakeContext(_temp.Path);
        var settings = new ParallelSettings().SetReportFile("reports/images.json").SetJUnitFile("reports/images.xml");

        var built = context.DockerBuildMatrix("matrix.json", settings);
        var builtLines = context.Log.Lines.Count;
        var resumed = context.DockerBuildMatrix("matrix.json", settings.SetResumeFrom("reports/images.json"));

        built.Succeeded.ShouldBeTrue();
        using (var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(_temp.Combine("reports", "images.json"))))
        {
            json.RootElement.GetProperty("legs").EnumerateArray().Select(l => l.GetProperty("imageId").GetString())
                .ShouldBe(built.Legs.Select(l => l.ImageId));
        }

        System.Xml.Linq.XDocument.Load(_temp.Combine("reports", "images.xml")).Descendants("testcase").Count().ShouldBe(2);
        resumed.Legs.Select(l => l.Status).ShouldBe([LegStatus.Reused, LegStatus.Reused]);
        resumed.Legs.Select(l => l.ImageId).ShouldBe(built.Legs.Select(l => l.ImageId));
        var lines = context.Log.Lines.Skip(builtLines).ToArray();
        var plainRow = $@"^  plain +reused +- +- +- +{built.Legs[0].ImageId!["sha256:".Length..][..12]}$";
        lines.ShouldNotContain(l => l.EndsWith("| ** started", StringComparison.Ordinal), "no build starts again");
        lines.ShouldContain(l => System.Text.RegularExpressions.Regex.IsMatch(l, plainRow));
    }

    [SkippableFact]
    public void A_matrix_file_with_targets_builds_the_app_from_its_base_with_the_resolved_docker_client()
    {
        DockerAvailability.Require();
        WriteDockerfile();
        Directory.CreateDirectory(_temp.Combine("app"));
        File.WriteAllText(_temp.Combine("app", "Dockerfile"), "ARG BASE\nFROM ${BASE}\nRUN echo \"app on $(cat /flavour.txt)\" > /app.txt\nCMD [\"cat\", \"/app.txt\"]\n");
        File.WriteAllText(_temp.Combine("matrix.json"), $$"""
            {
              "targets": {
                "base": { "matrix": { "flavour": ["plain"] }, "build": { "tags": ["{{_repository}}:{flavour}"] } },
                "app": { "needs": "base", "matrix": { "flavour": ["plain"] },
                         "build": { "context": "app", "tags": ["{{_repository}}:app-{flavour}"], "buildArgs": { "BASE": "{base.tag}" } } }
              }
            }
            """);
        var context = new TestCakeContext(_temp.Path);

        var result = context.DockerBuildMatrix("matrix.json", new ParallelSettings());

        result.Succeeded.ShouldBeTrue(string.Join("\n", result.Unsuccessful.Select(l => $"{l.Name}: {l.FailureReason}")));
        result.Legs.Select(l => l.Name).ShouldBe(["base-plain", "app-plain"]);
        TestDocker.Output("run", "--rm", $"{_repository}:app-plain").ShouldBe("app on plain");
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

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void The_docker_client_is_found_with_cakes_tool_resolution_and_tool_path_wins()
    {
        WriteDockerfile();
        var registered = FakeDocker("registered", "docker client registered with Cake");
        var chosen = FakeDocker("chosen", "docker client chosen by ToolPath");
        var context = new TestCakeContext(_temp.Path);
        context.Tools.RegisterFile(registered);

        var byResolution = Should.Throw<InvalidRunException>(() => context.DockerBuildMatrix(new DockerMatrixSettings().WithAxis("flavour", "plain")));
        var byToolPath = Should.Throw<InvalidRunException>(() => context.DockerBuildMatrix(new DockerMatrixSettings { ToolPath = chosen }.WithAxis("flavour", "plain")));

        // Each fake answers the daemon check with its own words, which the error carries.
        byResolution.Errors.ShouldHaveSingleItem().Message.ShouldContain("docker client registered with Cake");
        byToolPath.Errors.ShouldHaveSingleItem().Message.ShouldContain("docker client chosen by ToolPath");
        context.Log.Lines.ShouldBeEmpty();
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private string FakeDocker(string folder, string message)
    {
        Directory.CreateDirectory(_temp.Combine(folder));
        var path = _temp.Combine(folder, "docker");
        File.WriteAllText(path, $"#!/bin/sh\necho '{message}' >&2\nexit 1\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    private void WriteDockerfile() => File.WriteAllText(_temp.Combine("Dockerfile"), $"""
        FROM {DockerBaseImage.Name}
        ARG flavour
        RUN echo "building $flavour" && echo "$flavour" > /flavour.txt
        """);
}
