using CakeParallel.Docker;
using CakeParallel.Matrix;
using CakeParallel.Model;

namespace CakeParallel.Tests.Docker;

public sealed class DockerMatrixPlannerTests : IDisposable
{
    private readonly Scratch _scratch = new();

    public DockerMatrixPlannerTests()
    {
        foreach (var os in new[] { "alpine", "debian" })
        {
            Directory.CreateDirectory(_scratch.PathOf(os));
            File.WriteAllText(Path.Combine(_scratch.PathOf(os), "Dockerfile"), "FROM scratch\n");
        }
    }

    public void Dispose() => _scratch.Dispose();

    private DockerMatrix Matrix(DockerBuildSettings build) => new()
    {
        Matrix = new MatrixDefinition { Axes = [new MatrixAxis("node", ["18", "20"]), new MatrixAxis("os", ["alpine", "debian"])] },
        Build = build,
        BaseDirectory = _scratch.Directory,
    };

    [Fact]
    public void EachLegIsOneDockerBuildArgvWithTemplatesFilled()
    {
        var legs = DockerMatrixPlanner.Plan(Matrix(new DockerBuildSettings
        {
            Context = "{os}",
            Target = "stage-{node}",
            Platform = "linux/amd64",
            BuildArgs = new Dictionary<string, string> { ["node"] = "v{node}", ["WHO"] = "$(touch /tmp/x); echo \"q\" 'x'\nnext" },
            Tags = ["app:{node}-{os}"],
            Labels = new Dictionary<string, string> { ["org.opencontainers.image.version"] = "{node}" },
            CacheFrom = ["app:cache-{os}"],
            NoCache = true,
            Network = "none",
            ExtraArguments = ["--quiet"],
            BuildKit = false,
            DockerHost = "unix:///run/{os}.sock",
            LegName = "node{node}-{os}",
        }), "/ignored");

        legs.Select(l => l.Name).ShouldBe(["node18-alpine", "node18-debian", "node20-alpine", "node20-debian"]);
        var leg = legs[3];
        leg.Id.ShouldBe(LegId.FromParameters(new Dictionary<string, string> { ["os"] = "debian", ["node"] = "20" }));
        leg.Executable.ShouldBe("docker");
        leg.WorkingDirectory.ShouldBe(_scratch.Directory);
        var context = _scratch.PathOf("debian");
        leg.Arguments.ShouldBe(
        [
            "build", "--file", Path.Combine(context, "Dockerfile"), "--target", "stage-20", "--platform", "linux/amd64",
            "--build-arg", "os=debian", "--build-arg", "node=v20", "--build-arg", "WHO=$(touch /tmp/x); echo \"q\" 'x'\nnext",
            "--tag", "app:20-debian",
            "--label", "org.opencontainers.image.version=20", "--label", "cakeparallel.leg=" + leg.Id,
            "--cache-from", "app:cache-debian", "--no-cache", "--network", "none",
            "--iidfile", leg.Arguments[leg.Arguments.ToList().IndexOf("--iidfile") + 1], "--quiet", context,
        ]);
        leg.Arguments[leg.Arguments.ToList().IndexOf("--iidfile") + 1].ShouldEndWith(leg.Id + ".iid");
        leg.EnvironmentVariables["DOCKER_HOST"].ShouldBe("unix:///run/debian.sock");
        leg.EnvironmentVariables["DOCKER_BUILDKIT"].ShouldBe("0");
        leg.FailureClassifier.ShouldBe(DockerFailureClassifier.Instance);
        leg.Retry.ShouldBe(DockerRetryPolicy.Default);
        leg.Inspector.ShouldNotBeNull();
    }

    [Fact]
    public void ContextIsPassedAsGlobalOptionAndRetriesOverrideTheDefaultPolicy()
    {
        var legs = DockerMatrixPlanner.Plan(Matrix(new DockerBuildSettings { Context = "alpine", DockerContext = "remote", DockerExecutable = "/usr/bin/docker", PassAxesAsBuildArgs = false }) with { Retries = 0 }, "/ignored");

        legs[0].Arguments.Take(4).ShouldBe(["--context", "remote", "build", "--file"]);
        legs[0].Arguments.ShouldNotContain("--build-arg");
        legs[0].Executable.ShouldBe("/usr/bin/docker");
        legs[0].Retry!.MaxAttempts.ShouldBe(1);
    }

    [Fact]
    public void SecretsNeverReachArgvAndTheirValuesAreMasked()
    {
        File.WriteAllText(_scratch.PathOf("token.txt"), "file-secret-value\n");
        var legs = DockerMatrixPlanner.Plan(Matrix(new DockerBuildSettings
        {
            Context = "alpine",
            Secrets = [DockerSecret.FromFile("f", "token.txt"), DockerSecret.FromEnvironment("e", "MY_TOKEN"), DockerSecret.FromValue("v", "literal-secret")],
            EnvironmentVariables = new Dictionary<string, string?> { ["MY_TOKEN"] = "env-secret-value" },
        }), "/ignored");

        var leg = legs[0];
        leg.Arguments.ShouldContain($"id=f,src={_scratch.PathOf("token.txt")}");
        leg.Arguments.ShouldContain("id=e,env=MY_TOKEN");
        leg.Arguments.ShouldContain("id=v,env=CAKEPARALLEL_SECRET_2");
        leg.EnvironmentVariables["CAKEPARALLEL_SECRET_2"].ShouldBe("literal-secret");
        string.Join(" ", leg.Arguments).ShouldNotContain("secret-value");
        string.Join(" ", leg.Arguments).ShouldNotContain("literal-secret");
        leg.SecretValues.ShouldContain("file-secret-value");
        leg.SecretValues.ShouldContain("env-secret-value");
        leg.SecretValues.ShouldContain("literal-secret");
        DockerSecret.FromValue("v", "literal-secret").ToString().ShouldNotContain("literal-secret");
    }

    [Fact]
    public void ReportsEveryProblemNamingLegAndFieldBeforeAnythingStarts()
    {
        var matrix = Matrix(new DockerBuildSettings
        {
            Context = "{os}",
            Dockerfile = "{os}/Dockerfile.{node}",
            Tags = ["app:{nodee}", "App:{os}", "app;rm:{node}", "shared:latest"],
            Secrets = [new DockerSecret("s")],
            DockerHost = "unix:///x.sock",
            DockerContext = "other",
        });

        var error = Should.Throw<InvalidRunException>(() => DockerMatrixPlanner.Plan(matrix, "/ignored"));

        var lines = error.Errors.Select(e => $"{e.Code} {e.Leg} {e.Field}").ToArray();
        lines.ShouldContain("CPAR0205 18-alpine build.dockerfile");
        lines.ShouldContain("CPAR0203 18-alpine build.tags[0]");
        lines.ShouldContain("CPAR0206 18-alpine build.tags[1]");
        lines.ShouldContain("CPAR0206 18-alpine build.tags[2]");
        lines.ShouldContain("CPAR0208 18-alpine build.dockerContext");
        lines.ShouldContain("CPAR0208 18-alpine build.secrets[0]");
        lines.ShouldContain("CPAR0207 20-debian build.tags[3]");
        error.Errors.Single(e => e.Code == ErrorCodes.PlaceholderUnknown && e.Leg == "18-alpine").Message.ShouldBe("unknown placeholder {nodee}; known: {node}, {os}.");
        error.Errors.First(e => e.Code == ErrorCodes.DockerTagInvalid).Message.ShouldContain("upper-case");
        error.Errors.Count(e => e.Code == ErrorCodes.DockerTagDuplicate).ShouldBe(3);
        error.Errors.Select(e => e.Leg).Distinct().Count().ShouldBe(4);
    }

    [Fact]
    public void ReportsMissingContextEmptyMatrixAndTemplateSyntax()
    {
        Should.Throw<InvalidRunException>(() => DockerMatrixPlanner.Plan(Matrix(new DockerBuildSettings { Context = "nowhere-{os}" }), "/ignored"))
            .Errors.Where(e => e.Code == ErrorCodes.DockerContextNotFound).Select(e => e.Leg).ShouldBe(["18-alpine", "18-debian", "20-alpine", "20-debian"]);

        var empty = Matrix(new DockerBuildSettings()) with { Matrix = new MatrixDefinition() };
        Should.Throw<InvalidRunException>(() => DockerMatrixPlanner.Plan(empty, "/ignored")).Errors.Single().Code.ShouldBe(ErrorCodes.MatrixEmpty);

        var syntax = Matrix(new DockerBuildSettings { Tags = ["app:{node"] });
        Should.Throw<InvalidRunException>(() => DockerMatrixPlanner.Plan(syntax, "/ignored")).Errors.Single().ShouldSatisfyAllConditions(
            e => e.Code.ShouldBe(ErrorCodes.PlaceholderUnknown),
            e => e.Field.ShouldBe("build.tags[0]"),
            e => e.Leg.ShouldBeNull());
    }

    [Fact]
    public void TenThousandLegsPlanWithDistinctTagsAndIds()
    {
        var values = Enumerable.Range(0, 100).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var matrix = Matrix(new DockerBuildSettings { Context = "alpine", Tags = ["app:{a}-{b}"] }) with
        {
            Matrix = new MatrixDefinition { Axes = [new MatrixAxis("a", values), new MatrixAxis("b", values)] },
        };

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var legs = DockerMatrixPlanner.Plan(matrix, "/ignored");
        clock.Stop();

        legs.Count.ShouldBe(10_000);
        legs.Select(l => l.Id).Distinct().Count().ShouldBe(10_000);
        legs[^1].Arguments.ShouldContain("app:99-99");
        // A sanity bound only; the speed target is measured by the benchmarks.
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(20));
    }

    [Fact]
    public void NamesFromATemplateMustBeUnique()
    {
        var error = Should.Throw<InvalidRunException>(() => DockerMatrixPlanner.Plan(Matrix(new DockerBuildSettings { Context = "alpine", LegName = "os-{os}" }), "/ignored"));

        error.Errors.Select(e => e.ToString()).ShouldBe(
        [
            "CPAR0004 leg 'os-alpine' build.legName: legs 1 and 3 are both named 'os-alpine' by the template 'os-{os}'; use more placeholders.",
            "CPAR0004 leg 'os-debian' build.legName: legs 2 and 4 are both named 'os-debian' by the template 'os-{os}'; use more placeholders.",
        ]);
    }

    [Theory]
    [InlineData("app")]
    [InlineData("app:1.0")]
    [InlineData("localhost:5000/team/app:20-alpine")]
    [InlineData("registry.example.com/a_b/c--d:v1_2.3-x")]
    public void AcceptsValidTags(string tag) => DockerReference.Problem(tag).ShouldBeNull();

    [Theory]
    [InlineData("app;echo:1")]
    [InlineData("app:1;rm -rf")]
    [InlineData("app:-x")]
    [InlineData("app name")]
    [InlineData("app@sha256:abc")]
    [InlineData("")]
    [InlineData("-app")]
    [InlineData("app:$(id)")]
    public void RejectsInvalidTags(string tag) => DockerReference.Problem(tag).ShouldNotBeNull();
}
