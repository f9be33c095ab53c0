using Cake.Parallel.Tests.Infrastructure;

namespace Cake.Parallel.Tests;

/// <summary>WithEndpoint, WithEndpointContext, SetPush and PublishAllOrNothing reach the engine's docker matrix unchanged.</summary>
public sealed class DockerEndpointSettingsTests
{
    private readonly TestCakeContext _context = new("/work/cake-root");

    [Fact]
    public void Endpoints_and_push_become_the_matrix_build_settings()
    {
        var settings = new DockerMatrixSettings()
            .WithAxis("n", "1", "2")
            .WithTag("registry.local:5000/app:{n}")
            .WithEndpoint("tcp://127.0.0.1:2376", maxParallel: 4)
            .WithEndpoint("unix:///run/arm.sock", maxParallel: 2, platforms: ["linux/arm64"], name: "arm")
            .WithEndpointContext("remote", maxParallel: 3)
            .SetPush();

        var build = settings.ToDockerMatrix(_context.Environment, "docker").Build;

        build.Push.ShouldBeTrue();
        build.Endpoints.Select(e => (e.DisplayName, e.Host, e.Context, e.MaxParallel, string.Join(",", e.Platforms))).ShouldBe(
        [
            ("127.0.0.1:2376", "tcp://127.0.0.1:2376", null, 4, ""),
            ("arm", "unix:///run/arm.sock", null, 2, "linux/arm64"),
            ("remote", null, "remote", 3, ""),
        ]);
    }

    [Fact]
    public void Publish_is_per_leg_unless_all_or_nothing_is_asked_for_which_also_pushes()
    {
        var settings = new DockerMatrixSettings().WithAxis("n", "1").WithTag("registry.local:5000/app:{n}");
        settings.ToDockerMatrix(_context.Environment, "docker").Build.Publish.ShouldBe(CakeParallel.Docker.DockerPublishPolicy.PerLeg);

        var build = settings.PublishAllOrNothing().ToDockerMatrix(_context.Environment, "docker").Build;

        build.Publish.ShouldBe(CakeParallel.Docker.DockerPublishPolicy.AllOrNothing);
        build.Push.ShouldBeTrue();
    }
}
