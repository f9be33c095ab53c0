using CakeParallel.Docker;
using CakeParallel.Matrix;
using CakeParallel.Model;
using CakeParallel.Runs;

namespace CakeParallel.Tests.Docker;

/// <summary>Docker build legs against the real daemon, with both builders.</summary>
public sealed class DockerBuildTests : IDisposable
{
    private readonly Scratch _scratch = new();
    private readonly DockerTestImages _images = new();

    public void Dispose()
    {
        _images.Dispose();
        _scratch.Dispose();
    }

    private string Context(string name, string dockerfile)
    {
        var directory = _scratch.PathOf(name);
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "Dockerfile"), dockerfile.Replace("\r\n", "\n"));
        return directory;
    }

    private RunOptions Options(int maxParallel = 3) => _scratch.Options(maxParallel);

    private DockerMatrix OneLeg(DockerBuilder builder, string context, DockerBuildSettings? build = null) => new()
    {
        Matrix = MatrixDefinition.FromLegs([new Dictionary<string, string> { ["case"] = "one" }]),
        Build = (build ?? new DockerBuildSettings()) with
        {
            Context = context,
            DockerExecutable = builder.Executable,
            BuildKit = builder.BuildKit,
            Tags = [$"{_images.Repository}:{{case}}-{builder.Name}"],
        },
    };

    [DockerTheory]
    [InlineData("classic")]
    [InlineData("buildkit")]
    public async Task MatrixWithExcludeAndIncludeBuildsEveryExpectedImage(string builderName)
    {
        var builder = DockerBuilder.Named(builderName);
        var marker = _scratch.PathOf("injected");
        var injection = $"$(touch {marker}); echo \"q\" 'x' ; `id`";
        var context = Context("app", """
            FROM local/busybox:1
            ARG node
            ARG os
            ARG WHO
            LABEL built.node=$node built.os=$os
            RUN echo "$node/$os" > /built && echo "$WHO" > /who
            CMD ["cat", "/built"]
            """);
        var matrix = new DockerMatrix
        {
            Matrix = new MatrixDefinition
            {
                Axes = [new MatrixAxis("node", ["18", "20", "22"]), new MatrixAxis("os", ["alpine", "debian"])],
                Exclude = [new Dictionary<string, MatrixValue> { ["node"] = "18", ["os"] = "debian" }],
                Include = [new Dictionary<string, MatrixValue> { ["node"] = "16", ["os"] = "alpine" }],
            },
            Build = new DockerBuildSettings
            {
                Context = context,
                DockerExecutable = builder.Executable,
                BuildKit = builder.BuildKit,
                Tags = [$"{_images.Repository}:{{node}}-{{os}}"],
                BuildArgs = new Dictionary<string, string> { ["WHO"] = injection },
                Labels = new Dictionary<string, string> { ["org.opencontainers.image.version"] = "{node}" },
                LegName = "node{node}-{os}",
            },
            MaxParallel = 3,
        };

        var run = await DockerMatrixRunner.RunAsync(matrix, Options(maxParallel: 1));

        run.Legs.Select(l => l.Name).ShouldBe(["node18-alpine", "node20-alpine", "node20-debian", "node22-alpine", "node22-debian", "node16-alpine"]);
        run.Succeeded.ShouldBeTrue(string.Join("\n", run.Unsuccessful.Select(l => $"{l.Name}: {l.FailureReason}")));
        foreach (var leg in run.Legs)
        {
            var tag = $"{_images.Repository}:{leg.Parameters["node"]}-{leg.Parameters["os"]}";
            leg.Tags.ShouldBe([tag]);
            var inspect = TestDocker.Output("image", "inspect", "--format",
                "{{.Id}}|{{index .Config.Labels \"cakeparallel.leg\"}}|{{index .Config.Labels \"org.opencontainers.image.version\"}}|{{index .Config.Labels \"built.node\"}}|{{index .Config.Labels \"built.os\"}}", tag);
            inspect.ShouldBe($"{leg.ImageId}|{leg.Id}|{leg.Parameters["node"]}|{leg.Parameters["node"]}|{leg.Parameters["os"]}");
        }

        TestDocker.Output("run", "--rm", $"{_images.Repository}:22-debian").ShouldBe("22/debian");
        TestDocker.Output("run", "--rm", $"{_images.Repository}:16-alpine", "cat", "/who").ShouldBe(injection);
        File.Exists(marker).ShouldBeFalse();
    }

    [DockerTheory]
    [InlineData("classic")]
    [InlineData("buildkit")]
    public async Task FailingRunStepIsFailedNotRetriedAndQuotesDockersErrorLine(string builderName)
    {
        var builder = DockerBuilder.Named(builderName);
        var marker = "cpar-" + Guid.NewGuid().ToString("N")[..8];
        var context = Context("fail", $"""
            FROM local/busybox:1
            RUN echo about to fail
            RUN exit 3 && echo {marker}
            """);

        var run = await DockerMatrixRunner.RunAsync(OneLeg(builder, context), Options());

        var leg = run.Legs.Single();
        leg.Status.ShouldBe(LegStatus.Failed);
        leg.Attempts.Count.ShouldBe(1);
        leg.Attempts[0].Decision.WillRetry.ShouldBeFalse();
        leg.Attempts[0].Decision.Reason.ShouldBe("deterministic: a RUN step exited non-zero");
        leg.FailureReason.ShouldStartWith($"docker build failed with exit code {leg.ExitCode}: ");
        leg.FailureReason.ShouldContain(builder.BuildKit ? "exit code: 3" : "returned a non-zero code: 3");
        leg.ImageId.ShouldBeNull();
        TestDocker.Output("ps", "--all", "--no-trunc", "--format", "{{.Command}}").ShouldNotContain(marker);
        if (!builder.BuildKit)
        {
            leg.Remarks.ShouldHaveSingleItem().ShouldStartWith("the classic builder kept the container(s) ");
        }
    }

    [DockerFact]
    public async Task TimedOutClassicBuildLeavesNoBuildContainer()
    {
        var marker = "cpar-" + Guid.NewGuid().ToString("N")[..8];
        var context = Context("slow", $"""
            FROM local/busybox:1
            RUN sleep 300 && echo {marker}
            """);

        var run = await DockerMatrixRunner.RunAsync(OneLeg(DockerBuilder.Classic, context) with { Timeout = TimeSpan.FromSeconds(3) }, Options());

        var leg = run.Legs.Single();
        leg.Status.ShouldBe(LegStatus.TimedOut);
        leg.Attempts.Count.ShouldBe(1);
        await Task.Delay(TimeSpan.FromSeconds(10));
        TestDocker.Output("ps", "--all", "--no-trunc", "--format", "{{.Command}}").ShouldNotContain(marker);
        leg.Remarks.ShouldNotContain(r => r.Contains("BuildKit"));
        TestDocker.ImageExists($"{_images.Repository}:one-classic").ShouldBeFalse();
    }

    [DockerFact(NeedsBuildKit = true)]
    public async Task TimedOutBuildKitBuildIsWatchedForALateTag()
    {
        var context = Context("cancelled", $"""
            FROM local/busybox:1
            RUN sleep 30 && echo {Guid.NewGuid():N}
            """);
        var matrix = OneLeg(DockerBuilder.BuildKitClient, context, new DockerBuildSettings { LateTagWatch = TimeSpan.FromSeconds(2) }) with { Timeout = TimeSpan.FromSeconds(2) };

        var run = await DockerMatrixRunner.RunAsync(matrix, Options());

        var leg = run.Legs.Single();
        var tag = $"{_images.Repository}:one-buildkit";
        leg.Status.ShouldBe(LegStatus.TimedOut);
        leg.Remarks.ShouldBe([$"a BuildKit build can keep running on the daemon after its client was terminated and still write its tags ({tag}); none appeared within 2.0 s."]);
        TestDocker.ImageExists(tag).ShouldBeFalse();
    }

    [DockerFact(NeedsBuildKit = true)]
    public async Task BuildThatOutlivesItsTerminatedClientIsReportedAndItsLateTagRemoved()
    {
        var context = Context("late", $"""
            FROM local/busybox:1
            RUN sleep 5 && echo {Guid.NewGuid():N}
            """);
        // A client whose build goes on without it, as BuildKit builds have been seen to do when their client dies:
        // the real build runs in its own session and without the runner's markers — like work the daemon does, which
        // no process of the leg's tree carries — so terminating the leg (and its escaped processes) does not stop it.
        var client = _scratch.PathOf("outlived-docker");
        File.WriteAllText(client, $"""
            #!/bin/sh
            if [ "$1" = build ]; then
              setsid env -u CAKEPARALLEL_PROCESS -u CAKEPARALLEL_RUNNER /usr/bin/docker "$@" > '{_scratch.PathOf("detached.log")}' 2>&1 < /dev/null &
              echo "#1 [internal] building on the daemon"
              wait
              exit $?
            fi
            exec /usr/bin/docker "$@"
            """);
        MakeExecutable(client);
        var matrix = OneLeg(DockerBuilder.BuildKitClient, context, new DockerBuildSettings { RemoveLateTags = true, LateTagWatch = TimeSpan.FromSeconds(20) }) with { Timeout = TimeSpan.FromSeconds(2) };
        matrix = matrix with { Build = matrix.Build with { DockerExecutable = client } };

        var run = await DockerMatrixRunner.RunAsync(matrix, Options());

        var leg = run.Legs.Single();
        var tag = $"{_images.Repository}:one-buildkit";
        leg.Status.ShouldBe(LegStatus.TimedOut);
        leg.Remarks.ShouldContain(r => r.Contains($"tagged {tag}") && r.Contains("removed the tag"), string.Join("\n", leg.Remarks));
        leg.FailureReason!.ShouldContain($"the daemon finished the build afterwards and tagged {tag} (tag removed again)");
        TestDocker.ImageExists(tag).ShouldBeFalse();
    }

    [DockerFact]
    public async Task TransientFailureIsRetriedAndThenSucceeds()
    {
        var context = Context("flaky", "FROM local/busybox:1\nRUN echo ok\n");
        var once = _scratch.PathOf("failed-once");
        var fake = _scratch.PathOf("flaky-docker");
        File.WriteAllText(fake, $"""
            #!/bin/sh
            # A docker client whose first build hits a registry hiccup.
            if [ "$1" = build ] && [ ! -e '{once}' ]; then
              : > '{once}'
              echo 'ERROR: failed to do request: Head "https://registry-1.docker.io/v2/library/busybox/manifests/1": net/http: TLS handshake timeout' >&2
              exit 1
            fi
            exec /usr/local/bin/docker "$@"
            """);
        MakeExecutable(fake);
        var matrix = OneLeg(DockerBuilder.Classic, context, new DockerBuildSettings()) with
        {
            Retry = DockerRetryPolicy.Default with { InitialDelay = TimeSpan.FromMilliseconds(100) },
        };
        matrix = matrix with { Build = matrix.Build with { DockerExecutable = fake } };

        var run = await DockerMatrixRunner.RunAsync(matrix, Options());

        var leg = run.Legs.Single();
        leg.Status.ShouldBe(LegStatus.Succeeded, leg.FailureReason);
        leg.Attempts.Count.ShouldBe(2);
        leg.Attempts[0].Decision.ShouldSatisfyAllConditions(
            d => d.WillRetry.ShouldBeTrue(),
            d => d.Reason.ShouldBe("transient: TLS handshake timeout"));
        leg.ImageId.ShouldStartWith("sha256:");
    }

    [DockerFact]
    public async Task UnreachableDaemonIsOneClearErrorBeforeAnyLegStarts()
    {
        var context = Context("nodaemon", "FROM local/busybox:1\n");
        var socket = _scratch.PathOf("dead.sock");
        var matrix = new DockerMatrix
        {
            Matrix = new MatrixDefinition { Axes = [new MatrixAxis("n", ["1", "2"])] },
            Build = new DockerBuildSettings { Context = context, DockerHost = "unix://" + socket },
        };

        var error = await Should.ThrowAsync<InvalidRunException>(() => DockerMatrixRunner.RunAsync(matrix, Options()));

        var daemon = error.Errors.ShouldHaveSingleItem();
        daemon.Code.ShouldBe(ErrorCodes.DockerDaemonNotReachable);
        daemon.Leg.ShouldBe("1 (and 1 more legs)");
        daemon.Message.ShouldStartWith($"Docker daemon not reachable at unix://{socket} (set by build.dockerHost): docker said: ");
        daemon.Message.ShouldContain("Cannot connect to the Docker daemon");
        Directory.Exists(_scratch.PathOf("logs")).ShouldBeFalse();
    }

    [DockerFact]
    public async Task InputProblemsAndAnUnreachableDaemonAreReportedTogether()
    {
        var context = Context("together", "FROM local/busybox:1\n");
        var matrix = new DockerMatrix
        {
            Matrix = new MatrixDefinition { Axes = [new MatrixAxis("n", ["1", "2"])] },
            Build = new DockerBuildSettings { Context = context, Tags = ["app;rm -rf /:{n}"], DockerHost = "unix://" + _scratch.PathOf("dead.sock") },
        };

        var error = await Should.ThrowAsync<InvalidRunException>(() => DockerMatrixRunner.RunAsync(matrix, Options() with { Timeout = TimeSpan.Zero }));

        error.Errors.Select(e => $"{e.Code} {e.Leg} {e.Field}").ShouldBe(
        [
            "CPAR0206 1 build.tags[0]",
            "CPAR0206 2 build.tags[0]",
            "CPAR0003  Timeout",
        ]);
        Directory.Exists(_scratch.PathOf("logs")).ShouldBeFalse();

        var valid = matrix with { Build = matrix.Build with { Tags = [] } };
        error = await Should.ThrowAsync<InvalidRunException>(() => DockerMatrixRunner.RunAsync(valid, Options() with { Timeout = TimeSpan.Zero }));

        error.Errors.Select(e => $"{e.Code} {e.Leg} {e.Field}").ShouldBe(
        [
            "CPAR0003  Timeout",
            "CPAR0210 1 (and 1 more legs) build.dockerHost",
        ]);
    }

    [DockerFact(NeedsBuildKit = true)]
    public async Task SecretValuesNeverShowInOutputOrLogs()
    {
        const string secret = "hunter2-very-secret";
        var context = Context("secret", """
            FROM local/busybox:1
            RUN --mount=type=secret,id=token echo "token is $(cat /run/secrets/token)"
            """);
        var seen = new List<string>();
        var options = Options() with { Listener = new LineRecorder(seen) };
        var matrix = OneLeg(DockerBuilder.BuildKitClient, context, new DockerBuildSettings { NoCache = true, Secrets = [DockerSecret.FromValue("token", secret)] });

        var run = await DockerMatrixRunner.RunAsync(matrix, options);

        var leg = run.Legs.Single();
        leg.Status.ShouldBe(LegStatus.Succeeded, leg.FailureReason);
        seen.ShouldContain(l => l.Contains("token is ***"));
        seen.ShouldNotContain(l => l.Contains(secret));
        File.ReadAllText(leg.LogFile!).ShouldNotContain(secret);
    }

    private static void MakeExecutable(string path)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private sealed class LineRecorder(List<string> lines) : IRunListener
    {
        public void OutputLine(LegSpec leg, OutputLine line) => lines.Add(line.Text);
    }
}
