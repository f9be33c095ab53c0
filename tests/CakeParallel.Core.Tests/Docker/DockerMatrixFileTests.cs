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
            "sharedSlots": "docker-builds:2",
            "memory": "1.5GiB",
            "rebuild": true,
          },
        }
        """);

        var matrix = DockerMatrixFile.Load(path);

        matrix.BaseDirectory.ShouldBe(_scratch.Directory);
        // JSON keeps the kinds: 18 is a number, "20" a string (they still match 18 and 20 by value).
        matrix.Matrix.Axes.ShouldBe([new MatrixAxis("node", [MatrixValue.Number("18"), MatrixValue.String("20")]), new MatrixAxis("os", ["alpine", "debian"])], ignoreOrder: false, comparer: new AxisComparer());
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
        matrix.SharedSlots.ShouldBe(new SharedSlots("docker-builds", 2));
        matrix.RunOverrides.SharedSlots.ShouldBe(new SharedSlots("docker-builds", 2));
        matrix.Memory.ShouldBe(3L << 29);
        matrix.RunOverrides.Rebuild.ShouldBe(true);
    }

    [Fact]
    public void Every_leg_of_a_matrix_file_with_memory_declares_that_memory()
    {
        Directory.CreateDirectory(_scratch.PathOf("ctx"));
        File.WriteAllText(_scratch.PathOf("ctx/Dockerfile"), "FROM local/busybox:1\n");
        var matrix = DockerMatrixFile.Load(Write("""{ "matrix": { "os": ["a", "b"] }, "build": { "context": "ctx", "tags": ["app:{os}"], "memory": "512MiB" } }"""));

        var legs = DockerMatrixPlanner.Plan(matrix, _scratch.Directory);

        legs.Select(l => l.Memory).ShouldBe([512L << 20, 512L << 20]);
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
          "matrix": { "node": "20", "os": ["alpine", [1]], "include": {} },
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
            .Errors.Single().ShouldBe(new ValidationError(ErrorCodes.MatrixFileMissingKey, null, "$.matrix", "the file has no 'matrix'; give axes (an object), a list of legs (an array), or several named matrices in 'targets'." + $" in '{_scratch.PathOf("matrix.json")}'"));
        Should.Throw<InvalidRunException>(() => DockerMatrixFile.Load(Write("""{ "matrix": [ """)))
            .Errors.Single().Code.ShouldBe(ErrorCodes.MatrixFileSyntax);
        Should.Throw<InvalidRunException>(() => DockerMatrixFile.Load(_scratch.PathOf("missing.json")))
            .Errors.Single().Code.ShouldBe(ErrorCodes.MatrixFileUnreadable);
    }

    [Fact]
    public void ObjectValuedAxisEntriesFillPathPlaceholdersBuildArgsAndLegNames()
    {
        // GitHub Actions documents object entries: node: [{version: 14}, {version: 20, env: ...}] read as matrix.node.version.
        File.WriteAllText(_scratch.PathOf("Dockerfile"), "FROM scratch\n");
        var matrix = DockerMatrixFile.Load(Write("""
        {
          "matrix": {
            "node": [{ "version": 14 }, { "version": 20, "env": "NODE_OPTIONS=--max-old-space-size=4096" }],
            "os": ["alpine"],
            "include": [{ "node": { "Version": 20.0 }, "lts": true }]
          },
          "build": { "tags": ["app:{node.version}-{os}"], "legName": "node{node.version}" }
        }
        """));

        var legs = DockerMatrixPlanner.Plan(matrix, _scratch.Directory);

        legs.Select(l => l.Name).ShouldBe(["node14", "node20"]);
        legs[1].Parameters.ShouldBe(new Dictionary<string, string> { ["node.version"] = "20", ["node.env"] = "NODE_OPTIONS=--max-old-space-size=4096", ["os"] = "alpine", ["lts"] = "true" });
        legs[1].Id.ShouldBe(LegId.FromParameters(legs[1].Parameters));
        // A Dockerfile cannot reference ${node.version}, so the path's build arg is node_version.
        string.Join(" ", legs[1].Arguments).ShouldContain("--build-arg node_version=20 --build-arg node_env=NODE_OPTIONS=--max-old-space-size=4096 --build-arg os=alpine --build-arg lts=true");
        legs[1].Arguments.ShouldContain("app:20-alpine");
    }

    [Fact]
    public void IncludeAndExcludeFollowGitHubsMatchingAndRejectEmptyEntries()
    {
        var matrix = DockerMatrixFile.Parse("""
        {
          "matrix": {
            "os": ["ubuntu-latest", "windows-latest"],
            "version": [12, 14],
            "exclude": [{ "OS": "Windows-Latest", "version": "14" }],
            "include": [{ "os": "UBUNTU-LATEST", "version": 12.0, "shell": "bash" }, { "OS": "macos-latest", "Version": 14 }]
          },
          "build": { "legName": "{os}-{version}" }
        }
        """, _scratch.Directory);

        // GitHub: 'Windows-Latest' == 'windows-latest', matrix['OS'] is matrix.os, '14' == 14 and 12.0 == 12.
        MatrixExpansion.Expand(matrix.Matrix).Select(l => string.Join(",", l.Select(p => $"{p.Key}={p.Value}"))).ShouldBe(
            ["os=ubuntu-latest,version=12,shell=bash", "os=ubuntu-latest,version=14", "os=windows-latest,version=12", "os=macos-latest,version=14"]);
        // The include that became a leg of its own spells its keys as the axes do: placeholders and build args find them.
        File.WriteAllText(_scratch.PathOf("Dockerfile"), "FROM scratch\n");
        var added = DockerMatrixPlanner.Plan(matrix, _scratch.Directory)[3];
        added.Name.ShouldBe("macos-latest-14");
        string.Join(" ", added.Arguments).ShouldContain("--build-arg os=macos-latest --build-arg version=14");

        var error = Should.Throw<InvalidRunException>(() => DockerMatrixFile.Parse("""{ "matrix": { "os": ["a"], "include": [{}], "exclude": [{}] } }""", _scratch.Directory));

        // GitHub: "Matrix include mapping does not contain any values", "Matrix exclude filter must not be empty".
        error.Errors.Select(e => $"{e.Code} {e.Field}").ShouldBe(["CPAR0305 $.matrix.include[0]", "CPAR0305 $.matrix.exclude[0]"]);
    }

    [Fact]
    public void AnUnknownKeySuggestsTheNearestKnownKey()
    {
        var error = Should.Throw<InvalidRunException>(() => DockerMatrixFile.Parse("""
        {
          "matrx": { "os": ["a"], "inlcude": [{ "os": "b" }] },
          "build": { "nocache": true, "tag": "x", "zzzzzz": 1 }
        }
        """, _scratch.Directory));

        error.Errors.Select(e => $"{e.Code} {e.Field}: {e.Message}").ShouldBe(
        [
            "CPAR0303 $.matrx: unknown key; did you mean 'matrix'? Expected 'matrix', 'build', 'targets' or '$schema'.",
            "CPAR0303 $.build.nocache: unknown key; did you mean 'noCache'? Expected " + BuildKeys + ".",
            "CPAR0303 $.build.tag: unknown key; did you mean 'tags'? Expected " + BuildKeys + ".",
            "CPAR0303 $.build.zzzzzz: unknown key; expected " + BuildKeys + ".",
            "CPAR0306 $.matrix: the file has no 'matrix'; give axes (an object), a list of legs (an array), or several named matrices in 'targets'.",
        ]);
        // Objects are axis values, so a misspelt include must not silently become an axis.
        Should.Throw<InvalidRunException>(() => DockerMatrixFile.Parse("""{ "matrix": { "os": ["a"], "inlcude": [{ "os": "b" }] } }""", _scratch.Directory))
            .Errors.Single().Message.ShouldStartWith("unknown key; did you mean 'include'?");
    }

    [Fact]
    public void AJsonSyntaxErrorNamesItsLocationOnceCountedInCharacters()
    {
        var error = Should.Throw<InvalidRunException>(() => DockerMatrixFile.Load(Write("{\n  \"é\": [1 2]\n}")));

        var message = error.Errors.Single().Message;
        message.ShouldStartWith($"not valid JSON in '{_scratch.PathOf("matrix.json")}' (line 2, column 11): ");
        message.ShouldNotContain("LineNumber");
        message.ShouldNotContain("BytePosition");
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

    [Fact]
    public void ReadsTheShardAsARunSettingAndRefusesOneThatIsNotIOfN()
    {
        var matrix = DockerMatrixFile.Parse("""{ "matrix": [{ "a": "1" }], "build": { "shard": "2/3" } }""", _scratch.Directory);
        matrix.Shard.ShouldBe(new Shard(2, 3));
        matrix.RunOverrides.Shard.ShouldBe(new Shard(2, 3));

        var error = Should.Throw<InvalidRunException>(() => DockerMatrixFile.Parse("""{ "matrix": [{ "a": "1" }], "build": { "shard": "4/3" } }""", _scratch.Directory)).Errors.Single();
        error.Code.ShouldBe(ErrorCodes.MatrixFileValueInvalid);
        error.Field.ShouldBe("$.build.shard");
    }

    private const string BuildKeys = "a docker build setting (context, dockerfile, target, platform, buildArgs, passAxesAsBuildArgs, tags, labels, cacheFrom, cacheTo, noCache, pull, network, secrets, extraArguments, docker, dockerHost, dockerContext, buildKit, environment, legName, removeLateTags, lateTagWatch, endpoints, push, publish) or a run setting (maxParallel, timeout, retries, failFast, maxLegs, shard, sharedSlots, memory, rebuild)";

    private sealed class AxisComparer : IEqualityComparer<MatrixAxis>
    {
        public bool Equals(MatrixAxis? x, MatrixAxis? y) => x!.Name == y!.Name && x.Values.SequenceEqual(y.Values);

        public int GetHashCode(MatrixAxis obj) => obj.Name.GetHashCode(StringComparison.Ordinal);
    }
}
