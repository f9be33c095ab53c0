using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.Parallel.Rendering;
using Cake.Parallel.Tests.Infrastructure;
using CakeParallel.Model;

namespace Cake.Parallel.Tests;

/// <summary>How the Cake log and the task's failure show an all-or-nothing publish that was written, held back or failed.</summary>
public sealed class PublishSummaryTests
{
    private static RunResult Run(LegStatus second, PublishResult publish) => new()
    {
        Legs =
        [
            new LegResult { Name = "app-1", Id = "a1", Status = LegStatus.Succeeded },
            new LegResult { Name = "app-2", Id = "a2", Status = second },
        ],
        StartedAt = DateTimeOffset.UtcNow,
        Duration = TimeSpan.FromSeconds(3),
        Publish = publish,
    };

    [Fact]
    public void A_held_back_publish_names_the_legs_and_the_task_fails_for_them()
    {
        var run = Run(LegStatus.Failed, new PublishResult { Outcome = PublishOutcome.HeldBack, Code = ErrorCodes.DockerPublishHeldBack, HeldBackBy = [new PublishHoldBack("app-2", LegStatus.Failed)] });
        var log = new RecordingCakeLog();

        RunReport.Write(log, run, new LegPalette(false));

        log.LinesAt(LogLevel.Error).ShouldContain("  publish held back by: app-2 (failed)");
        Should.Throw<CakeException>(() => RunFailure.ThrowIfUnsuccessful(run, throwOnFailure: true, signal: null)).Message.ShouldStartWith("1 of 2 parallel legs did not succeed: 'app-2' failed");
    }

    [Fact]
    public void A_failed_publish_fails_the_task_even_when_every_leg_succeeded()
    {
        var run = Run(LegStatus.Succeeded, new PublishResult { Outcome = PublishOutcome.Failed, Code = ErrorCodes.DockerPublishFailed, Error = "writing tag app:2 in r.example: HTTP 500; 1 of 2 tags were written before." });
        var log = new RecordingCakeLog();

        RunReport.Write(log, run, new LegPalette(false));

        log.LinesAt(LogLevel.Error).ShouldContain($"  publish failed [{ErrorCodes.DockerPublishFailed}]: writing tag app:2 in r.example: HTTP 500; 1 of 2 tags were written before.");
        Should.Throw<CakeException>(() => RunFailure.ThrowIfUnsuccessful(run, throwOnFailure: true, signal: null)).Message
            .ShouldBe($"Every parallel leg succeeded, but the all-or-nothing publish failed [{ErrorCodes.DockerPublishFailed}]: writing tag app:2 in r.example: HTTP 500; 1 of 2 tags were written before.");
    }

    [Fact]
    public void A_written_publish_counts_its_tags_and_warns_of_each_staging_tag_the_registry_kept()
    {
        var run = Run(LegStatus.Succeeded, new PublishResult
        {
            Outcome = PublishOutcome.Published,
            Tags = [new PublishTag("r.example/app:1", "app-1", "sha256:1") { Written = true }, new PublishTag("r.example/app:2", "app-2", "sha256:2") { Written = true }],
            StagingTags = [new StagingTag("r.example/app:cakeparallel-staging-x-a1", "sha256:1") { Removed = true }, new StagingTag("r.example/app:cakeparallel-staging-x-a2", "sha256:2") { Note = "the registry cannot delete a tag alone (HTTP 400)" }],
        });
        var log = new RecordingCakeLog();

        RunReport.Write(log, run, new LegPalette(false));

        log.LinesAt(LogLevel.Information).ShouldContain("  published 2 tags (1 staging tag kept: the registry cannot delete a tag alone)");
        log.LinesAt(LogLevel.Warning).ShouldBe([$"    {ErrorCodes.DockerStagingTagKept}: staging tag r.example/app:cakeparallel-staging-x-a2 stays in the registry: the registry cannot delete a tag alone (HTTP 400)"]);
        Should.NotThrow(() => RunFailure.ThrowIfUnsuccessful(run, throwOnFailure: true, signal: null));
    }
}
