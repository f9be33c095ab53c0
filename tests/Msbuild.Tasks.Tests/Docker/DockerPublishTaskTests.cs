using CakeParallel.Model;
using Microsoft.Build.Utilities;

namespace CakeParallel.MSBuild.Tests.Docker;

/// <summary>The DockerBuildMatrix task's Publish parameter against the real daemon and a real registry.</summary>
public sealed class DockerPublishTaskTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly RecordingBuildEngine _engine = new();
    private readonly string _name = "cpar-msbuild-publish-" + Guid.NewGuid().ToString("N")[..8];
    private LocalRegistry? _registry;

    public void Dispose()
    {
        if (_registry is not null)
        {
            var images = TestDocker.Run(["image", "ls", "--format", "{{.Repository}}:{{.Tag}}", $"{_registry.Address}/{_name}"]).StandardOutput
                .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (images.Length > 0)
            {
                TestDocker.Run(["image", "rm", "--force", .. images]);
            }

            _registry.Dispose();
        }

        _temp.Dispose();
    }

    private DockerBuildMatrix Task(string publish, string registry) => new()
    {
        BuildEngine = _engine,
        Axes = [new TaskItem("flavour").With("Values", "plain;sour;sweet")],
        Context = _temp.Path,
        Tags = [$"{registry}/{_name}:{{flavour}}"],
        Push = true,
        Publish = publish,
        MaxAttempts = 1,
        LogDirectory = _temp.Combine("logs"),
        CiAnnotations = "Off",
    };

    [DockerFact]
    public void All_or_nothing_with_a_failing_leg_moves_no_tag_and_warns_which_leg_held_it_back()
    {
        _registry = LocalRegistry.Start();
        File.WriteAllText(_temp.Combine("Dockerfile"), "FROM local/busybox:1\nARG flavour\nRUN test \"$flavour\" != sour\n");
        var task = Task("all-or-nothing", _registry.Address);

        var (result, _) = TaskRun.Execute(task, _engine);

        result.ShouldBeFalse();
        _engine.Errors.ShouldContain(e => e.Code == ErrorCodes.LegFailed);
        var warning = _engine.Warnings.ShouldHaveSingleItem();
        warning.Code.ShouldBe(ErrorCodes.DockerPublishHeldBack);
        warning.Message.ShouldNotBeNull().ShouldContain("publish held back by: sour (failed)");
        _registry.Tags(_name).ShouldAllBe(t => t.StartsWith("cakeparallel-staging-", StringComparison.Ordinal));
        _registry.Tags(_name).Count.ShouldBe(2);
        foreach (var flavour in new[] { "plain", "sour", "sweet" })
        {
            _registry.Digest(_name, flavour).ShouldBeNull();
        }
    }

    [Fact]
    public void A_publish_value_that_is_no_policy_is_an_input_error_naming_the_parameter()
    {
        File.WriteAllText(_temp.Combine("Dockerfile"), "FROM local/busybox:1\n");
        var task = Task("atomic", "127.0.0.1:1");

        var (result, _) = TaskRun.Execute(task, _engine);

        result.ShouldBeFalse();
        var error = _engine.Errors.ShouldHaveSingleItem();
        error.Code.ShouldBe(ErrorCodes.DockerSettingInvalid);
        error.Message.ShouldNotBeNull().ShouldContain("Publish");
        error.Message.ShouldContain("per-leg or all-or-nothing");
    }
}
