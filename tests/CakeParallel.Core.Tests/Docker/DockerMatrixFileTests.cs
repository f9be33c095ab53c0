using CakeParallel.Docker;
using CakeParallel.Matrix;
using CakeParallel.Model;

namespace CakeParallel.Tests.Docker;

public sealed class DockerMatrixFileTests : IDisposable
{
    private readonly Scratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    private string Write(string json)
    {
        var path = _scratch.PathOf("matrix.json");
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public void LoadsMatrixBuildAndRunSettings()
    {
        var path = Write("""
        {
          // comments are allowed
          "$schema": "https://example.invalid/matrix.schema.json",
          "matrix": {
            "node": [18, "20"],
            "os": ["alpine", "debian"],
            "exclude": [{ "node": 18, "os": "debian" }],
            "include": [{ "node": 22, "os": "alpine", "experimental": true }]
          },
          "build": {
            "context": "images/{os}",
            "dockerfile": "images/{os}/Dockerfile",
            "target": "runtime",
            "platform": "linux/amd64",
            "buildArgs": { "BASE": "local/busybox:1" },
            "passAxesAsBuildArgs": false,
            "tags": ["app:{node}-{os}", "registry.local:5000/app:{node}-{os}"],
            "labels": { "org.opencontainers.image.version": "{node}" },
            "cacheFrom": "app:cache",
            "cacheTo": ["type=inline"],
            "noCache": true,
            "pull": true,
            "network": "none",
            "secrets": [{ "id": "npm", "src": "npmrc" }, { "id": "token", "env": "TOKEN" }],
            "extraArguments": ["--quiet"],
            "docker": "/usr/bin/docker",
            "dockerHost": "unix:///var/run/docker.sock",
            "buildKit": true,
            "environment": { "HTTP_PROXY": "" },
            "legName": "node{node}-{os}",
            "removeLateTags": true,
            "lateTagWatch": "5s",
            "maxParallel": 3,
            "timeout": "1h30m",
            "retries": 2,
            "failFast": true,
          },
        }
        """);

        var matrix = DockerMatrixFile.Load(path);

        matrix.BaseDirectory.ShouldBe(_scratch.Directory);
        matrix.Matrix.Axes.ShouldBe([new MatrixAxis("node", ["18", "20"]), new MatrixAxis("os", ["alpine", "debian"])], ignoreOrder: false, comparer: new AxisComparer());
        MatrixExpansion.Expand(matrix.Matrix).Select(l => string.Join(",", l.Values)).ShouldBe(["18,alpine", "20,alpine", "20,debian", "22,alpine,true"]);
        var build = matrix.Build;
        build.Context.ShouldBe("images/{os}");
        build.Dockerfile.ShouldBe("images/{os}/Dockerfile");
        build.Target.ShouldBe("runtime");
        build.Platform.ShouldBe("linux/amd64");
        build.BuildArgs["BASE"].ShouldBe("local/busybox:1");
        build.PassAxesAsBuildArgs.ShouldBeFalse();
        build.Tags.ShouldBe(["app:{node}-{os}", "registry.local:5000/app:{node}-{os}"]);
        build.Labels["org.opencontainers.image.version"].ShouldBe("{node}");
        build.CacheFrom.ShouldBe(["app:cache"]);
        build.CacheTo.ShouldBe(["type=inline"]);
        build.NoCache.ShouldBeTrue();
        build.Pull.ShouldBeTrue();
        build.Network.ShouldBe("none");
        build.Secrets.ShouldBe([DockerSecret.FromFile("npm", "npmrc"), DockerSecret.FromEnvironment("token", "TOKEN")]);
        build.ExtraArguments.ShouldBe(["--quiet"]);
        build.DockerExecutable.ShouldBe("/usr/bin/docker");
        build.DockerHost.ShouldBe("unix:///var/run/docker.sock");
        build.BuildKit.ShouldBe(true);
        build.EnvironmentVariables["HTTP_PROXY"].ShouldBe("");
        build.LegName.ShouldBe("node{node}-{os}");
        build.RemoveLateTags.ShouldBeTrue();
        build.LateTagWatch.ShouldBe(TimeSpan.FromSeconds(5));
        matrix.MaxParallel.ShouldBe(3);
        matrix.Timeout.ShouldBe(TimeSpan.FromMinutes(90));
        matrix.Retries.ShouldBe(2);
        matrix.MaxAttempts.ShouldBe(3);
        matrix.FailFast.ShouldBe(true);
    }

    [Fact]
    public void LoadsAnExplicitListOfLegs()
    {
        var matrix = DockerMatrixFile.Load(Write("""{ "matrix": [ { "node": "20", "os": "alpine" }, { "node": "22" } ] }"""));

        matrix.Matrix.Legs.Count.ShouldBe(2);
        matrix.Matrix.Legs[1]["node"].ShouldBe("22");
        matrix.Build.Context.ShouldBe(".");
        matrix.Build.Tags.ShouldBeEmpty();
    }

    [Fact]
    public void ReportsEveryUnknownKeyAndWrongTypeWithItsJsonPath()
    {
        var path = Write("""
        {
          "matrix": { "node": "20", "os": ["alpine", { "x": 1 }], "include": {} },
          "build": { "tags": ["a", 3], "context": 1, "nocache": true, "timeout": "soon", "maxParallel": 0, "secrets": [{ "id": "s", "value": "x" }] },
          "extra": 1
        }
        """);

        var error = Should.Throw<InvalidRunException>(() => DockerMatrixFile.Load(path));

        error.Errors.Select(e => $"{e.Code} {e.Field}").ShouldBe(
        [
            "CPAR0304 $.matrix.node",
            "CPAR0304 $.matrix.os[1]",
            "CPAR0304 $.matrix.include",
            "CPAR0304 $.build.tags[1]",
            "CPAR0304 $.build.context",
            "CPAR0303 $.build.nocache",
            "CPAR0305 $.build.timeout",
            "CPAR0305 $.build.maxParallel",
            "CPAR0303 $.build.secrets[0].value",
            "CPAR0303 $.extra",
        ]);
        error.Message.ShouldContain(path);
    }

    [Fact]
    public void ReportsMissingMatrixBrokenJsonAndMissingFile()
    {
        Should.Throw<InvalidRunException>(() => DockerMatrixFile.Load(Write("""{ "build": {} }""")))
            .Errors.Single().ShouldBe(new ValidationError(ErrorCodes.MatrixFileMissingKey, null, "$.matrix", "the file has no 'matrix'; give axes (an object) or a list of legs (an array)." + $" in '{_scratch.PathOf("matrix.json")}'"));
        Should.Throw<InvalidRunException>(() => DockerMatrixFile.Load(Write("""{ "matrix": [ """)))
            .Errors.Single().Code.ShouldBe(ErrorCodes.MatrixFileSyntax);
        Should.Throw<InvalidRunException>(() => DockerMatrixFile.Load(_scratch.PathOf("missing.json")))
            .Errors.Single().Code.ShouldBe(ErrorCodes.MatrixFileUnreadable);
    }

    [Theory]
    [InlineData("90", 90)]
    [InlineData("\"90s\"", 90)]
    [InlineData("\"2m30s\"", 150)]
    [InlineData("\"1h\"", 3600)]
    [InlineData("\"500ms\"", 0.5)]
    [InlineData("\"00:01:05\"", 65)]
    public void ReadsDurations(string json, double seconds)
    {
        var matrix = DockerMatrixFile.Parse($$"""{ "matrix": [{ "a": "1" }], "build": { "timeout": {{json}} } }""", _scratch.Directory);

        matrix.Timeout.ShouldBe(TimeSpan.FromSeconds(seconds));
    }

    private sealed class AxisComparer : IEqualityComparer<MatrixAxis>
    {
        public bool Equals(MatrixAxis? x, MatrixAxis? y) => x!.Name == y!.Name && x.Values.SequenceEqual(y.Values);

        public int GetHashCode(MatrixAxis obj) => obj.Name.GetHashCode(StringComparison.Ordinal);
    }
}
