using System.Text.Json;
using System.Text.Json.Nodes;
using CakeParallel.Docker;
using CakeParallel.Matrix;
using CakeParallel.Model;
using CakeParallel.Reports;
using CakeParallel.Runs;

namespace CakeParallel.Tests.Docker;

/// <summary>
/// The all-or-nothing publish of a docker matrix against the real daemon and a real registry (Debian's
/// docker-registry on 127.0.0.1): what the registry holds is read through its HTTP API.
/// </summary>
public sealed class DockerPublishTests : IDisposable
{
    private const string Dockerfile = "FROM local/busybox:1\nARG n\nCOPY fail /fail\nRUN test ! -e /fail/$n && echo $n > /n\n";

    private readonly Scratch _scratch = new();
    private readonly LocalRegistry _registry;
    private readonly string _name = "cpar-publish-" + Guid.NewGuid().ToString("N")[..8];

    // Every test here is a DockerFact: none is constructed where the daemon is unreachable.
    public DockerPublishTests() => _registry = LocalRegistry.Start();

    public void Dispose()
    {
        var images = TestDocker.Run(["image", "ls", "--format", "{{.Repository}}:{{.Tag}}", $"{_registry.Address}/{_name}"]).StandardOutput
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (images.Length > 0)
        {
            TestDocker.Run(["image", "rm", "--force", .. images]);
        }

        _registry.Dispose();
        _scratch.Dispose();
    }

    /// <summary>Legs 1..3, each tagging <c>n</c> and <c>vn</c>; a leg fails when <c>fail/n</c> exists in the context.</summary>
    private DockerMatrix Matrix(DockerPublishPolicy publish, params int[] failing)
    {
        var context = _scratch.PathOf("app");
        if (Directory.Exists(context))
        {
            Directory.Delete(context, recursive: true);
        }

        Directory.CreateDirectory(Path.Combine(context, "fail"));
        File.WriteAllText(Path.Combine(context, "Dockerfile"), Dockerfile);
        File.WriteAllText(Path.Combine(context, "fail", ".keep"), "");
        foreach (var n in failing)
        {
            File.WriteAllText(Path.Combine(context, "fail", n.ToString(System.Globalization.CultureInfo.InvariantCulture)), "");
        }

        return new DockerMatrix
        {
            Matrix = new MatrixDefinition { Axes = [new MatrixAxis("n", ["1", "2", "3"])] },
            Build = new DockerBuildSettings
            {
                Context = context,
                Tags = [$"{_registry.Address}/{_name}:{{n}}", $"{_registry.Address}/{_name}:v{{n}}"],
                Push = true,
                Publish = publish,
            },
            Retries = 0,
        };
    }

    private RunOptions Options(string? report = null, string? resumeFrom = null) => _scratch.Options(3) with
    {
        Reports = new ReportOptions { ReportFile = report, ResumeFrom = resumeFrom },
    };

    private static readonly string[] FinalTags = ["1", "2", "3", "v1", "v2", "v3"];

    [DockerFact]
    public async Task OneFailingLegMovesNoTagAndTheReportNamesItAndTheSuccessfulDigests()
    {
        var report = _scratch.PathOf("held-back.json");

        var run = await DockerMatrixRunner.RunAsync(Matrix(DockerPublishPolicy.AllOrNothing, failing: 2), Options(report));

        run.Succeeded.ShouldBeFalse();
        run.Legs.Single(l => l.Name == "2").Status.ShouldBe(LegStatus.Failed);
        var publish = run.Publish.ShouldNotBeNull();
        publish.Outcome.ShouldBe(PublishOutcome.HeldBack);
        publish.Code.ShouldBe(ErrorCodes.DockerPublishHeldBack);
        publish.HeldBackBy.ShouldBe([new PublishHoldBack("2", LegStatus.Failed)]);
        RunSummary.PublishLine(run).ShouldBe("publish held back by: 2 (failed)");

        // No final tag exists in the registry: only the staging tags of the two successful legs.
        foreach (var tag in FinalTags)
        {
            _registry.Digest(_name, tag).ShouldBeNull($"final tag {tag} must not exist");
        }

        var staging = _registry.Tags(_name);
        staging.Count.ShouldBe(2);
        staging.ShouldAllBe(t => t.StartsWith("cakeparallel-staging-" + run.RunId + "-", StringComparison.Ordinal));
        publish.StagingTags.Select(s => s.Tag[(s.Tag.LastIndexOf(':') + 1)..]).Order(StringComparer.Ordinal).ShouldBe(staging);
        publish.StagingTags.ShouldAllBe(s => !s.Removed && s.Note!.Contains("resumed run"));

        // The successful legs' digests are in the report: each final tag with the digest its leg staged.
        foreach (var leg in run.Legs.Where(l => l.Name != "2"))
        {
            leg.Status.ShouldBe(LegStatus.Succeeded, leg.FailureReason);
            var (stagingTag, digest) = leg.PushedDigests.ShouldHaveSingleItem();
            _registry.Digest(_name, stagingTag[(stagingTag.LastIndexOf(':') + 1)..]).ShouldBe(digest);
            publish.Tags.Where(t => t.Leg == leg.Name).ShouldAllBe(t => t.Digest == digest && !t.Written);
        }

        publish.Tags.Where(t => t.Leg == "2").ShouldAllBe(t => t.Digest == null && !t.Written);

        // The engine keeps only the final tags: the staging tags live in the registry alone.
        TestDocker.Run(["image", "ls", "--format", "{{.Tag}}", $"{_registry.Address}/{_name}"]).StandardOutput
            .ShouldNotContain("cakeparallel-staging-");

        var json = JsonNode.Parse(File.ReadAllText(report))!["publish"]!;
        json["policy"]!.GetValue<string>().ShouldBe("all-or-nothing");
        json["outcome"]!.GetValue<string>().ShouldBe("heldBack");
        json["heldBackBy"]!.AsArray().ShouldHaveSingleItem()!["leg"]!.GetValue<string>().ShouldBe("2");
        json["tags"]!.AsArray().Count.ShouldBe(6);
        var read = JsonRunReport.Read(report).Publish.ShouldNotBeNull();
        read.Outcome.ShouldBe(publish.Outcome);
        read.HeldBackBy.ShouldBe(publish.HeldBackBy);
        read.Tags.ShouldBe(publish.Tags);
        read.StagingTags.ShouldBe(publish.StagingTags);
    }

    [DockerFact]
    public async Task WithNoFailureEveryFinalTagPointsAtTheReportedDigest()
    {
        var run = await DockerMatrixRunner.RunAsync(Matrix(DockerPublishPolicy.AllOrNothing), Options());

        run.Succeeded.ShouldBeTrue(string.Join("; ", run.Legs.Select(l => l.FailureReason)));
        var publish = run.Publish.ShouldNotBeNull();
        publish.Outcome.ShouldBe(PublishOutcome.Published, publish.Error);
        publish.Tags.Count.ShouldBe(6);
        foreach (var tag in publish.Tags)
        {
            tag.Written.ShouldBeTrue();
            var leg = run.Legs.Single(l => l.Name == tag.Leg);
            tag.Digest.ShouldBe(leg.PushedDigests.Values.ShouldHaveSingleItem());
            _registry.Digest(_name, tag.Tag[(tag.Tag.LastIndexOf(':') + 1)..]).ShouldBe(tag.Digest, $"{tag.Tag} in the registry");
        }

        publish.Tags.Select(t => t.Digest).Distinct().Count().ShouldBe(3, "each leg's image is its own");

        // distribution 2.8 cannot delete a tag alone (DELETE by tag is refused), and deleting by digest would
        // delete the final tags too: the staging tags stay, and the report says why.
        publish.StagingTags.Count.ShouldBe(3);
        publish.StagingTags.ShouldAllBe(s => !s.Removed && s.Note!.Contains("cannot delete a tag alone"));
        _registry.Tags(_name).Count(t => t.StartsWith("cakeparallel-staging-", StringComparison.Ordinal)).ShouldBe(3);
        RunSummary.PublishLine(run).ShouldBe("published 6 tags (3 staging tags kept: the registry cannot delete a tag alone)");
    }

    [DockerFact]
    public async Task AResumedRunPublishesTheEarlierLegsStagedImagesWithTheLegBuiltNow()
    {
        var report = _scratch.PathOf("first.json");
        var first = await DockerMatrixRunner.RunAsync(Matrix(DockerPublishPolicy.AllOrNothing, failing: 2), Options(report));
        first.Publish.ShouldNotBeNull().Outcome.ShouldBe(PublishOutcome.HeldBack);

        var second = await DockerMatrixRunner.RunAsync(Matrix(DockerPublishPolicy.AllOrNothing), Options(resumeFrom: report));

        second.Legs.Where(l => l.Name != "2").ShouldAllBe(l => l.Status == LegStatus.Reused);
        second.Legs.Single(l => l.Name == "2").Status.ShouldBe(LegStatus.Succeeded);
        var publish = second.Publish.ShouldNotBeNull();
        publish.Outcome.ShouldBe(PublishOutcome.Published, publish.Error);
        foreach (var tag in publish.Tags)
        {
            _registry.Digest(_name, tag.Tag[(tag.Tag.LastIndexOf(':') + 1)..]).ShouldBe(tag.Digest);
        }

        foreach (var leg in first.Legs.Where(l => l.Name != "2"))
        {
            publish.Tags.Where(t => t.Leg == leg.Name).ShouldAllBe(t => t.Digest == leg.PushedDigests.Values.Single(), "the image the first run built and staged");
        }
    }

    [DockerFact]
    public async Task ARegistryErrorFailsThePublishAndTheRunWithoutMovingATag()
    {
        // A report whose successful legs claim a digest the registry never received: reading it fails.
        var report = _scratch.PathOf("first.json");
        await DockerMatrixRunner.RunAsync(Matrix(DockerPublishPolicy.AllOrNothing, failing: 2), Options(report));
        var document = JsonNode.Parse(File.ReadAllText(report))!;
        foreach (var leg in document["legs"]!.AsArray())
        {
            if (leg!["pushedDigests"] is JsonObject digests)
            {
                foreach (var key in digests.Select(d => d.Key).ToArray())
                {
                    digests[key] = "sha256:" + new string('0', 64);
                }
            }
        }

        File.WriteAllText(report, document.ToJsonString());

        var run = await DockerMatrixRunner.RunAsync(Matrix(DockerPublishPolicy.AllOrNothing), Options(resumeFrom: report));

        run.Legs.ShouldAllBe(l => l.Status == LegStatus.Succeeded || l.Status == LegStatus.Reused);
        run.Succeeded.ShouldBeFalse("a failed publish fails the run");
        var publish = run.Publish.ShouldNotBeNull();
        publish.Outcome.ShouldBe(PublishOutcome.Failed);
        publish.Code.ShouldBe(ErrorCodes.DockerPublishFailed);
        publish.Error.ShouldNotBeNull().ShouldContain("MANIFEST_UNKNOWN");
        publish.Error.ShouldEndWith("no tag was written.");
        publish.Tags.ShouldAllBe(t => !t.Written);
        foreach (var tag in FinalTags)
        {
            _registry.Digest(_name, tag).ShouldBeNull();
        }

        RunSummary.PublishLine(run).ShouldNotBeNull().ShouldStartWith($"publish failed [{ErrorCodes.DockerPublishFailed}]: reading manifest {_name}@sha256:000");
    }

    [DockerFact]
    public async Task PerLegStaysTheDefaultEachSuccessfulLegPushesItsOwnTags()
    {
        new DockerBuildSettings().Publish.ShouldBe(DockerPublishPolicy.PerLeg);

        var run = await DockerMatrixRunner.RunAsync(Matrix(default, failing: 2), Options());

        run.Publish.ShouldBeNull();
        foreach (var leg in run.Legs.Where(l => l.Name != "2"))
        {
            leg.PushedDigests.Keys.Order(StringComparer.Ordinal).ShouldBe(leg.Tags.Order(StringComparer.Ordinal));
            foreach (var (tag, digest) in leg.PushedDigests)
            {
                _registry.Digest(_name, tag[(tag.LastIndexOf(':') + 1)..]).ShouldBe(digest);
            }
        }

        _registry.Tags(_name).ShouldBe(["1", "3", "v1", "v3"]);
    }

    [DockerFact]
    public async Task AllOrNothingWithoutPushOrInAShardIsAnInputErrorNamingTheField()
    {
        var matrix = Matrix(DockerPublishPolicy.AllOrNothing);

        var withoutPush = await RunPlanner.PlanAsync(matrix with { Build = matrix.Build with { Push = false } }, Options());
        var sharded = await RunPlanner.PlanAsync(matrix, Options() with { Shard = new Shard(1, 2) });

        var error = withoutPush.Errors.ShouldHaveSingleItem();
        error.Code.ShouldBe(ErrorCodes.DockerPublishNeedsPush);
        error.Field.ShouldBe("build.publish");
        error.Message.ShouldContain("needs push");
        var shardError = sharded.Errors.ShouldHaveSingleItem();
        shardError.Code.ShouldBe(ErrorCodes.DockerPublishSharded);
        shardError.Field.ShouldBe("build.publish");
        shardError.Message.ShouldContain("shard 1/2");
    }

    [DockerFact]
    public async Task ARegistryTheEngineListsAsInsecureIsReachedOverPlainHttpByThePublishAndTheUpToDateCheck()
    {
        // Not loopback, so plain http is right only because the engine that pushed lists the registry as insecure.
        var address = LocalRegistry.NonLoopbackAddress().ShouldNotBeNull("this test needs an IPv4 address that is not loopback");
        using var registry = LocalRegistry.Start(listenOn: address);
        using var engine = ExtraDockerEngine.Start("--insecure-registry=" + registry.Address);
        var matrix = Matrix(DockerPublishPolicy.AllOrNothing);
        matrix = matrix with
        {
            Build = matrix.Build with
            {
                Tags = [$"{registry.Address}/{_name}:{{n}}"],
                Endpoints = [new DockerEngineEndpoint { Host = engine.Host, Name = "insecure", MaxParallel = 3 }],
            },
        };

        var run = await DockerMatrixRunner.RunAsync(matrix, Options());

        run.Legs.ShouldAllBe(l => l.Status == LegStatus.Succeeded);
        var publish = run.Publish.ShouldNotBeNull();
        publish.Outcome.ShouldBe(PublishOutcome.Published, publish.Error);
        publish.Tags.Count.ShouldBe(3);
        foreach (var tag in publish.Tags)
        {
            registry.Digest(_name, tag.Tag[(tag.Tag.LastIndexOf(':') + 1)..]).ShouldBe(tag.Digest);
        }

        // The up-to-date check reads the registry by the same rule: over https it could not, and every leg would build.
        var again = await DockerMatrixRunner.RunAsync(matrix, Options());

        again.Legs.ShouldAllBe(l => l.Status == LegStatus.UpToDate, string.Join("\n", again.Legs.Select(l => File.ReadAllText(l.LogFile!))));
        again.Publish.ShouldNotBeNull().Outcome.ShouldBe(PublishOutcome.Published, again.Publish.Error);
    }

    [DockerFact]
    public async Task WithTargetsEveryLegCanHoldThePublishBackAndOnlyThePushingTargetsTagsArePublished()
    {
        var root = _scratch.PathOf("targets");
        Directory.CreateDirectory(Path.Combine(root, "base"));
        Directory.CreateDirectory(Path.Combine(root, "app"));
        File.WriteAllText(Path.Combine(root, "base", "Dockerfile"), "FROM local/busybox:1\nARG os\nRUN echo $os > /os\n");
        File.WriteAllText(Path.Combine(root, "app", "Dockerfile"), "ARG BASE\nFROM ${BASE}\nARG node\nRUN test \"$node-$(cat /os)\" != 22-b\n");
        var local = "cpar-publish-base-" + Guid.NewGuid().ToString("N")[..8];
        File.WriteAllText(Path.Combine(root, "matrix.json"), $$"""
            {
              "build": { "retries": 0, "publish": "all-or-nothing" },
              "targets": {
                "base": { "matrix": { "os": ["a", "b"] }, "build": { "context": "base", "tags": ["{{local}}:{os}"] } },
                "app": {
                  "needs": "base",
                  "matrix": { "os": ["a", "b"], "node": [20, 22] },
                  "build": { "context": "app", "tags": ["{{_registry.Address}}/{{_name}}:{os}-{node}"], "buildArgs": { "BASE": "{base.tag}" }, "push": true }
                }
              }
            }
            """);
        try
        {
            var run = await DockerMatrixRunner.RunAsync(DockerMatrixFile.Load(Path.Combine(root, "matrix.json")), Options());

            run.Legs.Single(l => l.Name == "app-b-22").Status.ShouldBe(LegStatus.Failed);
            var publish = run.Publish.ShouldNotBeNull();
            publish.Outcome.ShouldBe(PublishOutcome.HeldBack);
            publish.HeldBackBy.ShouldBe([new PublishHoldBack("app-b-22", LegStatus.Failed)]);
            // The base target does not push: its tags stay on the engine.
            publish.Tags.Select(t => t.Leg).Distinct().Order(StringComparer.Ordinal).ShouldBe(["app-a-20", "app-a-22", "app-b-20", "app-b-22"]);
            _registry.Tags(_name).ShouldAllBe(t => t.StartsWith("cakeparallel-staging-", StringComparison.Ordinal));
            _registry.Tags(_name).Count.ShouldBe(3);
        }
        finally
        {
            TestDocker.Run(["image", "rm", "--force", local + ":a", local + ":b"]);
        }
    }
}

/// <summary>The publish against registries that want credentials: Basic (htpasswd), and Bearer tokens from a real token service.</summary>
public sealed class DockerPublishAuthenticationTests : IDisposable
{
    private readonly Scratch _scratch = new();
    private readonly string _name = "cpar-publish-auth-" + Guid.NewGuid().ToString("N")[..8];
    private readonly List<string> _repositories = [];

    public void Dispose()
    {
        foreach (var repository in _repositories)
        {
            var images = TestDocker.Run(["image", "ls", "--format", "{{.Repository}}:{{.Tag}}", repository]).StandardOutput
                .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (images.Length > 0)
            {
                TestDocker.Run(["image", "rm", "--force", .. images]);
            }
        }

        _scratch.Dispose();
    }

    /// <summary>A matrix of <paramref name="legs"/> (axis <c>n</c>) that pushes to <paramref name="registry"/> and publishes all or nothing, its docker client given <paramref name="environment"/>.</summary>
    private DockerMatrix PublishMatrix(LocalRegistry registry, string dockerfile, string[] legs, Dictionary<string, string?> environment)
    {
        var context = _scratch.PathOf("app");
        Directory.CreateDirectory(context);
        File.WriteAllText(Path.Combine(context, "Dockerfile"), dockerfile);
        return new DockerMatrix
        {
            Matrix = new MatrixDefinition { Axes = [new MatrixAxis("n", legs)] },
            Build = new DockerBuildSettings
            {
                Context = context,
                Tags = [$"{registry.Address}/{_name}:{{n}}"],
                Push = true,
                Publish = DockerPublishPolicy.AllOrNothing,
                EnvironmentVariables = environment,
            },
            Retries = 0,
        };
    }

    /// <summary>Every leg succeeded, the publish published, and each final tag in the registry is the digest the report gives.</summary>
    private void EveryTagIsPublishedAtItsDigest(RunResult run, LocalRegistry registry)
    {
        run.Legs.ShouldAllBe(l => l.Status == LegStatus.Succeeded);
        var publish = run.Publish.ShouldNotBeNull();
        publish.Outcome.ShouldBe(PublishOutcome.Published, publish.Error);
        foreach (var tag in publish.Tags)
        {
            registry.Digest(_name, tag.Tag[(tag.Tag.LastIndexOf(':') + 1)..]).ShouldBe(tag.Digest);
        }
    }

    [DockerTheory]
    [InlineData(LocalRegistryAuth.Basic)]
    [InlineData(LocalRegistryAuth.Token)]
    public async Task CredentialsFromTheDockerClientsConfigPublishEveryTag(LocalRegistryAuth auth)
    {
        using var registry = LocalRegistry.Start(auth);
        _repositories.Add($"{registry.Address}/{_name}");
        var config = _scratch.PathOf("docker-config");
        registry.WriteDockerConfig(config);
        var matrix = PublishMatrix(registry, "FROM local/busybox:1\nARG n\nRUN echo $n > /n\n", ["1", "2"], new Dictionary<string, string?> { ["DOCKER_CONFIG"] = config });

        var run = await DockerMatrixRunner.RunAsync(matrix, _scratch.Options(2));

        EveryTagIsPublishedAtItsDigest(run, registry);

        if (registry.Tokens is { } tokens)
        {
            // The daemon (User-Agent docker/…) for the staging pushes, the publish (no User-Agent) for pull and push on the repository.
            tokens.Issued.ShouldContain(i => i.UserAgent.StartsWith("docker/", StringComparison.Ordinal));
            tokens.Issued.ShouldContain(i => i.UserAgent.Length == 0 && i.Scope == $"repository:{_name}:pull,push");
        }
    }

    [DockerTheory]
    [InlineData("credsStore")]
    [InlineData("credHelpers")]
    public async Task ACredentialHelperTheClientsConfigNamesIsAskedAsDockerAsksIt(string setting)
    {
        using var registry = LocalRegistry.Start(LocalRegistryAuth.Token);
        _repositories.Add($"{registry.Address}/{_name}");

        var bin = CredentialHelper(registry, LocalRegistry.UserName, LocalRegistry.Password);
        var config = _scratch.PathOf("docker-config");
        Directory.CreateDirectory(config);
        File.WriteAllText(Path.Combine(config, "config.json"), setting == "credsStore"
            ? """{ "credsStore": "cpartest" }"""
            : $$"""{ "credHelpers": { "{{registry.Address}}": "cpartest" } }""");
        var matrix = PublishMatrix(registry, "FROM local/busybox:1\nARG n\nRUN echo $n > /n\n", ["1", "2"], new Dictionary<string, string?> { ["DOCKER_CONFIG"] = config, ["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH") });

        var run = await DockerMatrixRunner.RunAsync(matrix, _scratch.Options(2));

        EveryTagIsPublishedAtItsDigest(run, registry);

        // The publish's own token requests carry the helper's credentials (the token server refuses requests without).
        registry.Tokens.ShouldNotBeNull().Issued.ShouldContain(i => i.UserAgent.Length == 0 && i.Scope == $"repository:{_name}:pull,push");
        File.ReadAllLines(Path.Combine(bin, "asked")).ShouldContain(registry.Address);
    }

    [DockerFact]
    public async Task AnIdentityTokenFromTheCredentialHelperIsExchangedForAnAccessTokenAsDockerDoes()
    {
        // The helper holds an identity token (user name "<token>", as `az acr login` stores one): docker and the
        // publish both exchange it at the token service (OAuth2 refresh_token grant); the service refuses Basic
        // requests without the user's password, so only the exchange can succeed.
        using var registry = LocalRegistry.Start(LocalRegistryAuth.Token);
        _repositories.Add($"{registry.Address}/{_name}");
        var bin = CredentialHelper(registry, "<token>", RegistryTokenServer.IdentityToken);
        var config = _scratch.PathOf("docker-config");
        Directory.CreateDirectory(config);
        File.WriteAllText(Path.Combine(config, "config.json"), """{ "credsStore": "cpartest" }""");
        var matrix = PublishMatrix(registry, "FROM local/busybox:1\nARG n\nRUN echo $n > /n\n", ["1", "2"], new Dictionary<string, string?> { ["DOCKER_CONFIG"] = config, ["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH") });

        var run = await DockerMatrixRunner.RunAsync(matrix, _scratch.Options(2));

        EveryTagIsPublishedAtItsDigest(run, registry);
        var issued = registry.Tokens.ShouldNotBeNull().Issued;
        issued.ShouldContain(i => i.UserAgent.Length == 0 && i.Scope == $"repository:{_name}:pull,push" && i.Grant == "refresh_token", string.Join("\n", issued));
        issued.ShouldAllBe(i => i.Grant == "refresh_token");
    }

    /// <summary>
    /// A credential helper as docker-credential-helpers' protocol has it (<c>get</c> reads the server from stdin),
    /// answering for <paramref name="registry"/> only, in a new folder for <c>PATH</c>; it notes each server asked in <c>asked</c> there.
    /// </summary>
    private string CredentialHelper(LocalRegistry registry, string userName, string secret)
    {
        var bin = _scratch.PathOf("bin");
        Directory.CreateDirectory(bin);
        var helper = Path.Combine(bin, "docker-credential-cpartest");
        File.WriteAllText(helper, $$"""
            #!/bin/sh
            case "$1" in
              get)
                read -r server
                echo "$server" >> "{{bin}}/asked"
                if [ "$server" = "{{registry.Address}}" ]; then
                  printf '{"ServerURL":"%s","Username":"{{userName}}","Secret":"{{secret}}"}\n' "$server"
                else
                  echo "credentials not found in native keychain"; exit 1
                fi ;;
              store|erase) cat > /dev/null ;;
              list) echo '{}' ;;
            esac
            """.Replace("\r\n", "\n"));
        File.SetUnixFileMode(helper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return bin;
    }

    [DockerFact]
    public async Task AFailingCredentialHelperIsNamedInThePublishError()
    {
        using var registry = LocalRegistry.Start(LocalRegistryAuth.Basic);
        _repositories.Add($"{registry.Address}/{_name}");
        var withCredentials = _scratch.PathOf("docker-config");
        registry.WriteDockerConfig(withCredentials);
        var matrix = PublishMatrix(registry, "FROM local/busybox:1\nRUN true\n", ["1"], new Dictionary<string, string?> { ["DOCKER_CONFIG"] = withCredentials });
        var pushed = await DockerMatrixRunner.RunAsync(matrix, _scratch.Options(1) with { Reports = new ReportOptions { ReportFile = _scratch.PathOf("pushed.json") } });
        pushed.Publish.ShouldNotBeNull().Outcome.ShouldBe(PublishOutcome.Published, pushed.Publish.Error);

        // The resumed run only publishes: its client config names a helper that is not installed.
        var broken = _scratch.PathOf("broken-config");
        Directory.CreateDirectory(broken);
        File.WriteAllText(Path.Combine(broken, "config.json"), """{ "credsStore": "cpar-no-such-helper" }""");
        var resumed = matrix with { Build = matrix.Build with { EnvironmentVariables = new Dictionary<string, string?> { ["DOCKER_CONFIG"] = broken } } };
        var run = await DockerMatrixRunner.RunAsync(resumed, _scratch.Options(1) with { Reports = new ReportOptions { ResumeFrom = _scratch.PathOf("pushed.json") } });

        var publish = run.Publish.ShouldNotBeNull();
        publish.Outcome.ShouldBe(PublishOutcome.Failed);
        publish.Error.ShouldNotBeNull().ShouldContain("credential helper 'docker-credential-cpar-no-such-helper' failed for " + registry.Address);
    }

    [DockerFact]
    public async Task WithoutCredentialsThePublishFailsNamingWhatIsMissing()
    {
        using var registry = LocalRegistry.Start(LocalRegistryAuth.Basic);
        _repositories.Add($"{registry.Address}/{_name}");
        var withCredentials = _scratch.PathOf("docker-config");
        registry.WriteDockerConfig(withCredentials);

        // A first run pushes and publishes with credentials; a resumed run publishes again with a client config without any.
        var empty = _scratch.PathOf("empty-config");
        Directory.CreateDirectory(empty);
        var matrix = PublishMatrix(registry, "FROM local/busybox:1\nRUN true\n", ["1"], new Dictionary<string, string?> { ["DOCKER_CONFIG"] = withCredentials });
        var legPushed = await DockerMatrixRunner.RunAsync(matrix, _scratch.Options(1) with { Reports = new ReportOptions { ReportFile = _scratch.PathOf("pushed.json") } });
        legPushed.Publish.ShouldNotBeNull().Outcome.ShouldBe(PublishOutcome.Published, legPushed.Publish.Error);

        var anonymous = matrix with { Build = matrix.Build with { EnvironmentVariables = new Dictionary<string, string?> { ["DOCKER_CONFIG"] = empty } } };
        var run = await DockerMatrixRunner.RunAsync(anonymous, _scratch.Options(1) with { Reports = new ReportOptions { ResumeFrom = _scratch.PathOf("pushed.json") } });

        run.Legs.ShouldHaveSingleItem().Status.ShouldBe(LegStatus.Reused);
        var publish = run.Publish.ShouldNotBeNull();
        publish.Outcome.ShouldBe(PublishOutcome.Failed);
        publish.Error.ShouldNotBeNull().ShouldContain($"{registry.Address} asks for credentials, and the docker client has none stored for it");
        run.Succeeded.ShouldBeFalse();
    }
}

/// <summary>The publish setting in matrix files, without a daemon.</summary>
public sealed class DockerPublishSettingTests : IDisposable
{
    private readonly Scratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public void TheMatrixFileSaysPublishByName()
    {
        var json = """{ "matrix": { "n": [1] }, "build": { "tags": ["r.example/app:{n}"], "push": true, "publish": "all-or-nothing" } }""";
        DockerMatrixFile.Parse(json, _scratch.Directory).Build.Publish.ShouldBe(DockerPublishPolicy.AllOrNothing);
        DockerMatrixFile.Parse(json.Replace("all-or-nothing", "per-leg", StringComparison.Ordinal), _scratch.Directory).Build.Publish.ShouldBe(DockerPublishPolicy.PerLeg);

        var error = Should.Throw<InvalidRunException>(() => DockerMatrixFile.Parse(json.Replace("all-or-nothing", "atomic", StringComparison.Ordinal), _scratch.Directory)).Errors.ShouldHaveSingleItem();
        error.Code.ShouldBe(ErrorCodes.MatrixFileValueInvalid);
        error.Field.ShouldBe("$.build.publish");
        error.Message.ShouldContain("\"per-leg\" or \"all-or-nothing\"");
    }

    [Fact]
    public void WithTargetsPublishIsAWholeFileSetting()
    {
        var json = """{ "targets": { "app": { "matrix": { "n": [1] }, "build": { "tags": ["r.example/app:{n}"], "push": true, "publish": "all-or-nothing" } } } }""";

        var error = Should.Throw<InvalidRunException>(() => DockerMatrixFile.Parse(json, _scratch.Directory)).Errors.ShouldHaveSingleItem();

        error.Field.ShouldBe("$.targets.app.build.publish");
        error.Message.ShouldBe("'publish' applies to the whole file, not to one target; set it in the top-level 'build'.");
    }
}
