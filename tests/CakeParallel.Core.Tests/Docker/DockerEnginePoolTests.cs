using CakeParallel.Docker;
using CakeParallel.Matrix;
using CakeParallel.Model;
using CakeParallel.Runs;

namespace CakeParallel.Tests.Docker;

/// <summary>Three real extra dockerds, started once for the pool tests and stopped afterwards.</summary>
public sealed class ThreeEngines : IDisposable
{
    public ThreeEngines()
    {
        if (DockerAvailability.DaemonUnreachable is null)
        {
            Engines = [ExtraDockerEngine.Start(), ExtraDockerEngine.Start(), ExtraDockerEngine.Start()];
        }
    }

    public IReadOnlyList<ExtraDockerEngine> Engines { get; } = [];

    public void Dispose()
    {
        foreach (var engine in Engines)
        {
            engine.Dispose();
        }
    }
}

/// <summary>A docker matrix over a pool of real engines: per-engine limits, routing, engines that are down, push.</summary>
public sealed class DockerEnginePoolTests(ThreeEngines pool) : IClassFixture<ThreeEngines>, IDisposable
{
    private readonly Scratch _scratch = new();
    private readonly string _repository = "cpar-pool-" + Guid.NewGuid().ToString("N")[..8];

    public void Dispose() => _scratch.Dispose();

    private string Context(string dockerfile)
    {
        var directory = _scratch.PathOf("app");
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "Dockerfile"), dockerfile);
        return directory;
    }

    private DockerMatrix Matrix(int legs, string dockerfile, IReadOnlyList<DockerEngineEndpoint> endpoints, string? platform = null) => new()
    {
        Matrix = new MatrixDefinition { Axes = [new MatrixAxis("n", Enumerable.Range(1, legs).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray())] },
        Build = new DockerBuildSettings
        {
            Context = Context(dockerfile),
            Tags = [$"{_repository}:{{n}}"],
            Endpoints = endpoints,
            Platform = platform,
            NoCache = true,
        },
        Retries = 0,
    };

    private static DockerEngineEndpoint Endpoint(ExtraDockerEngine engine, string name, int maxParallel, params string[] platforms) =>
        new() { Host = engine.Host, Name = name, MaxParallel = maxParallel, Platforms = platforms };

    private static DockerEngineEndpoint Missing(string name) =>
        new() { Host = "unix:///tmp/cpar-no-such-engine-" + Guid.NewGuid().ToString("N")[..8] + ".sock", Name = name, MaxParallel = 2 };

    [DockerFact]
    public async Task TwelveLegsOverThreeEnginesStayWithinEachEnginesLimit()
    {
        var (a, b, c) = (pool.Engines[0], pool.Engines[1], pool.Engines[2]);
        var matrix = Matrix(12, "FROM local/busybox:1\nARG n\nRUN sleep 2 && echo $n > /n\n", [Endpoint(a, "a", 1), Endpoint(b, "b", 2), Endpoint(c, "c", 2)]);

        var planning = await RunPlanner.PlanAsync(matrix, _scratch.Options());
        var plan = planning.GetPlanOrThrow();
        plan.Options.MaxParallel.ShouldBe(5, "without an explicit overall limit the engines' limits add up");
        planning.Warnings.ShouldBeEmpty();
        var run = await ParallelRunner.RunAsync(plan);

        run.Legs.Count.ShouldBe(12);
        run.Legs.Select(l => l.Name).Distinct().Count().ShouldBe(12);
        foreach (var leg in run.Legs)
        {
            leg.Status.ShouldBe(LegStatus.Succeeded, leg.FailureReason);
            leg.Endpoint.ShouldBeOneOf("a", "b", "c");
            leg.Attempts.ShouldHaveSingleItem().Endpoint.ShouldBe(leg.Endpoint);
            var engine = pool.Engines["abc".IndexOf(leg.Endpoint![0], StringComparison.Ordinal)];
            engine.Docker("image", "inspect", "--format", "{{.Id}}", leg.Tags[0]).StandardOutput.Trim().ShouldBe(leg.ImageId, $"{leg.Name} was built on engine {leg.Endpoint}");
        }

        var limits = new Dictionary<string, int> { ["a"] = 1, ["b"] = 2, ["c"] = 2 };
        foreach (var (name, limit) in limits)
        {
            var attempts = run.Legs.SelectMany(l => l.Attempts).Where(at => at.Endpoint == name).ToArray();
            attempts.ShouldNotBeEmpty($"engine {name} built something");
            MostAtOnce(attempts).ShouldBeLessThanOrEqualTo(limit, $"engine {name} ran at most {limit} at once");
        }

        MostAtOnce(run.Legs.SelectMany(l => l.Attempts).ToArray()).ShouldBeGreaterThan(1, "the engines built in parallel");
        run.Settings.ShouldNotBeNull().Endpoints.Select(e => (e.Name, e.MaxParallel)).ShouldBe([("a", 1), ("b", 2), ("c", 2)]);
    }

    [DockerFact]
    public async Task AnExplicitOverallLimitStillCapsThePool()
    {
        var matrix = Matrix(2, "FROM local/busybox:1\nARG n\nRUN echo $n > /n\n", [Endpoint(pool.Engines[0], "a", 4), Endpoint(pool.Engines[1], "b", 4)]) with { MaxParallel = 3 };

        var plan = (await RunPlanner.PlanAsync(matrix, _scratch.Options())).GetPlanOrThrow();

        plan.Options.MaxParallel.ShouldBe(3);
        plan.EndpointNames.ShouldBe(["a", "b"]);
    }

    [DockerFact]
    public async Task AnEngineDownFromTheStartIsAWarningAndTheOthersBuildEverything()
    {
        var matrix = Matrix(3, "FROM local/busybox:1\nARG n\nRUN echo $n > /n\n", [Missing("gone"), Endpoint(pool.Engines[0], "a", 2)]);

        var reports = new ReportOptions { ReportFile = _scratch.PathOf("run.json"), MarkdownFile = _scratch.PathOf("run.md"), CiAnnotations = CiAnnotationMode.Off };
        var planning = await RunPlanner.PlanAsync(matrix, _scratch.Options() with { Reports = reports });

        var warning = planning.Warnings.ShouldHaveSingleItem();
        warning.Code.ShouldBe(ErrorCodes.DockerEngineLeftOut);
        warning.Message.ShouldContain("'gone'");
        var plan = planning.GetPlanOrThrow();
        plan.Options.MaxParallel.ShouldBe(2, "only the engines that answered count");
        var run = await ParallelRunner.RunAsync(plan);
        run.Legs.ShouldAllBe(l => l.Status == LegStatus.Succeeded && l.Endpoint == "a");

        // The reports say so too: a run that lost an engine before it started does not look like a normal one.
        run.Warnings.ShouldBe([warning]);
        CakeParallel.Reports.JsonRunReport.Read(reports.ReportFile).Warnings.ShouldBe([warning]);
        (await File.ReadAllTextAsync(reports.MarkdownFile)).ShouldContain(ErrorCodes.DockerEngineLeftOut);
        CakeParallel.Reports.CiAnnotations.Lines(run, CiAnnotationMode.GitHubActions).ShouldContain(l => l.StartsWith("::warning", StringComparison.Ordinal) && l.Contains(ErrorCodes.DockerEngineLeftOut, StringComparison.Ordinal));
    }

    [DockerFact]
    public async Task EveryEngineDownIsOneClearErrorAndNothingStarts()
    {
        var matrix = Matrix(3, "FROM local/busybox:1\nRUN true\n", [Missing("one"), Missing("two")]);

        var planning = await RunPlanner.PlanAsync(matrix, _scratch.Options());

        planning.Plan.ShouldBeNull();
        var error = planning.Errors.ShouldHaveSingleItem();
        error.Code.ShouldBe(ErrorCodes.NoDockerEngineReachable);
        error.Message.ShouldContain("'one'");
        error.Message.ShouldContain("'two'");
        Directory.Exists(_scratch.PathOf("logs")).ShouldBeFalse("nothing started");
    }

    [DockerFact]
    public async Task LegsGoOnlyToEnginesThatBuildTheirPlatform()
    {
        var (a, b, c) = (pool.Engines[0], pool.Engines[1], pool.Engines[2]);
        var matrix = Matrix(
            6,
            "FROM local/busybox:1\nARG n\nRUN sleep 1 && echo $n > /n\n",
            [Endpoint(a, "amd", 2, "linux/amd64"), Endpoint(b, "lab-only", 4, "lab/made-up"), Endpoint(c, "any", 1)],
            platform: "linux/amd64");

        var run = await DockerMatrixRunner.RunAsync(matrix, _scratch.Options());

        run.Legs.ShouldAllBe(l => l.Status == LegStatus.Succeeded);
        run.Legs.ShouldAllBe(l => l.Endpoint == "amd" || l.Endpoint == "any");
        run.Legs.ShouldContain(l => l.Endpoint == "amd");
    }

    [DockerFact]
    public async Task ALegWhosePlatformNoEngineBuildsIsAnInputErrorNamingTheLeg()
    {
        var matrix = Matrix(1, "FROM local/busybox:1\nRUN true\n", [Endpoint(pool.Engines[0], "amd", 2, "linux/amd64")], platform: "linux/s390x");

        var planning = await RunPlanner.PlanAsync(matrix, _scratch.Options());

        var error = planning.Errors.ShouldHaveSingleItem();
        error.Code.ShouldBe(ErrorCodes.NoDockerEngineForPlatform);
        error.Leg.ShouldBe("1");
        error.Message.ShouldContain("linux/s390x");
    }

    [DockerFact]
    public async Task PushRecordsTheRegistrysDigestOfEveryTag()
    {
        using var registry = LocalRegistry.Start();
        var name = "cpar-push-" + Guid.NewGuid().ToString("N")[..8];

        // The base layer is in the repository before the legs push: two engines uploading the same new blob at once
        // can make distribution 2.x answer one of them with an error (a race of the registry's, not of the runner's).
        var seed = $"{registry.Address}/{name}:base";
        pool.Engines[0].Docker("tag", "local/busybox:1", seed).ExitCode.ShouldBe(0);
        pool.Engines[0].Docker("push", seed).ExitCode.ShouldBe(0);
        var matrix = Matrix(4, "FROM local/busybox:1\nARG n\nRUN echo $n > /n\n", [Endpoint(pool.Engines[0], "a", 2), Endpoint(pool.Engines[1], "b", 2)]);
        matrix = matrix with { Build = matrix.Build with { Tags = [$"{registry.Address}/{name}:{{n}}", $"{registry.Address}/{name}:v{{n}}"], Push = true } };

        var run = await DockerMatrixRunner.RunAsync(matrix, _scratch.Options());

        foreach (var leg in run.Legs)
        {
            leg.Status.ShouldBe(LegStatus.Succeeded, leg.FailureReason);
            leg.PushedDigests.Count.ShouldBe(2);
            foreach (var tag in leg.Tags)
            {
                var digest = registry.Digest(name, tag[(tag.LastIndexOf(':') + 1)..]);
                digest.ShouldNotBeNull();
                leg.PushedDigests[tag].ShouldBe(digest);
            }
        }

        run.Legs.Select(l => l.Endpoint).Distinct().Count().ShouldBe(2, "both engines built and pushed");
    }

    [DockerFact]
    public async Task APushToARegistryThatIsDownFailsTheLegWithItsReason()
    {
        using var registry = LocalRegistry.Start();
        registry.Stop();
        var matrix = Matrix(1, "FROM local/busybox:1\nRUN true\n", [Endpoint(pool.Engines[0], "a", 1)]);
        matrix = matrix with { Build = matrix.Build with { Tags = [$"{registry.Address}/cpar-down:1"], Push = true } };

        var run = await DockerMatrixRunner.RunAsync(matrix, _scratch.Options());

        var leg = run.Legs.ShouldHaveSingleItem();
        leg.Status.ShouldBe(LegStatus.Failed);
        var reason = leg.FailureReason.ShouldNotBeNull();
        reason.ShouldStartWith("docker push failed");
        reason.ShouldContain("connection refused");
        leg.ImageId.ShouldNotBeNull("the build itself succeeded");
        leg.PushedDigests.ShouldBeEmpty();
    }

    /// <summary>The most attempts that overlapped in time, from their start times and durations.</summary>
    internal static int MostAtOnce(IReadOnlyList<AttemptRecord> attempts)
    {
        var events = attempts.SelectMany(a => new[] { (At: a.StartedAt, Delta: 1), (At: a.StartedAt + a.Duration, Delta: -1) })
            .OrderBy(e => e.At).ThenBy(e => e.Delta);
        int running = 0, most = 0;
        foreach (var (_, delta) in events)
        {
            running += delta;
            most = Math.Max(most, running);
        }

        return most;
    }
}

/// <summary>An engine killed (SIGKILL to its dockerd) while legs build there: its attempts fail over to the other engine.</summary>
public sealed class DockerEngineFailoverTests : IDisposable
{
    private readonly Scratch _scratch = new();
    private readonly DoomedAndSurvivorEngines _engines = new();

    public void Dispose()
    {
        _engines.Dispose();
        _scratch.Dispose();
    }

    [DockerFact]
    public async Task LegsOnAKilledEngineSucceedOnTheOtherAndTheReportsSayWhichAttemptDiedWhere()
    {
        var context = _scratch.PathOf("app");
        Directory.CreateDirectory(context);
        File.WriteAllText(Path.Combine(context, "Dockerfile"), "FROM local/busybox:1\nARG n\nRUN sleep 8 && echo $n > /n\n");
        var reports = _scratch.PathOf("reports");
        var matrix = new DockerMatrix
        {
            Matrix = new MatrixDefinition { Axes = [new MatrixAxis("n", ["1", "2", "3", "4"])] },
            Build = new DockerBuildSettings
            {
                Context = context,
                Tags = ["cpar-failover:{n}"],
                NoCache = true,
                Endpoints =
                [
                    new DockerEngineEndpoint { Host = _engines.Doomed.Host, Name = "doomed", MaxParallel = 2 },
                    new DockerEngineEndpoint { Host = _engines.Survivor.Host, Name = "survivor", MaxParallel = 2 },
                ],
            },
            Retries = 0,
        };
        var options = _scratch.Options() with
        {
            Reports = new ReportOptions { ReportFile = Path.Combine(reports, "run.json"), MarkdownFile = Path.Combine(reports, "run.md"), HtmlFile = Path.Combine(reports, "run.html"), CiAnnotations = CiAnnotationMode.Off },
        };

        var running = DockerMatrixRunner.RunAsync(matrix, options);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (_engines.Doomed.Docker("ps", "--quiet").StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length < 2)
        {
            DateTime.UtcNow.ShouldBeLessThan(deadline, "two builds run on the doomed engine");
            await Task.Delay(200);
        }

        _engines.Doomed.Kill();
        var run = await running.WaitAsync(TimeSpan.FromMinutes(3));

        run.Legs.Count.ShouldBe(4);
        run.Legs.Select(l => l.Name).Distinct().Count().ShouldBe(4, "no leg is reported twice");
        foreach (var leg in run.Legs)
        {
            leg.Status.ShouldBe(LegStatus.Succeeded, leg.FailureReason);
            leg.Endpoint.ShouldBe("survivor");
            leg.Attempts.Count(a => a.Outcome == AttemptOutcome.Succeeded).ShouldBe(1, "no succeeded attempt runs again");
        }

        var lost = run.Legs.Where(l => l.Attempts.Any(a => a.EndpointLost)).ToArray();
        lost.Length.ShouldBe(2, "the two legs building on the killed engine lost their attempt there");
        foreach (var leg in lost)
        {
            leg.Attempts.Count.ShouldBe(2, "with retries 0, the lost attempt did not count toward the limit");
            var first = leg.Attempts[0];
            first.Endpoint.ShouldBe("doomed");
            first.EndpointLost.ShouldBeTrue();
            first.Decision.WillRetry.ShouldBeTrue();
            first.Decision.Reason.ShouldContain("engine 'doomed' stopped answering");
            leg.Attempts[1].Endpoint.ShouldBe("survivor");
        }

        var json = await File.ReadAllTextAsync(Path.Combine(reports, "run.json"));
        json.ShouldContain("\"endpointLost\": true");
        json.ShouldContain("\"endpoint\": \"doomed\"");
        var markdown = await File.ReadAllTextAsync(Path.Combine(reports, "run.md"));
        markdown.ShouldContain("survivor (lost on doomed)");
        var html = await File.ReadAllTextAsync(Path.Combine(reports, "run.html"));
        html.ShouldContain("doomed slot 2");
        html.ShouldContain("survivor slot 2");
        var reread = CakeParallel.Reports.JsonRunReport.Read(Path.Combine(reports, "run.json"));
        reread.Legs.SelectMany(l => l.Attempts).Count(a => a.EndpointLost).ShouldBe(2);
    }

    [DockerFact]
    public async Task WhenEveryEngineIsDownMidRunEachLegThatCouldNotRunSaysWhy()
    {
        var context = _scratch.PathOf("app");
        Directory.CreateDirectory(context);
        File.WriteAllText(Path.Combine(context, "Dockerfile"), "FROM local/busybox:1\nARG n\nRUN sleep 8 && echo $n > /n\n");
        var matrix = new DockerMatrix
        {
            Matrix = new MatrixDefinition { Axes = [new MatrixAxis("n", ["1", "2"])] },
            Build = new DockerBuildSettings
            {
                Context = context,
                NoCache = true,
                Endpoints = [new DockerEngineEndpoint { Host = _engines.Doomed.Host, Name = "only", MaxParallel = 1 }],
            },
        };

        var running = DockerMatrixRunner.RunAsync(matrix, _scratch.Options());
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (_engines.Doomed.Docker("ps", "--quiet").StandardOutput.Trim().Length == 0)
        {
            DateTime.UtcNow.ShouldBeLessThan(deadline, "a build runs on the engine");
            await Task.Delay(200);
        }

        _engines.Doomed.Kill();
        var run = await running.WaitAsync(TimeSpan.FromMinutes(2));

        var (started, waiting) = (run.Legs[0], run.Legs[1]);
        started.Status.ShouldBe(LegStatus.Failed);
        started.Attempts.ShouldHaveSingleItem().EndpointLost.ShouldBeTrue();
        started.FailureReason.ShouldNotBeNull().ShouldContain("no retry possible: every engine is down: engine 'only' stopped answering");
        waiting.Status.ShouldBe(LegStatus.NotStarted);
        waiting.FailureReason.ShouldNotBeNull().ShouldStartWith("Not started: every engine is down: engine 'only' stopped answering");
    }
}
