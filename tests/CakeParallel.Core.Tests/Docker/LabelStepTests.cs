using CakeParallel.Docker;
using CakeParallel.Matrix;
using CakeParallel.Model;
using CakeParallel.Runs;

namespace CakeParallel.Tests.Docker;

/// <summary>
/// The classic builder makes every <c>--label</c> a step of its own (a container created and committed); a leg's
/// labels go into one <c>LABEL</c> step instead, with the same labels on the image.
/// </summary>
public sealed class LabelStepTests : IDisposable
{
    private readonly Scratch _scratch = new();
    private readonly DockerTestImages _images = new();

    public void Dispose()
    {
        _images.Dispose();
        _scratch.Dispose();
    }

    private string Context(string dockerfile)
    {
        var directory = _scratch.PathOf("app");
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "Dockerfile"), dockerfile);
        return directory;
    }

    private DockerMatrix Matrix(string context, DockerBuilder builder, string? target = null) => new()
    {
        Matrix = MatrixDefinition.FromLegs([new Dictionary<string, string> { ["app"] = "one" }]),
        Build = new DockerBuildSettings
        {
            Context = context,
            DockerExecutable = builder.Executable,
            BuildKit = builder.BuildKit,
            Target = target,
            Tags = [$"{_images.Repository}:{{app}}"],
            Labels = new Dictionary<string, string> { ["org.opencontainers.image.version"] = "1.{app}" },
        },
        Retries = 0,
    };

    private static string Labels(string reference) => TestDocker.Output("image", "inspect", "--format",
        $"{{{{index .Config.Labels \"{DockerLabels.Leg}\"}}}}|{{{{index .Config.Labels \"{DockerLabels.InputsHash}\"}}}}|{{{{index .Config.Labels \"org.opencontainers.image.version\"}}}}", reference);

    private static string[] Steps(LegResult leg) => File.ReadAllLines(leg.LogFile!).Where(l => l.Contains(" Step ", StringComparison.Ordinal)).ToArray();

    [DockerFact]
    public async Task OnTheClassicBuilderAllLabelsAreOneStepAndTheImageHasEachOfThem()
    {
        var context = Context("FROM local/busybox:1\nARG app\nRUN echo $app > /app");

        var run = await DockerMatrixRunner.RunAsync(Matrix(context, DockerBuilder.Classic), _scratch.Options());

        var leg = run.Legs.Single();
        leg.Status.ShouldBe(LegStatus.Succeeded, leg.FailureReason);
        Labels(leg.Tags[0]).ShouldBe($"{leg.Id}|{leg.InputsHash}|1.one");
        var steps = Steps(leg);
        steps.Length.ShouldBe(4, string.Join("\n", steps));
        steps[^1].ShouldContain("Step 4/4 : LABEL ");
        steps[^1].ShouldContain($"\"{DockerLabels.InputsHash}\"=\"{leg.InputsHash}\"");
        // The copy of the Dockerfile is gone with the leg; the context's own is untouched.
        Directory.EnumerateFiles(Path.Combine(Path.GetTempPath(), "cakeparallel", "iid"), $"*-{leg.Id}.Dockerfile").ShouldBeEmpty();
        File.ReadAllText(Path.Combine(context, "Dockerfile")).ShouldBe("FROM local/busybox:1\nARG app\nRUN echo $app > /app");

        var again = await DockerMatrixRunner.RunAsync(Matrix(context, DockerBuilder.Classic), _scratch.Options());
        again.Legs.Single().Status.ShouldBe(LegStatus.UpToDate, "the one-step label holds the inputs hash the up-to-date check looks for");
    }

    [DockerFact]
    public async Task WithATargetStageTheLabelsStayOptionsAndLabelThatStage()
    {
        var context = Context("FROM local/busybox:1 AS build\nRUN echo built > /built\n\nFROM local/busybox:1 AS other\nRUN echo other > /other\n");

        var run = await DockerMatrixRunner.RunAsync(Matrix(context, DockerBuilder.Classic, target: "build"), _scratch.Options());

        var leg = run.Legs.Single();
        leg.Status.ShouldBe(LegStatus.Succeeded, leg.FailureReason);
        Labels(leg.Tags[0]).ShouldBe($"{leg.Id}|{leg.InputsHash}|1.one");
        TestDocker.Output("run", "--rm", leg.Tags[0], "cat", "/built").ShouldBe("built");
        Steps(leg).Count(s => s.Contains(" : LABEL ", StringComparison.Ordinal)).ShouldBe(3, "one step per --label");
    }

    [Theory]
    [InlineData("0", true)]
    [InlineData("false", true)]
    [InlineData("1", false)]
    [InlineData("true", false)]
    public async Task DockerBuildKitDecidesTheBuilderWithoutAskingTheClient(string value, bool classic)
    {
        var endpoint = new DockerEndpoint("no-such-docker-cpar", new Dictionary<string, string?> { ["DOCKER_BUILDKIT"] = value }, null);

        (await ClassicBuilderProbe.IsClassicAsync(endpoint)).ShouldBe(classic);
    }

    [Fact]
    public async Task UnsetTheClientIsAskedForItsBuildxPlugin()
    {
        var withPlugin = WriteClient("with-buildx", 0);
        var withoutPlugin = WriteClient("without-buildx", 1);
        Dictionary<string, string?> unset = new() { ["DOCKER_BUILDKIT"] = "" };

        (await ClassicBuilderProbe.IsClassicAsync(new DockerEndpoint(withPlugin, unset, null))).ShouldBeFalse();
        (await ClassicBuilderProbe.IsClassicAsync(new DockerEndpoint(withoutPlugin, unset, null))).ShouldBeTrue();
        File.ReadAllText(withoutPlugin + ".args").ShouldBe("buildx version\n");
    }

    private string WriteClient(string name, int buildxExit)
    {
        var path = _scratch.PathOf(name);
        File.WriteAllText(path, $"#!/bin/sh\necho \"$@\" >> '{path}.args'\n[ \"$1\" = buildx ] && exit {buildxExit}\nexit 2\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    private static readonly string[] Argv =
    [
        "build", "--file", "/ctx/Dockerfile", "--build-arg", "app=one", "--label", "a=1", "--label", "cakeparallel.leg=abc",
        "--iidfile", "/tmp/x.iid", "--label", "cakeparallel.inputs-hash=sha256:00", "/ctx",
    ];

    private IReadOnlyList<string>? Write(string dockerfile, params string[] argv)
    {
        var arguments = argv.Length > 0 ? argv : Argv;
        return LabelledDockerfile.Write(arguments, DockerBuildInvocation.Parse(arguments, "/work"), dockerfile, _scratch.PathOf("copy.Dockerfile"));
    }

    [Fact]
    public void TheCopyEndsInOneLabelInstructionAndTheArgvBuildsItWithoutLabelOptions()
    {
        var arguments = Write("FROM x\nRUN true");

        arguments.ShouldBe(["build", "--file", _scratch.PathOf("copy.Dockerfile"), "--build-arg", "app=one", "--iidfile", "/tmp/x.iid", "/ctx"]);
        File.ReadAllText(_scratch.PathOf("copy.Dockerfile")).ShouldBe("FROM x\nRUN true\nLABEL \"a\"=\"1\" \"cakeparallel.leg\"=\"abc\" \"cakeparallel.inputs-hash\"=\"sha256:00\"\n");
    }

    [Theory]
    [InlineData("FROM x\nRUN true \\\n", "a line continuation would take the LABEL into the RUN")]
    [InlineData("FROM x\nRUN true \\\n# a comment\n\n", "comment lines do not end a continuation")]
    public void ADockerfileEndingInAContinuationKeepsTheOptions(string dockerfile, string why)
    {
        Write(dockerfile).ShouldBeNull(why);
        File.Exists(_scratch.PathOf("copy.Dockerfile")).ShouldBeFalse();
    }

    [Theory]
    [InlineData("a=$HOME")]
    [InlineData("a=say \"hi\"")]
    [InlineData("a=it's")]
    [InlineData("a=c:\\dir")]
    public void ALabelADockerfileWouldReadOtherwiseKeepsTheOptions(string label)
    {
        string[] arguments = ["build", "--file", "/ctx/Dockerfile", "--label", label, "--label", "cakeparallel.leg=abc", "/ctx"];

        Write("FROM x\n", arguments).ShouldBeNull();
    }

    [Fact]
    public void ATargetOrOneLabelKeepsTheOptions()
    {
        Write("FROM x AS a\nFROM x AS b\n", ["build", "--file", "/ctx/Dockerfile", "--target", "a", "--label", "x=1", "--label", "y=2", "/ctx"]).ShouldBeNull("the target's stage need not be the last");
        Write("FROM x\n", ["build", "--file", "/ctx/Dockerfile", "--label", "x=1", "/ctx"]).ShouldBeNull("one label is one step either way");
    }
}
