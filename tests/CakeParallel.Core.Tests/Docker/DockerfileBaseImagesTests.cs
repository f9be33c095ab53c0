using CakeParallel.Docker;

namespace CakeParallel.Tests.Docker;

/// <summary>The images a Dockerfile's FROM lines name, resolved as docker resolves them.</summary>
public sealed class DockerfileBaseImagesTests
{
    private static readonly Dictionary<string, string> NoArgs = [];

    [Fact]
    public void StagesScratchAndPlatformsAreLeftOutAndCopyFromAnImageCounts()
    {
        var images = DockerfileBaseImages.Of("""
            # syntax=docker/dockerfile:1
            FROM --platform=$BUILDPLATFORM golang:1.22 AS build
            RUN go build
            from build as Test
            FROM scratch
            COPY --from=build /app /app
            COPY --from=test /report /report
            COPY --from=0 /x /x
            COPY --from=nginx:1 /etc/nginx /etc/nginx
            FROM golang:1.22
            """, NoArgs);

        images.ShouldBe(["golang:1.22", "nginx:1"]);
    }

    [Fact]
    public void ArgsBeforeTheFirstFromAreSubstitutedWithBuildArgsOrTheirDefaults()
    {
        const string dockerfile = """
            ARG REGISTRY=docker.io
            ARG BASE="${REGISTRY}/library/alpine"
            ARG TAG
            FROM $BASE:${TAG:-3.20}
            ARG LATE=ignored
            FROM ${REGISTRY}/busybox${TAG:+-$TAG}
            FROM ${LATE}x
            """;

        DockerfileBaseImages.Of(dockerfile, NoArgs).ShouldBe(["docker.io/library/alpine:3.20", "docker.io/busybox", "x"]);
        DockerfileBaseImages.Of(dockerfile, new Dictionary<string, string> { ["TAG"] = "3.19", ["REGISTRY"] = "mirror:5000", ["LATE"] = "not-global" })
            .ShouldBe(["mirror:5000/library/alpine:3.19", "mirror:5000/busybox-3.19", "x"]);
    }

    [Fact]
    public void AnUndeclaredBuildArgDoesNotReachFrom()
    {
        DockerfileBaseImages.Of("FROM base${SUFFIX}\n", new Dictionary<string, string> { ["SUFFIX"] = "-dev" }).ShouldBe(["base"]);
    }

    [Fact]
    public void ContinuationLinesAndTheEscapeDirectiveAreHonoured()
    {
        DockerfileBaseImages.Of("FROM \\\n  local/busybox:1 \\\n  AS base\nFROM base\n", NoArgs).ShouldBe(["local/busybox:1"]);
        DockerfileBaseImages.Of("# escape=`\nFROM `\n  mcr.example/windows:ltsc\n", NoArgs).ShouldBe(["mcr.example/windows:ltsc"]);
    }
}
