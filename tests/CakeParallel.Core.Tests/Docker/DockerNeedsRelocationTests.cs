using System.Collections.Concurrent;
using CakeParallel.Docker;
using CakeParallel.Model;
using CakeParallel.Runs;

namespace CakeParallel.Tests.Docker;

/// <summary>
/// A need's image, unpushed, lives only on the engine that built it. When that engine is killed (SIGKILL to its
/// dockerd) before its dependents build, the need is built again on the other engine, once, and the dependents
/// build there FROM the new image.
/// </summary>
public sealed class DockerNeedsRelocationTests : IDisposable
{
    private readonly Scratch _scratch = new();
    private readonly DoomedAndSurvivorEngines _engines = new();
    private readonly string _repository = "cpar-relocate-" + Guid.NewGuid().ToString("N")[..8];

    public void Dispose()
    {
        _engines.Dispose();
        _scratch.Dispose();
    }

    private void Write(string name, string text)
    {
        var path = _scratch.PathOf(name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text.Replace("\r\n", "\n"));
    }

    [DockerFact]
    public async Task WhenTheEngineHoldingANeedsImageDiesTheNeedIsBuiltAgainElsewhereOnceAndItsDependentsBuildFromIt()
    {
        Write("base/Dockerfile", $"""
            FROM {DockerTestImages.BaseImage}
            ARG os
            RUN echo "$os" > /base-os
            """);

        // FROM the base's image id, bound when the app leg starts: an app bound to the dead engine's id cannot build.
        Write("app/Dockerfile", """
            ARG BASE
            FROM ${BASE}
            ARG node
            RUN echo "node $node on $(cat /base-os)" > /app-version
            """);
        Write("matrix.json", $$"""
            {
              "build": {
                "retries": 0,
                "endpoints": [
                  { "host": "{{_engines.Doomed.Host}}", "name": "doomed", "maxParallel": 1 },
                  { "host": "{{_engines.Survivor.Host}}", "name": "survivor", "maxParallel": 1 }
                ]
              },
              "targets": {
                "base": {
                  "matrix": { "os": ["alpine"] },
                  "build": { "context": "base", "tags": ["{{_repository}}:base-{os}"] }
                },
                "app": {
                  "needs": "base",
                  "matrix": { "os": ["alpine"], "node": [20, 22] },
                  "build": {
                    "context": "app",
                    "tags": ["{{_repository}}:app-{os}-{node}"],
                    "buildArgs": { "BASE": "{base.image}" },
                    "labels": { "org.example.base-image": "{base.image}" }
                  }
                }
              }
            }
            """);
        var matrix = DockerMatrixFile.Load(_scratch.PathOf("matrix.json"));

        // The listener is called before the legs that need the base are released: the engine dies in between.
        var killer = new KillOnSuccess("base-alpine", "doomed", _engines.Doomed);
        var reports = _scratch.PathOf("reports");
        var options = _scratch.Options(maxParallel: 2) with
        {
            Listener = killer,
            Reports = new ReportOptions { ReportFile = Path.Combine(reports, "run.json"), CiAnnotations = CiAnnotationMode.Off },
        };
        var run = await DockerMatrixRunner.RunAsync(matrix, options).WaitAsync(TimeSpan.FromMinutes(4));

        killer.Killed.ShouldBeTrue("the base was first built on the doomed engine (the first endpoint wins a tie)");
        run.Succeeded.ShouldBeTrue(string.Join("\n", run.Unsuccessful.Select(l => $"{l.Name}: {l.FailureReason}")));
        var legs = run.Legs.ToDictionary(l => l.Name);
        var baseLeg = legs["base-alpine"];
        baseLeg.Endpoint.ShouldBe("survivor");
        baseLeg.Attempts.Select(a => (a.Endpoint, a.Outcome)).ShouldBe([("doomed", AttemptOutcome.Succeeded), ("survivor", AttemptOutcome.Succeeded)], "built once more, not once per dependent");
        baseLeg.Attempts.Select(a => a.Number).ShouldBe([1, 2]);
        baseLeg.Remarks.ShouldContain(r => r.StartsWith("built again: its image was only on engine 'doomed', which went down, and app-alpine-", StringComparison.Ordinal));
        killer.Completions("base-alpine").ShouldBe(2, "the listener hears of the base again, with its new result");

        var log = await File.ReadAllTextAsync(baseLeg.LogFile!);
        log.ShouldContain("attempt 1 started on engine 'doomed'");
        log.ShouldContain("built again: its image was only on engine 'doomed'");
        log.ShouldContain("attempt 2 started on engine 'survivor'");

        foreach (var node in new[] { "20", "22" })
        {
            var app = legs[$"app-alpine-{node}"];
            app.Endpoint.ShouldBe("survivor");
            _engines.Survivor.Docker("image", "inspect", "--format", "{{index .Config.Labels \"org.example.base-image\"}}", $"{_repository}:app-alpine-{node}")
                .StandardOutput.Trim().ShouldBe(baseLeg.ImageId, "the app was built FROM the base built again");
        }

        var reread = CakeParallel.Reports.JsonRunReport.Read(Path.Combine(reports, "run.json"));
        reread.Legs.Single(l => l.Name == "base-alpine").Attempts.Count.ShouldBe(2);
    }

    [DockerFact]
    public async Task NeedsWhoseImagesAreOnDifferentEnginesAreGatheredOnOneAndTheDependentBuildsThereFromAll()
    {
        Write("base/Dockerfile", $"""
            FROM {DockerTestImages.BaseImage}
            ARG os
            RUN echo "$os" > /base-os
            """);
        Write("tools/Dockerfile", $"""
            FROM {DockerTestImages.BaseImage}
            RUN echo tools > /tools
            """);

        // FROM both images by id: the app builds only on an engine that holds both.
        Write("app/Dockerfile", """
            ARG BASE
            ARG TOOLS
            FROM ${TOOLS} AS tools
            FROM ${BASE}
            COPY --from=tools /tools /tools
            RUN echo "$(cat /tools) on $(cat /base-os)" > /app
            """);
        Write("matrix.json", $$"""
            {
              "build": {
                "maxParallel": 2,
                "retries": 0,
                "endpoints": [
                  { "host": "{{_engines.Doomed.Host}}", "name": "a", "maxParallel": 1 },
                  { "host": "{{_engines.Survivor.Host}}", "name": "b", "maxParallel": 1 }
                ]
              },
              "targets": {
                "base": { "matrix": { "os": ["alpine"] }, "build": { "context": "base", "tags": ["{{_repository}}:base-{os}"] } },
                "tools": { "matrix": { "os": ["alpine"] }, "build": { "context": "tools", "tags": ["{{_repository}}:tools-{os}"] } },
                "app": {
                  "needs": ["base", "tools"],
                  "matrix": { "os": ["alpine"] },
                  "build": { "context": "app", "tags": ["{{_repository}}:app-{os}"], "buildArgs": { "BASE": "{base.image}", "TOOLS": "{tools.image}" } }
                }
              }
            }
            """);

        var run = await DockerMatrixRunner.RunAsync(DockerMatrixFile.Load(_scratch.PathOf("matrix.json")), _scratch.Options(maxParallel: 2)).WaitAsync(TimeSpan.FromMinutes(4));

        run.Succeeded.ShouldBeTrue(string.Join("\n", run.Unsuccessful.Select(l => $"{l.Name}: {l.FailureReason}")));
        var legs = run.Legs.ToDictionary(l => l.Name);

        // base and tools start together, one on each engine; the app needs both, so tools is built again where base is.
        legs["base-alpine"].Attempts.Select(a => a.Endpoint).ShouldBe(["a"]);
        legs["tools-alpine"].Attempts.Select(a => a.Endpoint).ShouldBe(["b", "a"]);
        legs["tools-alpine"].Remarks.ShouldContain("built again on engine 'a': app-alpine needs it there, beside the images of its other needs");
        legs["app-alpine"].Endpoint.ShouldBe("a");
        _engines.Doomed.Docker("run", "--rm", $"{_repository}:app-alpine", "cat", "/app").StandardOutput.Trim().ShouldBe("tools on alpine");
    }

    private sealed class KillOnSuccess(string leg, string endpoint, ExtraDockerEngine engine) : IRunListener
    {
        private readonly ConcurrentDictionary<string, int> _completions = new();

        public bool Killed { get; private set; }

        public int Completions(string name) => _completions.GetValueOrDefault(name);

        public void LegCompleted(LegResult result)
        {
            _completions.AddOrUpdate(result.Name, 1, (_, n) => n + 1);
            if (!Killed && result.Name == leg && result.Status == LegStatus.Succeeded && result.Endpoint == endpoint)
            {
                engine.Kill();
                Killed = true;
            }
        }
    }
}
