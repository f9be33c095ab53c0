using CakeParallel.Docker;

namespace CakeParallel.Tests.Docker;

/// <summary>What of a build's argv goes into the inputs hash: what decides the image, nothing else.</summary>
public sealed class BuildInputsHashTests
{
    private static readonly string[] Base =
    [
        "--context", "ci", "build", "--file", "/ctx/Dockerfile", "--target", "runtime", "--platform", "linux/amd64",
        "--build-arg", "node=20", "--tag", "app:20", "--label", "a=1", "--cache-from", "app:cache", "--network", "none",
        "--secret", "id=npm,env=CAKEPARALLEL_SECRET_0", "--iidfile", "/tmp/x.iid", "--quiet", "/ctx",
    ];

    private static string Hash(params string[] arguments) =>
        BuildInputsHash.Compute(DockerBuildInvocation.Parse(arguments, "/work"), "FROM x\n", "context-digest", [("x", "sha256:1")]);

    private static string[] With(string option, string value)
    {
        var arguments = Base.ToArray();
        arguments[Array.IndexOf(arguments, option) + 1] = value;
        return arguments;
    }

    [Fact]
    public void TheArgvIsReadIntoWhatDecidesTheImage()
    {
        var invocation = DockerBuildInvocation.Parse(Base, "/work");

        invocation.Dockerfile.ShouldBe("/ctx/Dockerfile");
        invocation.Context.ShouldBe("/ctx");
        invocation.Target.ShouldBe("runtime");
        invocation.Platform.ShouldBe("linux/amd64");
        invocation.BuildArgs.ShouldBe(new Dictionary<string, string> { ["node"] = "20" });
        invocation.Labels.ShouldBe(["a=1"]);
        invocation.SecretIds.ShouldBe(["npm"]);
        invocation.OtherArguments.ShouldBe(["--network", "none", "--quiet"]);
    }

    [Fact]
    public void TagsCacheSourcesTheIidFileAndWhereASecretComesFromChangeNothing()
    {
        var hash = Hash(Base);

        hash.ShouldStartWith("sha256:");
        Hash(With("--tag", "app:other")).ShouldBe(hash);
        Hash(With("--cache-from", "other:cache")).ShouldBe(hash);
        Hash(With("--iidfile", "/tmp/y.iid")).ShouldBe(hash);
        Hash(With("--secret", "id=npm,src=/home/me/.npmrc")).ShouldBe(hash);
        Hash(With("--context", "other-engine")).ShouldBe(hash);
    }

    [Fact]
    public void BuildArgsTargetPlatformLabelsSecretIdsAndOtherOptionsChangeIt()
    {
        var hash = Hash(Base);

        Hash(With("--build-arg", "node=22")).ShouldNotBe(hash);
        Hash(With("--target", "test")).ShouldNotBe(hash);
        Hash(With("--platform", "linux/arm64")).ShouldNotBe(hash);
        Hash(With("--label", "a=2")).ShouldNotBe(hash);
        Hash(With("--secret", "id=token,env=CAKEPARALLEL_SECRET_0")).ShouldNotBe(hash);
        Hash(With("--network", "host")).ShouldNotBe(hash);
        BuildInputsHash.Compute(DockerBuildInvocation.Parse(Base, "/work"), "FROM x\nRUN true\n", "context-digest", [("x", "sha256:1")]).ShouldNotBe(hash);
        BuildInputsHash.Compute(DockerBuildInvocation.Parse(Base, "/work"), "FROM x\n", "other-context", [("x", "sha256:1")]).ShouldNotBe(hash);
        BuildInputsHash.Compute(DockerBuildInvocation.Parse(Base, "/work"), "FROM x\n", "context-digest", [("x", "sha256:2")]).ShouldNotBe(hash);
    }

    [Fact]
    public void TheHashLabelItselfIsNotAnInput()
    {
        string[] labelled = [.. Base[..^1], "--label", $"{DockerLabels.InputsHash}=sha256:abc", Base[^1]];

        Hash(labelled).ShouldBe(Hash(Base));
    }
}
