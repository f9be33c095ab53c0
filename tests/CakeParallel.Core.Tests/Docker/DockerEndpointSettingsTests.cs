using CakeParallel.Docker;
using CakeParallel.Matrix;
using CakeParallel.Model;

namespace CakeParallel.Tests.Docker;

/// <summary>Endpoints and push as the matrix file spells them, and the endpoint settings the planner refuses.</summary>
public sealed class DockerEndpointSettingsTests : IDisposable
{
    private readonly Scratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public void TheMatrixFileReadsEndpointsWithTheirLimitsPlatformsAndNamesAndPush()
    {
        var matrix = DockerMatrixFile.Parse("""
        {
          "matrix": { "n": [1, 2] },
          "build": {
            "tags": ["registry.local:5000/app:{n}"],
            "push": true,
            "endpoints": [
              { "host": "tcp://build-2.example:2376", "maxParallel": 4, "platforms": ["linux/amd64"] },
              { "context": "arm-builder", "name": "arm", "platforms": ["linux/arm64"] }
            ]
          }
        }
        """, _scratch.Directory);

        matrix.Build.Push.ShouldBeTrue();
        matrix.Build.Endpoints.Count.ShouldBe(2);
        var (tcp, arm) = (matrix.Build.Endpoints[0], matrix.Build.Endpoints[1]);
        (tcp.Host, tcp.MaxParallel, tcp.DisplayName).ShouldBe(("tcp://build-2.example:2376", 4, "build-2.example:2376"));
        tcp.Platforms.ShouldBe(["linux/amd64"]);
        (arm.Context, arm.MaxParallel, arm.DisplayName).ShouldBe(("arm-builder", 1, "arm"));
        arm.Builds("linux/arm64").ShouldBeTrue();
        arm.Builds("linux/amd64").ShouldBeFalse();
        arm.Builds(null).ShouldBeTrue("a leg without a platform may build anywhere");
    }

    [Fact]
    public void AnEndpointWithoutHostOrContextOrWithAnUnknownKeyIsReportedWithItsPath()
    {
        var error = Should.Throw<InvalidRunException>(() => DockerMatrixFile.Parse("""
        { "matrix": { "n": [1] }, "build": { "endpoints": [ { "maxParallel": 2 }, { "host": "unix:///x.sock", "slots": 3 } ] } }
        """, _scratch.Directory));

        error.Errors.Select(e => $"{e.Code} {e.Field}").ShouldBe(["CPAR0306 $.build.endpoints[0]", "CPAR0303 $.build.endpoints[1].slots"], ignoreOrder: true);
    }

    [Fact]
    public void ThePlannerRefusesEndpointsBesideDockerHostDuplicateNamesBadLimitsAndPushWithoutTags()
    {
        Directory.CreateDirectory(_scratch.PathOf("ctx"));
        File.WriteAllText(_scratch.PathOf("ctx/Dockerfile"), "FROM scratch\n");
        var matrix = new DockerMatrix
        {
            Matrix = new MatrixDefinition { Axes = [new MatrixAxis("n", ["1"])] },
            Build = new DockerBuildSettings
            {
                Context = _scratch.PathOf("ctx"),
                DockerHost = "unix:///var/run/docker.sock",
                Push = true,
                Endpoints =
                [
                    new DockerEngineEndpoint { Host = "tcp://a:2376", MaxParallel = 0 },
                    new DockerEngineEndpoint { Host = "ssh://a:2376", Context = "both" },
                    new DockerEngineEndpoint { Context = "a:2376" },
                ],
            },
        };

        var error = Should.Throw<InvalidRunException>(() => DockerMatrixPlanner.Plan(matrix, _scratch.Directory));

        error.Errors.Select(e => $"{e.Code} {e.Field}").ShouldBe(
        [
            "CPAR0208 build.endpoints[0].maxParallel",
            "CPAR0208 build.endpoints[1]",
            "CPAR0208 build.endpoints[1].name",
            "CPAR0208 build.endpoints[2].name",
            "CPAR0208 build.dockerHost",
            "CPAR0208 build.push",
        ], ignoreOrder: true);
    }
}
