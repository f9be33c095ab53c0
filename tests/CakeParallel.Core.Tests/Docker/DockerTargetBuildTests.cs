using CakeParallel.Docker;
using CakeParallel.Model;
using CakeParallel.Runs;

namespace CakeParallel.Tests.Docker;

/// <summary>
/// A matrix file with a base target per OS and an app target per OS and node version, built by the real daemon:
/// each app image is <c>FROM</c> its base's tag, so an app leg started before its base was built would fail.
/// </summary>
public sealed class DockerTargetBuildTests : IDisposable
{
    private readonly Scratch _scratch = new();
    private readonly DockerTestImages _images = new();

    public void Dispose()
    {
        _images.Dispose();
        _scratch.Dispose();
    }

    private DockerMatrix BaseAndApp(string oses)
    {
        Write("base/Dockerfile", $"""
            FROM {DockerTestImages.BaseImage}
            ARG os
            RUN test "$os" != broken && echo "$os" > /base-os
            """);
        Write("app/Dockerfile", """
            ARG BASE
            FROM ${BASE}
            ARG node
            RUN echo "node $node on $(cat /base-os)" > /app-version
            CMD ["cat", "/app-version"]
            """);
        var repository = _images.Repository;
        Write("matrix.json", $$"""
            {
              "build": { "maxParallel": 4, "timeout": "5m", "retries": 0 },
              "targets": {
                "base": {
                  "matrix": { "os": [{{oses}}] },
                  "build": { "context": "base", "tags": ["{{repository}}:base-{os}"] }
                },
                "app": {
                  "needs": "base",
                  "matrix": { "os": [{{oses}}], "node": [20, 22] },
                  "build": {
                    "context": "app",
                    "tags": ["{{repository}}:app-{os}-{node}"],
                    "buildArgs": { "BASE": "{base.tag}" },
                    "labels": { "org.example.base-image": "{base.image}" }
                  }
                }
              }
            }
            """);
        return DockerMatrixFile.Load(_scratch.PathOf("matrix.json"));
    }

    private void Write(string name, string text)
    {
        var path = _scratch.PathOf(name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text.Replace("\r\n", "\n"));
    }

    private static DateTimeOffset Start(LegResult leg) => leg.Attempts[0].StartedAt;

    private static DateTimeOffset End(LegResult leg) => leg.Attempts[^1].StartedAt + leg.Attempts[^1].Duration;

    [DockerFact]
    public async Task EveryAppLegStartsAfterItsBaseAndBuildsFromIt()
    {
        var run = await DockerMatrixRunner.RunAsync(BaseAndApp("\"alpine\", \"debian\""), _scratch.Options(maxParallel: 4));

        run.Succeeded.ShouldBeTrue(string.Join("\n", run.Unsuccessful.Select(l => $"{l.Name}: {l.FailureReason}")));
        run.Legs.Select(l => l.Name).ShouldBe(["base-alpine", "base-debian", "app-alpine-20", "app-alpine-22", "app-debian-20", "app-debian-22"]);
        var legs = run.Legs.ToDictionary(l => l.Name);
        foreach (var os in new[] { "alpine", "debian" })
        {
            var baseLeg = legs[$"base-{os}"];
            foreach (var node in new[] { "20", "22" })
            {
                var app = legs[$"app-{os}-{node}"];

                // Wall-clock start against a monotonic duration: a few milliseconds of slack.
                Start(app).ShouldBeGreaterThanOrEqualTo(End(baseLeg) - TimeSpan.FromMilliseconds(50), $"{app.Name} started before {baseLeg.Name} ended");
                TestDocker.Output("run", "--rm", $"{_images.Repository}:app-{os}-{node}").ShouldBe($"node {node} on {os}");

                // {base.image} was bound, when the leg started, to the image id its base built.
                baseLeg.ImageId.ShouldNotBeNull();
                TestDocker.Output("image", "inspect", "--format", "{{index .Config.Labels \"org.example.base-image\"}}", $"{_images.Repository}:app-{os}-{node}")
                    .ShouldBe(baseLeg.ImageId);
            }
        }
    }

    [DockerFact]
    public async Task FailedBaseLeavesOnlyItsDependentsNotStarted()
    {
        var run = await DockerMatrixRunner.RunAsync(BaseAndApp("\"good\", \"broken\""), _scratch.Options(maxParallel: 4));

        var legs = run.Legs.ToDictionary(l => l.Name);
        legs["base-broken"].Status.ShouldBe(LegStatus.Failed);
        legs["base-good"].Status.ShouldBe(LegStatus.Succeeded, legs["base-good"].FailureReason);
        foreach (var node in new[] { "20", "22" })
        {
            var dependent = legs[$"app-broken-{node}"];
            dependent.Status.ShouldBe(LegStatus.NotStarted, dependent.FailureReason);
            dependent.Attempts.ShouldBeEmpty();
            dependent.FailureReason.ShouldNotBeNull().ShouldContain("needs base-broken");

            var other = legs[$"app-good-{node}"];
            other.Status.ShouldBe(LegStatus.Succeeded, other.FailureReason);
            TestDocker.Output("run", "--rm", $"{_images.Repository}:app-good-{node}").ShouldBe($"node {node} on good");
        }
    }

    [DockerFact]
    public async Task ExampleBuildsEachAppFromTheBaseOfItsOs()
    {
        var matrix = DockerMatrixFile.Load(Path.Combine(RepositoryRoot.Path, "examples", "docker-targets", "matrix.json"));

        // Own tags, so the test never races a real run of the example; {base.tag} follows the base's tag.
        var tags = new Dictionary<string, string> { ["base"] = _images.Repository + ":base-{os}", ["app"] = _images.Repository + ":node{node}-{os}" };
        matrix = matrix with { Targets = [.. matrix.Targets.Select(t => t with { Build = t.Build with { Tags = [tags[t.Name]] } })] };

        var run = await DockerMatrixRunner.RunAsync(matrix, _scratch.Options(maxParallel: 3));

        run.Succeeded.ShouldBeTrue(string.Join("\n", run.Unsuccessful.Select(l => $"{l.Name}: {l.FailureReason}")));
        run.Legs.Select(l => l.Name).ShouldBe(["base-alpine", "base-debian", "app-node20-alpine", "app-node22-alpine", "app-node20-debian", "app-node22-debian"]);
        TestDocker.Output("run", "--rm", _images.Repository + ":node22-debian").ShouldBe("node 22 on debian");
        TestDocker.Output("image", "inspect", "--format", "{{index .Config.Labels \"org.example.base-image\"}}", _images.Repository + ":node20-alpine")
            .ShouldBe(run.Legs.Single(l => l.Name == "base-alpine").ImageId);
    }
}
