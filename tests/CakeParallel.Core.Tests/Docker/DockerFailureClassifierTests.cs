using CakeParallel.Docker;
using CakeParallel.Model;

namespace CakeParallel.Tests.Docker;

public sealed class DockerFailureClassifierTests
{
    private static readonly AttemptRecord Failed = new(1, DateTimeOffset.UtcNow, TimeSpan.FromSeconds(1), 1, null, AttemptOutcome.Failed, RetryDecision.NotNeeded, "exited with code 1");

    private static string Classify(params string[] tail) => DockerFailureClassifier.Instance.Classify(Failed, tail)!.ToString();

    [Theory]
    [InlineData("ERROR: failed to do request: Head \"https://registry-1.docker.io/v2/library/node/manifests/20\": net/http: TLS handshake timeout", "transient: TLS handshake timeout")]
    [InlineData("failed to solve with frontend dockerfile.v0: failed to create LLB definition: dial tcp 1.2.3.4:443: i/o timeout", "transient: i/o timeout")]
    [InlineData("read tcp 172.17.0.2:5555->1.2.3.4:443: read: connection reset by peer", "transient: connection reset by peer")]
    [InlineData("toomanyrequests: You have reached your pull rate limit.", "transient: registry rate limit (429)")]
    [InlineData("error pulling image configuration: unexpected EOF", "transient: unexpected EOF")]
    [InlineData("received unexpected HTTP status: 503 Service Unavailable", "transient: registry server error (5xx)")]
    [InlineData("Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?", "transient: docker daemon not reachable")]
    [InlineData("Error response from daemon: dockerfile parse error line 2: unknown instruction: RUNN", "deterministic: Dockerfile parse error")]
    [InlineData("The command '/bin/sh -c exit 3' returned a non-zero code: 3", "deterministic: a RUN step exited non-zero")]
    [InlineData("executor failed running [/bin/sh -c exit 3]: exit code: 3", "deterministic: a RUN step exited non-zero")]
    [InlineData("COPY failed: file not found in build context or excluded by .dockerignore: stat app.js: file does not exist", "deterministic: COPY/ADD source not found")]
    [InlineData("failed to compute cache key: \"/app.js\" not found: not found", "deterministic: COPY/ADD source not found")]
    [InlineData("pull access denied for nosuch/image, repository does not exist or may require 'docker login'", "deterministic: base image not found")]
    [InlineData("blob unknown: blob unknown to registry", "transient: registry lost track of a pushed blob")]
    [InlineData("blob upload unknown: blob upload unknown to registry", "transient: registry lost track of a pushed blob")]
    [InlineData("unable to find image \"sha256:c7036afcb9b5fec233a9802ae96298c1e71b521eec095cc19a2085651da89f6d\"", "transient: an image the build was using was removed meanwhile")]
    [InlineData("something nobody has seen before", "deterministic: not a known transient docker error (exit code 1)")]
    public void ClassifiesDockersErrorLines(string line, string expected) => Classify("Step 1/3 : FROM x", line).ShouldBe(expected);

    [Fact]
    public void TheLatestRecognisedLineDecides()
    {
        // A RUN step whose download timed out is still a failed RUN step: rerunning it is the user's call, not ours.
        Classify("curl: (28) Connection timed out: i/o timeout", "The command '/bin/sh -c curl -f x' returned a non-zero code: 28")
            .ShouldBe("deterministic: a RUN step exited non-zero");
        Classify("The command '/bin/sh -c true' returned a non-zero code: 1", "error: net/http: TLS handshake timeout")
            .ShouldBe("transient: TLS handshake timeout");
    }

    [Fact]
    public void ErrorLineIsDockersNotTheBuildsChatter()
    {
        DockerFailurePatterns.ErrorLine(["#5 [3/3] RUN exit 3", "#5 ERROR: executor failed running [/bin/sh -c exit 3]: exit code: 3", "------", " > [3/3] RUN exit 3:", "------", "executor failed running [/bin/sh -c exit 3]: exit code: 3"])
            .ShouldBe("executor failed running [/bin/sh -c exit 3]: exit code: 3");
        DockerFailurePatterns.ErrorLine(["Step 4/4 : RUN exit 3", " ---> Running in 4b73c1debc45", "The command '/bin/sh -c exit 3' returned a non-zero code: 3"])
            .ShouldBe("The command '/bin/sh -c exit 3' returned a non-zero code: 3");
        DockerFailurePatterns.ErrorLine(["Step 1/2 : FROM x", "all fine"]).ShouldBeNull();
    }

    [Fact]
    public void A_registrys_several_errors_are_the_reason_not_dockers_header_above_them()
    {
        // docker push prints a registry's errors under an "errors:" line when there are several (distribution's
        // errcode.Errors); the header alone says nothing.
        string[] push = ["The push refers to repository [127.0.0.1:5000/app]", "5f70bf18a086: Pushed", "errors:", "manifest invalid: manifest invalid", "size invalid: digest and size do not match", ""];
        DockerFailurePatterns.ErrorLine(push).ShouldBe("errors: manifest invalid: manifest invalid; size invalid: digest and size do not match");
        Classify(push).ShouldBe("deterministic: not a known transient docker error (exit code 1)");

        // Two pushes of the same layers at once: the registry lost a blob for a moment, which another attempt gets past.
        string[] race = ["The push refers to repository [127.0.0.1:5000/app]", "errors:", "blob unknown: blob unknown to registry", "blob unknown: blob unknown to registry"];
        DockerFailurePatterns.ErrorLine(race).ShouldBe("blob unknown: blob unknown to registry");
        Classify(race).ShouldBe("transient: registry lost track of a pushed blob");
    }
}
