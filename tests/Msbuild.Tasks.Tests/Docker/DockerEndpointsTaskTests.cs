using CakeParallel.Model;
using Microsoft.Build.Utilities;

namespace CakeParallel.MSBuild.Tests.Docker;

/// <summary>The DockerBuildMatrix task over a pool of engines given as Endpoints items, pushing to a real registry.</summary>
public sealed class DockerEndpointsTaskTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly RecordingBuildEngine _engine = new();

    public void Dispose() => _temp.Dispose();

    [DockerFact]
    public void Endpoints_items_route_the_legs_a_dead_engine_is_a_warning_and_Results_carry_engine_and_pushed_digests()
    {
        using var extra = ExtraDockerEngine.Start();
        using var registry = LocalRegistry.Start();
        var name = "cpar-msbuild-" + Guid.NewGuid().ToString("N")[..8];
        File.WriteAllText(_temp.Combine("Dockerfile"), "FROM local/busybox:1\nARG flavour\nRUN echo \"built $flavour\" > /flavour\n");
        var task = new DockerBuildMatrix
        {
            BuildEngine = _engine,
            Axes = [new TaskItem("flavour").With("Values", "plain;spicy;sweet")],
            Context = _temp.Path,
            Tags = [$"{registry.Address}/{name}:{{flavour}}"],
            Endpoints =
            [
                new TaskItem("extra").With("Host", extra.Host).With("MaxParallel", "2").With("Platforms", "linux/amd64;lab/other"),
                new TaskItem("gone").With("Host", "unix:///tmp/cpar-no-engine-" + Guid.NewGuid().ToString("N")[..8] + ".sock"),
            ],
            Push = true,
            LogDirectory = _temp.Combine("logs"),
            CiAnnotations = "Off",
        };

        var (result, _) = TaskRun.Execute(task, _engine);

        result.ShouldBeTrue(string.Join(Environment.NewLine, _engine.Errors.Select(e => e.Message)));
        var warning = _engine.Warnings.ShouldHaveSingleItem();
        warning.Code.ShouldBe(ErrorCodes.DockerEngineLeftOut);
        warning.Message.ShouldNotBeNull().ShouldContain("'gone'");
        task.Results.Length.ShouldBe(3);
        foreach (var leg in task.Results)
        {
            leg.GetMetadata("Status").ShouldBe("Succeeded");
            leg.GetMetadata("Endpoint").ShouldBe("extra");
            var tag = $"{registry.Address}/{name}:{leg.ItemSpec}";
            leg.GetMetadata("PushedDigests").ShouldBe($"{tag}={registry.Digest(name, leg.ItemSpec)}");
        }
    }
}
