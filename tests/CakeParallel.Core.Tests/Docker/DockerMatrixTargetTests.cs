using CakeParallel.Docker;
using CakeParallel.Matrix;
using CakeParallel.Model;

namespace CakeParallel.Tests.Docker;

/// <summary>Matrix files with several named matrices (<c>targets</c>) and needs between them: reading and planning.</summary>
public sealed class DockerMatrixTargetTests : IDisposable
{
    private readonly Scratch _scratch = new();

    public DockerMatrixTargetTests()
    {
        foreach (var context in new[] { "base", "app" })
        {
            Directory.CreateDirectory(_scratch.PathOf(context));
            File.WriteAllText(Path.Combine(_scratch.PathOf(context), "Dockerfile"), "FROM scratch\n");
        }
    }

    public void Dispose() => _scratch.Dispose();

    private DockerMatrix Parse(string json) => DockerMatrixFile.Parse(json, _scratch.Directory);

    private IReadOnlyList<ValidationError> PlanErrors(string json) =>
        Should.Throw<InvalidRunException>(() => DockerMatrixPlanner.Plan(Parse(json), _scratch.Directory)).Errors;

    private IReadOnlyList<ValidationError> ReadErrors(string json) => Should.Throw<InvalidRunException>(() => Parse(json)).Errors;

    private const string BaseAndApp = """
        {
          "build": { "maxParallel": 3, "timeout": "10m", "memory": "1GiB" },
          "targets": {
            "base": {
              "matrix": { "os": ["alpine", "debian"] },
              "build": { "context": "base", "tags": ["base:{os}", "base:{os}-extra"] }
            },
            "app": {
              "needs": "base",
              "matrix": { "os": ["alpine", "debian"], "node": [20, 22] },
              "build": {
                "context": "app",
                "tags": ["app:{node}-{os}"],
                "buildArgs": { "BASE": "{base.tag}", "BASE_ID": "{base.image}" },
                "labels": { "built.from": "{base.image} ({base.tag})" }
              }
            }
          }
        }
        """;

    [Fact]
    public void FileWithTargetsReadsEachTargetAndTheWholeFileSettings()
    {
        var matrix = Parse(BaseAndApp);

        matrix.Targets.Select(t => t.Name).ShouldBe(["base", "app"]);
        matrix.Targets[1].Needs.ShouldBe(["base"]);
        matrix.Targets[1].Matrix.Axes.Select(a => a.Name).ShouldBe(["os", "node"]);
        matrix.Targets[1].Build.Tags.ShouldBe(["app:{node}-{os}"]);
        matrix.Targets[0].Build.Context.ShouldBe("base");
        matrix.MaxParallel.ShouldBe(3);
        matrix.Timeout.ShouldBe(TimeSpan.FromMinutes(10));
        matrix.Matrix.Axes.ShouldBeEmpty();
    }

    [Fact]
    public void EachLegNeedsTheLegsOfTheNeededTargetWithItsSharedAxisValues()
    {
        var legs = DockerMatrixPlanner.Plan(Parse(BaseAndApp), _scratch.Directory);

        legs.Select(l => l.Name).ShouldBe(["base-alpine", "base-debian", "app-alpine-20", "app-alpine-22", "app-debian-20", "app-debian-22"]);
        var byName = legs.ToDictionary(l => l.Name);
        byName["base-alpine"].Needs.ShouldBeEmpty();
        byName["base-alpine"].BindNeeds.ShouldBeNull();
        byName["app-alpine-22"].Needs.ShouldBe([byName["base-alpine"].Id]);
        byName["app-debian-20"].Needs.ShouldBe([byName["base-debian"].Id]);
        byName["app-debian-20"].Memory.ShouldBe(1024L * 1024 * 1024);

        // {base.tag} is the needed leg's first tag, known when planning; {base.image} is bound when the leg starts.
        var app = byName["app-debian-20"];
        app.Arguments.ShouldContain("BASE=base:debian");
        app.Arguments.ShouldContain("BASE_ID={base.image}");
        var bound = app.BindNeeds.ShouldNotBeNull()([new LegResult { Name = "base-debian", Id = byName["base-debian"].Id, Status = LegStatus.Succeeded, ImageId = "sha256:0123abcd", Tags = ["base:debian"] }]);
        bound.Arguments.ShouldContain("BASE_ID=sha256:0123abcd");
        bound.Arguments.ShouldContain("built.from=sha256:0123abcd (base:debian)");
        bound.Arguments.ShouldContain("BASE=base:debian");
        bound.Arguments.Count.ShouldBe(app.Arguments.Count);
        bound.Needs.ShouldBe(app.Needs);
        bound.Id.ShouldBe(app.Id);
        bound.Name.ShouldBe(app.Name);
    }

    [Fact]
    public void LegIdsIncludeTheTargetAndStayTheSameAcrossRunsAndEdits()
    {
        var legs = DockerMatrixPlanner.Plan(Parse(BaseAndApp), _scratch.Directory);
        var again = DockerMatrixPlanner.Plan(Parse(BaseAndApp.Replace("[20, 22]", "[18, 20, 22]", StringComparison.Ordinal)), _scratch.Directory);

        var ids = legs.ToDictionary(l => l.Name, l => l.Id);
        again.Where(l => ids.ContainsKey(l.Name)).ShouldAllBe(l => l.Id == ids[l.Name]);
        ids.Values.Distinct().Count().ShouldBe(legs.Count);

        // The same parameters in two targets are two legs.
        var same = Parse("""
            { "targets": {
                "one": { "matrix": { "os": ["alpine"] }, "build": { "context": "base" } },
                "two": { "matrix": { "os": ["alpine"] }, "build": { "context": "base" } } } }
            """);
        var twins = DockerMatrixPlanner.Plan(same, _scratch.Directory);
        twins.Select(l => l.Name).ShouldBe(["one-alpine", "two-alpine"]);
        twins[0].Id.ShouldNotBe(twins[1].Id);
        twins[0].Id.ShouldNotBe(LegId.FromParameters(twins[0].Parameters));
        twins[0].Arguments.ShouldContain("cakeparallel.leg=" + twins[0].Id);
    }

    [Fact]
    public void TargetWithoutSharedAxesNeedsEveryLegOfTheOtherAndCannotNameOneOfThem()
    {
        const string json = """
            { "targets": {
                "tools": { "matrix": { "tool": ["lint", "fmt"] }, "build": { "context": "base", "tags": ["tools:{tool}"] } },
                "app": { "needs": ["tools"], "matrix": { "os": ["alpine"] }, "build": { "context": "app", "legName": "{os}-x" } } } }
            """;
        var legs = DockerMatrixPlanner.Plan(Parse(json), _scratch.Directory);

        legs.Select(l => l.Name).ShouldBe(["tools-lint", "tools-fmt", "app-alpine-x"]);
        legs[2].Needs.ShouldBe([legs[0].Id, legs[1].Id]);

        var error = PlanErrors(json.Replace("\"legName\": \"{os}-x\"", "\"tags\": [\"app:{tools.tag}\"]", StringComparison.Ordinal)).Single();
        error.Code.ShouldBe(ErrorCodes.PlaceholderUnknown);
        error.Leg.ShouldBe("app-alpine");
        error.Field.ShouldBe("targets.app.build.tags[0]");
        error.Message.ShouldBe("this leg needs 2 legs of target 'tools' ('tools-lint', 'tools-fmt'), so {tools.tag} names none of them; give both targets an axis they share so each leg needs one.");
    }

    [Fact]
    public void SharedAxesCompareObjectValuesByTheirPathsAndAxisNamesIgnoringCase()
    {
        var legs = DockerMatrixPlanner.Plan(Parse("""
            { "targets": {
                "base": { "matrix": { "OS": ["alpine"], "node": [{ "version": 20 }, { "version": 22 }] }, "build": { "context": "base", "tags": ["base:{OS}-{node.version}"] } },
                "app": { "needs": "base", "matrix": { "os": ["alpine"], "node": [{ "version": 22 }], "flavour": ["slim"] },
                         "build": { "context": "app", "buildArgs": { "FROM_IMAGE": "{base.tag}" } } } } }
            """), _scratch.Directory);

        var app = legs.Single(l => l.Name.StartsWith("app-", StringComparison.Ordinal));
        app.Needs.ShouldBe([legs.Single(l => l.Name == "base-alpine-22").Id]);
        app.Arguments.ShouldContain("FROM_IMAGE=base:alpine-22");
    }

    [Fact]
    public void TargetsNeedingInAChainAreBoundInTheirNeedsOrder()
    {
        var legs = DockerMatrixPlanner.Plan(Parse("""
            { "targets": {
                "app": { "needs": ["base", "tools"], "matrix": { "os": ["alpine"] },
                         "build": { "context": "app", "labels": { "from": "{base.image}+{tools.image}" } } },
                "tools": { "needs": "base", "matrix": { "os": ["alpine"] }, "build": { "context": "base", "tags": ["tools:{os}"] } },
                "base": { "matrix": { "os": ["alpine"] }, "build": { "context": "base", "tags": ["base:{os}"] } } } }
            """), _scratch.Directory);

        // Reported in the file's order; planned (and needed) in the needs' order.
        legs.Select(l => l.Name).ShouldBe(["app-alpine", "tools-alpine", "base-alpine"]);
        legs[1].Needs.ShouldBe([legs[2].Id]);
        legs[0].Needs.ShouldBe([legs[2].Id, legs[1].Id]);
        LegResult Of(string image) => new() { Name = "x", Id = "x", Status = LegStatus.Succeeded, ImageId = image };
        legs[0].BindNeeds!([Of("sha256:b"), Of("sha256:t")]).Arguments.ShouldContain("from=sha256:b+sha256:t");
    }

    [Fact]
    public void AFileWithoutTargetsKeepsTodaysShapeAndNeedsNothing()
    {
        var legs = DockerMatrixPlanner.Plan(Parse("""{ "matrix": { "os": ["alpine"] }, "build": { "context": "base" } }"""), _scratch.Directory);

        legs.Single().Name.ShouldBe("alpine");
        legs.Single().Id.ShouldBe(LegId.FromParameters(new Dictionary<string, string> { ["os"] = "alpine" }));
        legs.Single().Needs.ShouldBeEmpty();
        legs.Single().BindNeeds.ShouldBeNull();
    }

    [Fact]
    public void ShapeErrorsOfTargetsAreReportedWithTheirJsonPaths()
    {
        ReadErrors("""{ "matrix": { "os": ["a"] }, "targets": { "base": { "matrix": { "os": ["a"] } } } }""")
            .Single().ShouldBe(new ValidationError(ErrorCodes.TargetsWithMatrix, null, "$.matrix", "a file with 'targets' has no top-level 'matrix': each target has its own; move this matrix into a target."));

        var errors = ReadErrors("""
            {
              "build": { "tags": ["x"], "maxParallel": 2, "endpoints": [{ "host": "unix:///x.sock" }] },
              "targets": {
                "base": { "need": ["x"], "build": { "maxParallel": 2, "endpoints": [] } },
                "app": []
              }
            }
            """);
        errors.Select(e => $"{e.Code} {e.Field}").ShouldBe(
        [
            "CPAR0303 $.build.tags",
            "CPAR0303 $.targets.base.need",
            "CPAR0303 $.targets.base.build.maxParallel",
            "CPAR0303 $.targets.base.build.endpoints",
            "CPAR0306 $.targets.base.matrix",
            "CPAR0304 $.targets.app",
        ]);
        errors[0].Message.ShouldBe("'tags' is a build setting: with 'targets' it belongs in each target's 'build' (the top-level 'build' holds the run settings, 'endpoints' and 'publish').");
        errors[1].Message.ShouldStartWith("unknown key; did you mean 'needs'?");
        errors[2].Message.ShouldBe("'maxParallel' applies to the whole file, not to one target; set it in the top-level 'build'.");

        ReadErrors("""{ "targets": {} }""").Single().Code.ShouldBe(ErrorCodes.MatrixFileValueInvalid);
        ReadErrors("""{ "targets": [] }""").Single().Field.ShouldBe("$.targets");
    }

    [Fact]
    public void UnknownNeedIsAnErrorNamingTheTargetsWithASuggestion()
    {
        var error = PlanErrors("""
            { "targets": {
                "base": { "matrix": { "os": ["a"] }, "build": { "context": "base" } },
                "app": { "needs": ["bsae"], "matrix": { "os": ["a"] }, "build": { "context": "app" } } } }
            """).Single();

        error.ShouldBe(new ValidationError(ErrorCodes.TargetNeedUnknown, null, "targets.app.needs[0]", "target 'app' needs 'bsae', which is no target (did you mean 'base'?); the targets are 'base', 'app'."));
    }

    [Fact]
    public void CycleIsAnErrorNamingIt()
    {
        var errors = PlanErrors("""
            { "targets": {
                "base": { "needs": "app", "matrix": { "os": ["a"] }, "build": { "context": "base" } },
                "app": { "needs": "base", "matrix": { "os": ["a"] }, "build": { "context": "app" } },
                "self": { "needs": "self", "matrix": { "os": ["a"] }, "build": { "context": "app" } } } }
            """);

        errors.Select(e => e.Code).ShouldAllBe(c => c == ErrorCodes.TargetNeedCycle);
        errors.Select(e => e.Field).ShouldBe(["targets.app.needs", "targets.self.needs"]);
        errors[0].Message.ShouldBe("the targets need each other in a cycle: base -> app -> base (each needs the next); no leg of them could ever start.");
        errors[1].Message.ShouldContain("self -> self");
    }

    [Fact]
    public void NeedMatchingNoLegIsAnErrorNamingTheLegAndItsAxisValues()
    {
        var error = PlanErrors("""
            { "targets": {
                "base": { "matrix": { "os": ["alpine", "debian"] }, "build": { "context": "base" } },
                "app": { "needs": "base", "matrix": { "os": ["alpine", "windows"], "node": [20] }, "build": { "context": "app" } } } }
            """).Single();

        error.ShouldBe(new ValidationError(ErrorCodes.TargetNeedUnmatched, "app-windows-20", "targets.app.needs", "needs target 'base', but no leg of 'base' has os=windows; its legs have os=alpine; os=debian."));
    }

    [Fact]
    public void BadTargetNamesAndAxesNamedLikeANeededTargetAreErrors()
    {
        var errors = PlanErrors("""
            { "targets": {
                "my.base": { "matrix": { "os": ["a"] }, "build": { "context": "base" } },
                "base": { "matrix": { "os": ["a"] }, "build": { "context": "base" } },
                "app": { "needs": "base", "matrix": { "os": ["a"], "base": [{ "image": "x" }] }, "build": { "context": "app" } } } }
            """);

        errors.Select(e => $"{e.Code} {e.Field}").ShouldBe(["CPAR0311 targets.my.base", "CPAR0311 targets.app.needs"]);
        errors[0].Message.ShouldBe("target name 'my.base' must be letters, digits, '-' and '_' (it starts leg names and placeholders such as {my.base.tag}).");
        errors[1].Message.ShouldBe("target 'app' needs target 'base', but its legs also have a parameter 'base.image', which would make {base.tag} and {base.image} ambiguous; rename the axis or the target.");

        var code = new DockerMatrix
        {
            Matrix = new MatrixDefinition { Axes = [new MatrixAxis("os", ["a"])] },
            Targets = [new DockerMatrixTarget { Name = "", Matrix = new MatrixDefinition { Axes = [new MatrixAxis("os", ["a"])] } }],
        };
        Should.Throw<InvalidRunException>(() => DockerMatrixPlanner.Plan(code, _scratch.Directory)).Errors.Select(e => e.Code)
            .ShouldBe([ErrorCodes.TargetsWithMatrix, ErrorCodes.TargetNameInvalid]);
    }

    [Fact]
    public void NeededOutputsAreCheckedWhereTheyAreUsed()
    {
        var errors = PlanErrors("""
            { "targets": {
                "base": { "matrix": { "os": ["a"] }, "build": { "context": "base" } },
                "app": { "needs": "base", "matrix": { "os": ["a"] },
                         "build": { "context": "app", "tags": ["app:{base.image}"], "buildArgs": { "B": "{base.tag}", "C": "{bsae.tag}" } } } } }
            """);

        errors.Select(e => $"{e.Code} {e.Leg} {e.Field}").ShouldBe(
        [
            "CPAR0203 app-a targets.app.build.tags[0]",
            "CPAR0203 app-a targets.app.build.buildArgs.B",
            "CPAR0203 app-a targets.app.build.buildArgs.C",
        ]);
        errors[0].Message.ShouldBe("{base.image} is the image id of the needed leg, known only when this leg starts: use it in buildArgs, labels or extraArguments, or use {base.tag} here.");
        errors[1].Message.ShouldBe("{base.tag} is the first tag of leg 'base-a', which writes no tag; give target 'base' a tag.");
        errors[2].Message.ShouldBe("unknown placeholder {bsae.tag}; known: {os}, {base.image}.");
    }

    [Fact]
    public void TagsLegNamesAndTheLegCapSpanEveryTarget()
    {
        var errors = PlanErrors("""
            { "build": { "maxLegs": 3 },
              "targets": {
                "a": { "matrix": { "os": ["x", "y"] }, "build": { "context": "base", "tags": ["same:{os}"] } },
                "b": { "matrix": { "os": ["x", "y"] }, "build": { "context": "base", "tags": ["same:{os}"] } } } }
            """);
        errors.Single().Code.ShouldBe(ErrorCodes.MatrixTooLarge);
        errors.Single().Message.ShouldBe("the targets expand to 4 legs together (a 2, b 2), more than MaxLegs (3); shrink a matrix or raise MaxLegs.");

        var tags = PlanErrors("""
            { "targets": {
                "a": { "matrix": { "os": ["x"] }, "build": { "context": "base", "tags": ["same:{os}"] } },
                "b": { "matrix": { "os": ["x"] }, "build": { "context": "base", "tags": ["same:{os}"] } } } }
            """).Single();
        tags.ShouldBe(new ValidationError(ErrorCodes.DockerTagDuplicate, "b-x", "targets.b.build.tags[0]", "tag 'same:x' is also written by leg 'a-x'; put an axis placeholder in the tag so each leg writes its own."));

        var names = PlanErrors("""
            { "targets": {
                "a": { "matrix": { "v": ["b-c"] }, "build": { "context": "base" } },
                "a-b": { "matrix": { "v": ["c"] }, "build": { "context": "base" } } } }
            """).Single();
        names.Code.ShouldBe(ErrorCodes.DuplicateLegName);
        names.Leg.ShouldBe("a-b-c");
    }

    [Fact]
    public void ExampleFilePlansEachAppLegAfterTheBaseOfItsOs()
    {
        var example = Path.Combine(RepositoryRoot.Path, "examples", "docker-targets");
        var legs = DockerMatrixPlanner.Plan(DockerMatrixFile.Load(Path.Combine(example, "matrix.json")), "/ignored");

        legs.Select(l => $"{l.Name} <- {string.Join(",", l.Needs.Select(n => legs.Single(x => x.Id == n).Name))}").ShouldBe(
        [
            "base-alpine <- ", "base-debian <- ",
            "app-node20-alpine <- base-alpine", "app-node22-alpine <- base-alpine", "app-node20-debian <- base-debian", "app-node22-debian <- base-debian",
        ]);
        legs[4].Arguments.ShouldContain("BASE_IMAGE=cakeparallel-example/base:debian");
        legs[4].WorkingDirectory.ShouldBe(example);
    }
}
