using System.Text.Json;
using CakeParallel.Docker;
using CakeParallel.Matrix;
using CakeParallel.Model;
using CakeParallel.Runs;

namespace CakeParallel.Tests.Docker;

/// <summary>Up-to-date docker legs against the real daemon: built once, not again until an input changes.</summary>
public sealed class UpToDateTests : IDisposable
{
    private readonly Scratch _scratch = new();
    private readonly DockerTestImages _images = new();

    public void Dispose()
    {
        _images.Dispose();
        _scratch.Dispose();
    }

    private string Context(string name, string dockerfile, params (string Path, string Text)[] files)
    {
        var directory = _scratch.PathOf(name);
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "Dockerfile"), dockerfile.Replace("\r\n", "\n"));
        foreach (var (path, text) in files)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(directory, path))!);
            File.WriteAllText(Path.Combine(directory, path), text);
        }

        return directory;
    }

    private DockerMatrix Matrix(string context, DockerBuilder? builder = null, params string[] legs)
    {
        builder ??= DockerBuilder.Classic;
        return new DockerMatrix
        {
            Matrix = MatrixDefinition.FromLegs(legs.Select(l => (IReadOnlyDictionary<string, string>)new Dictionary<string, string> { ["app"] = l }).ToArray()),
            Build = new DockerBuildSettings
            {
                Context = context,
                DockerExecutable = builder.Executable,
                BuildKit = builder.BuildKit,
                Tags = [$"{_images.Repository}:{{app}}", $"{_images.Repository}:{{app}}-latest"],
            },
        };
    }

    private static string Created(string reference) => TestDocker.Output("image", "inspect", "--format", "{{.Created}}", reference);

    private static string Label(string reference) => TestDocker.Output("image", "inspect", "--format", $"{{{{index .Config.Labels \"{DockerLabels.InputsHash}\"}}}}", reference);

    [DockerTheory]
    [InlineData("classic")]
    [InlineData("buildkit")]
    public async Task AnUnchangedMatrixIsUpToDateWithoutBuildingAndCountsAsSuccessEverywhere(string builderName)
    {
        var context = Context("app", "FROM local/busybox:1\nARG app\nCOPY . /ctx\nRUN echo $app > /app\n", ("src/main.txt", "hello"));
        var matrix = Matrix(context, DockerBuilder.Named(builderName), "one", "two");

        var first = await DockerMatrixRunner.RunAsync(matrix, _scratch.Options());
        first.Legs.ShouldAllBe(l => l.Status == LegStatus.Succeeded);
        foreach (var leg in first.Legs)
        {
            leg.InputsHash.ShouldNotBeNull().ShouldStartWith("sha256:");
            Label(leg.Tags[0]).ShouldBe(leg.InputsHash);
        }

        first.Legs[0].InputsHash.ShouldNotBe(first.Legs[1].InputsHash, "the legs' build args differ");
        var created = first.Legs.Select(l => Created(l.Tags[0])).ToArray();
        TestDocker.Output("image", "rm", $"{_images.Repository}:two-latest");

        var reports = _scratch.Options() with
        {
            Reports = new ReportOptions { ReportFile = _scratch.PathOf("report.json"), JUnitFile = _scratch.PathOf("junit.xml"), MarkdownFile = _scratch.PathOf("summary.md"), HtmlFile = _scratch.PathOf("timeline.html") },
        };
        var second = await DockerMatrixRunner.RunAsync(matrix, reports);

        second.Succeeded.ShouldBeTrue();
        for (var i = 0; i < 2; i++)
        {
            var leg = second.Legs[i];
            leg.Status.ShouldBe(LegStatus.UpToDate, leg.FailureReason);
            leg.Attempts.ShouldBeEmpty("no docker build ran");
            leg.ImageId.ShouldBe(first.Legs[i].ImageId);
            leg.InputsHash.ShouldBe(first.Legs[i].InputsHash);
            leg.Tags.ShouldBe(first.Legs[i].Tags);
            leg.Duration.ShouldBeLessThan(TimeSpan.FromSeconds(10));
            Created(leg.Tags[0]).ShouldBe(created[i], "the image was not built again");
            var log = File.ReadAllText(leg.LogFile!);
            log.ShouldContain("up to date: ");
            log.ShouldNotContain("attempt 1 started");
        }

        TestDocker.ImageId($"{_images.Repository}:two-latest").ShouldBe(first.Legs[1].ImageId, "the leg's tags are re-applied");
        using (var json = JsonDocument.Parse(File.ReadAllText(_scratch.PathOf("report.json"))))
        {
            json.RootElement.GetProperty("succeeded").GetBoolean().ShouldBeTrue();
            json.RootElement.GetProperty("counts").GetProperty("upToDate").GetInt32().ShouldBe(2);
            var leg = json.RootElement.GetProperty("legs")[0];
            leg.GetProperty("status").GetString().ShouldBe("upToDate");
            leg.GetProperty("inputsHash").GetString().ShouldBe(first.Legs[0].InputsHash);
        }

        var junit = File.ReadAllText(_scratch.PathOf("junit.xml"));
        junit.ShouldNotContain("<failure");
        junit.ShouldNotContain("<skipped");
        File.ReadAllText(_scratch.PathOf("summary.md")).ShouldContain("all 2 legs succeeded");
        File.ReadAllText(_scratch.PathOf("timeline.html")).ShouldContain("status-up-to-date");

        // ResumeFrom counts an up-to-date leg as done.
        var resumed = await DockerMatrixRunner.RunAsync(matrix, _scratch.Options() with { Reports = new ReportOptions { ResumeFrom = _scratch.PathOf("report.json") } });
        resumed.Legs.ShouldAllBe(l => l.Status == LegStatus.Reused);
    }

    [DockerFact]
    public async Task AnEngineTheCheckCannotReachOverItsSocketIsAskedThroughTheDockerClient()
    {
        var context = Context("app", "FROM local/busybox:1\nARG app\nRUN echo $app > /app\n");
        var matrix = Matrix(context, null, "one", "two");
        // A context named in the environment is the client's business: the check goes through the client.
        matrix = matrix with { Build = matrix.Build with { EnvironmentVariables = new Dictionary<string, string?> { ["DOCKER_CONTEXT"] = "default" } } };
        var first = await DockerMatrixRunner.RunAsync(matrix, _scratch.Options());
        first.Legs.ShouldAllBe(l => l.Status == LegStatus.Succeeded);
        TestDocker.Output("image", "rm", $"{_images.Repository}:one-latest");

        var second = await DockerMatrixRunner.RunAsync(matrix, _scratch.Options());

        foreach (var leg in second.Legs)
        {
            leg.Status.ShouldBe(LegStatus.UpToDate, File.ReadAllText(leg.LogFile!));
        }

        second.Legs.Select(l => l.InputsHash).ShouldBe(first.Legs.Select(l => l.InputsHash), "the client and the socket resolve the same ids");
        TestDocker.ImageId($"{_images.Repository}:one-latest").ShouldBe(first.Legs[0].ImageId);
        File.ReadAllText(second.Legs[0].LogFile!).ShouldContain($"tagged {_images.Repository}:one-latest");
    }

    [DockerFact]
    public async Task OnlyTheLegWhoseContextChangedIsBuiltAndIgnoredFilesChangeNothing()
    {
        var dockerfile = "FROM local/busybox:1\nCOPY . /ctx\n";
        Context("one", dockerfile, ("a.txt", "1"), (".dockerignore", "*.log\n"));
        Context("two", dockerfile, ("a.txt", "1"), (".dockerignore", "*.log\n"));
        var matrix = Matrix(_scratch.PathOf("{app}"), null, "one", "two");
        var first = await DockerMatrixRunner.RunAsync(matrix, _scratch.Options());
        first.Legs.ShouldAllBe(l => l.Status == LegStatus.Succeeded);

        File.WriteAllText(_scratch.PathOf("one/a.txt"), "2");
        File.WriteAllText(_scratch.PathOf("two/debug.log"), "ignored");
        var second = await DockerMatrixRunner.RunAsync(matrix, _scratch.Options());

        second.Legs[0].Status.ShouldBe(LegStatus.Succeeded, "its context holds the changed file");
        second.Legs[0].InputsHash.ShouldNotBe(first.Legs[0].InputsHash);
        Label(second.Legs[0].Tags[0]).ShouldBe(second.Legs[0].InputsHash);
        second.Legs[1].Status.ShouldBe(LegStatus.UpToDate, "a file .dockerignore leaves out is not an input");
        second.Legs[1].InputsHash.ShouldBe(first.Legs[1].InputsHash);
    }

    [DockerFact]
    public async Task ABaseImageRetaggedToANewImageRebuildsItsDependents()
    {
        var baseTag = $"{_images.Repository}:base";
        var baseContext = Context("base", "FROM local/busybox:1\nARG v\nRUN echo $v > /v\n");
        TestDocker.Output("build", "--build-arg", "v=1", "--tag", baseTag, baseContext);
        var context = Context("app", $"ARG BASE={baseTag}\nFROM $BASE AS build\nRUN cat /v\nFROM build\n");
        var matrix = Matrix(context, null, "app");

        (await DockerMatrixRunner.RunAsync(matrix, _scratch.Options())).Legs[0].Status.ShouldBe(LegStatus.Succeeded);
        (await DockerMatrixRunner.RunAsync(matrix, _scratch.Options())).Legs[0].Status.ShouldBe(LegStatus.UpToDate);

        TestDocker.Output("build", "--build-arg", "v=2", "--tag", baseTag, baseContext);
        var rebuilt = await DockerMatrixRunner.RunAsync(matrix, _scratch.Options());

        rebuilt.Legs[0].Status.ShouldBe(LegStatus.Succeeded, "the base image's id changed");
        File.ReadAllText(rebuilt.Legs[0].LogFile!).ShouldContain("attempt 1 started");
    }

    [DockerFact]
    public async Task ALegFromTheImageOfANeededLegRebuildsWhenThatLegBuiltANewImageInTheSameRun()
    {
        foreach (var os in new[] { "alpine", "debian" })
        {
            Context("base-" + os, "FROM local/busybox:1\nCOPY flavour /etc/flavour\n", ("flavour", os));
        }

        Context("app", "ARG BASE\nFROM ${BASE}\nARG node\nRUN echo \"node $node on $(cat /etc/flavour)\" > /version\n");
        // The app's argv names only the base's tag: the base's new image reaches its hash through FROM alone.
        File.WriteAllText(_scratch.PathOf("matrix.json"), $$"""
            {
              "build": { "maxParallel": 3 },
              "targets": {
                "base": { "matrix": { "os": ["alpine", "debian"] }, "build": { "context": "base-{os}", "tags": ["{{_images.Repository}}:base-{os}"] } },
                "app": {
                  "needs": "base",
                  "matrix": { "os": ["alpine", "debian"], "node": [20, 22] },
                  "build": { "context": "app", "tags": ["{{_images.Repository}}:app-{os}-{node}"], "buildArgs": { "BASE": "{base.tag}" } }
                }
              }
            }
            """);
        var matrix = DockerMatrixFile.Load(_scratch.PathOf("matrix.json"));

        var first = await DockerMatrixRunner.RunAsync(matrix, _scratch.Options());
        first.Legs.ShouldAllBe(l => l.Status == LegStatus.Succeeded);
        var unchanged = await DockerMatrixRunner.RunAsync(matrix, _scratch.Options());
        unchanged.Legs.ShouldAllBe(l => l.Status == LegStatus.UpToDate, "an up-to-date need lets its dependents run, and they are up to date too");

        File.WriteAllText(_scratch.PathOf("base-alpine/flavour"), "alpine 3.21");
        var changed = await DockerMatrixRunner.RunAsync(matrix, _scratch.Options());

        changed.Legs.Where(l => l.Parameters["os"] == "alpine").ShouldAllBe(l => l.Status == LegStatus.Succeeded, "the alpine base built a new image, which its apps are FROM");
        changed.Legs.Where(l => l.Parameters["os"] == "debian").ShouldAllBe(l => l.Status == LegStatus.UpToDate);
        TestDocker.Output("run", "--rm", $"{_images.Repository}:app-alpine-20", "cat", "/version").ShouldBe("node 20 on alpine 3.21");
    }

    [DockerFact]
    public async Task RebuildBuildsAnUpToDateLegAndStillLabelsIt()
    {
        var context = Context("app", "FROM local/busybox:1\nRUN echo built\n");
        var matrix = Matrix(context, null, "app");
        var first = await DockerMatrixRunner.RunAsync(matrix, _scratch.Options());

        var forced = await DockerMatrixRunner.RunAsync(matrix, _scratch.Options() with { Rebuild = true });
        var fromFile = await DockerMatrixRunner.RunAsync(matrix with { Rebuild = true }, _scratch.Options());
        var environment = await RunPlanner.PlanAsync(matrix, _scratch.Options(), environment: new Dictionary<string, string?> { [RunPrecedence.RebuildVariable] = "1" });

        foreach (var run in new[] { forced, fromFile })
        {
            var leg = run.Legs[0];
            leg.Status.ShouldBe(LegStatus.Succeeded, leg.FailureReason + "\n" + File.ReadAllText(leg.LogFile!));
            leg.Attempts.Count.ShouldBe(1);
            leg.InputsHash.ShouldBe(first.Legs[0].InputsHash);
            File.ReadAllText(leg.LogFile!).ShouldContain("building: Rebuild is on");
        }

        environment.GetPlanOrThrow().Options.Rebuild.ShouldBeTrue();
        Label(first.Legs[0].Tags[0]).ShouldBe(first.Legs[0].InputsHash);
        (await DockerMatrixRunner.RunAsync(matrix, _scratch.Options())).Legs[0].Status.ShouldBe(LegStatus.UpToDate);
    }

    [DockerFact]
    public async Task NoCacheBuildsEveryTimeAsDockersOwnCacheIsOff()
    {
        var context = Context("app", "FROM local/busybox:1\nRUN echo built\n");
        var matrix = Matrix(context, null, "app");
        var cached = await DockerMatrixRunner.RunAsync(matrix, _scratch.Options());
        (await DockerMatrixRunner.RunAsync(matrix, _scratch.Options())).Legs[0].Status.ShouldBe(LegStatus.UpToDate);

        var uncached = matrix with { Build = matrix.Build with { NoCache = true } };
        var first = await DockerMatrixRunner.RunAsync(uncached, _scratch.Options());
        var second = await DockerMatrixRunner.RunAsync(uncached, _scratch.Options());

        foreach (var leg in new[] { first.Legs[0], second.Legs[0] })
        {
            leg.Status.ShouldBe(LegStatus.Succeeded);
            leg.Attempts.Count.ShouldBe(1);
            File.ReadAllText(leg.LogFile!).ShouldContain("building: NoCache is on");
        }

        second.Legs[0].ImageId.ShouldNotBe(cached.Legs[0].ImageId);
    }

    [DockerFact]
    public async Task AChangedBuildArgRebuilds()
    {
        var context = Context("app", "FROM local/busybox:1\nARG greeting\nRUN echo $greeting\n");
        var matrix = Matrix(context, null, "app");
        (await DockerMatrixRunner.RunAsync(WithArg(1), _scratch.Options())).Legs[0].Status.ShouldBe(LegStatus.Succeeded);
        (await DockerMatrixRunner.RunAsync(WithArg(1), _scratch.Options())).Legs[0].Status.ShouldBe(LegStatus.UpToDate);
        (await DockerMatrixRunner.RunAsync(WithArg(2), _scratch.Options())).Legs[0].Status.ShouldBe(LegStatus.Succeeded);

        DockerMatrix WithArg(int value) => matrix with { Build = matrix.Build with { BuildArgs = new Dictionary<string, string> { ["greeting"] = "hello " + value } } };
    }

    [DockerFact]
    public async Task ASecretsValueIsNotAnInputButItsIdIs()
    {
        var context = Context("app", "FROM local/busybox:1\nRUN echo built\n");
        var matrix = Matrix(context, DockerBuilder.BuildKitClient, "app");
        DockerMatrix WithSecret(string id, string value) => matrix with { Build = matrix.Build with { Secrets = [new DockerSecret(id) { Value = value }] } };

        var first = await DockerMatrixRunner.RunAsync(WithSecret("token", "first-value"), _scratch.Options());
        first.Legs[0].Status.ShouldBe(LegStatus.Succeeded, first.Legs[0].FailureReason);
        var newValue = await DockerMatrixRunner.RunAsync(WithSecret("token", "second-value"), _scratch.Options());
        newValue.Legs[0].Status.ShouldBe(LegStatus.UpToDate, "a secret's value never decides");
        File.ReadAllText(newValue.Legs[0].LogFile!).ShouldNotContain("second-value");
        (await DockerMatrixRunner.RunAsync(WithSecret("other-token", "second-value"), _scratch.Options())).Legs[0].Status.ShouldBe(LegStatus.Succeeded);
    }

    [DockerFact]
    public async Task WithPushTheRegistrysImageMakesTheLegUpToDateEvenWhenTheEngineLacksIt()
    {
        using var registry = LocalRegistry.Start();
        var name = "cpar-uptodate-" + Guid.NewGuid().ToString("N")[..8];
        var context = Context("app", "FROM local/busybox:1\nARG app\nRUN echo $app > /app\n");
        var matrix = Matrix(context, null, "app");
        matrix = matrix with { Build = matrix.Build with { Tags = [$"{registry.Address}/{name}:{{app}}", $"{registry.Address}/{name}:v-{{app}}"], Push = true } };

        string[] tags = [$"{registry.Address}/{name}:app", $"{registry.Address}/{name}:v-app"];
        try
        {
            await BuildPushAndFindInRegistry(registry, name, context, matrix);
        }
        finally
        {
            TestDocker.Run(["image", "rm", "--force", .. tags]);
        }
    }

    [DockerFact]
    public async Task WithPushARegistryThatWantsCredentialsIsReadWithThoseDockerLoginStored()
    {
        using var registry = LocalRegistry.Start(LocalRegistryAuth.Basic);
        var config = _scratch.PathOf("docker-config");
        registry.WriteDockerConfig(config);
        var name = "cpar-uptodate-" + Guid.NewGuid().ToString("N")[..8];
        var context = Context("app", "FROM local/busybox:1\nARG app\nRUN echo $app > /app\n");
        var matrix = Matrix(context, null, "app");
        matrix = matrix with
        {
            Build = matrix.Build with
            {
                Tags = [$"{registry.Address}/{name}:{{app}}"],
                Push = true,
                EnvironmentVariables = new Dictionary<string, string?> { ["DOCKER_CONFIG"] = config },
            },
        };

        try
        {
            await BuildPushAndFindInRegistry(registry, name, context, matrix);
        }
        finally
        {
            TestDocker.Run(["image", "rm", "--force", $"{registry.Address}/{name}:app"]);
        }
    }

    [DockerFact]
    public async Task AnAllOrNothingPublishOfUpToDateLegsWritesTheTagsTheyAlreadyHave()
    {
        using var registry = LocalRegistry.Start();
        var name = "cpar-uptodate-" + Guid.NewGuid().ToString("N")[..8];
        var context = Context("app", "FROM local/busybox:1\nARG app\nRUN echo $app > /app\n");
        var matrix = Matrix(context, null, "one", "two");
        matrix = matrix with { Build = matrix.Build with { Tags = [$"{registry.Address}/{name}:{{app}}"], Push = true, Publish = DockerPublishPolicy.AllOrNothing } };
        try
        {
            var first = await DockerMatrixRunner.RunAsync(matrix, _scratch.Options());
            first.Publish.ShouldNotBeNull().Outcome.ShouldBe(PublishOutcome.Published, first.Publish.Error);

            var second = await DockerMatrixRunner.RunAsync(matrix, _scratch.Options());

            second.Legs.ShouldAllBe(l => l.Status == LegStatus.UpToDate);
            second.Succeeded.ShouldBeTrue();
            var publish = second.Publish.ShouldNotBeNull();
            publish.Outcome.ShouldBe(PublishOutcome.Published, publish.Error);
            foreach (var leg in second.Legs)
            {
                registry.Digest(name, leg.Parameters["app"]).ShouldBe(leg.PushedDigests[leg.Tags[0]], "the final tag still names the image the first run published");
            }
        }
        finally
        {
            var images = TestDocker.Run(["image", "ls", "--format", "{{.Repository}}:{{.Tag}}", $"{registry.Address}/{name}"]).StandardOutput
                .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (images.Length > 0)
            {
                TestDocker.Run(["image", "rm", "--force", .. images]);
            }
        }
    }

    private async Task BuildPushAndFindInRegistry(LocalRegistry registry, string name, string context, DockerMatrix matrix)
    {
        var first = await DockerMatrixRunner.RunAsync(matrix, _scratch.Options());
        var built = first.Legs.ShouldHaveSingleItem();
        built.Status.ShouldBe(LegStatus.Succeeded, built.FailureReason);
        TestDocker.Output(["image", "rm", .. built.Tags]);

        var second = await DockerMatrixRunner.RunAsync(matrix, _scratch.Options());

        var leg = second.Legs.ShouldHaveSingleItem();
        leg.Status.ShouldBe(LegStatus.UpToDate, File.ReadAllText(leg.LogFile!));
        leg.ImageId.ShouldBe(built.ImageId, "the registry's config digest is the image id");
        leg.PushedDigests.ShouldBe(built.PushedDigests);
        leg.PushedDigests[leg.Tags[0]].ShouldBe(registry.Digest(name, "app"));
        TestDocker.ImageExists(leg.Tags[0]).ShouldBeFalse("nothing was built or pulled");

        // Another input: the registry's image is from other inputs, so the leg builds and pushes again.
        File.AppendAllText(Path.Combine(context, "Dockerfile"), "RUN echo changed\n");
        var third = await DockerMatrixRunner.RunAsync(matrix, _scratch.Options());
        third.Legs[0].Status.ShouldBe(LegStatus.Succeeded);
        third.Legs[0].PushedDigests[leg.Tags[0]].ShouldNotBe(leg.PushedDigests[leg.Tags[0]]);
    }
}
