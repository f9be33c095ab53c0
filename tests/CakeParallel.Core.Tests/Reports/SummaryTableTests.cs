using CakeParallel.Model;
using CakeParallel.Reports;

namespace CakeParallel.Tests.Reports;

public sealed class SummaryTableTests
{
    [Fact]
    public void Columns_are_aligned_and_the_image_column_appears_for_docker_legs()
    {
        var run = new RunResult
        {
            StartedAt = DateTimeOffset.UnixEpoch,
            Duration = TimeSpan.FromSeconds(3),
            Legs =
            [
                new LegResult
                {
                    Name = "alpine-3.20", Id = "1", Status = LegStatus.Succeeded, Duration = TimeSpan.FromSeconds(2.5), ExitCode = 0,
                    ImageId = "sha256:0123456789abcdef0123", Attempts = [Attempt(1)],
                },
                new LegResult
                {
                    Name = "debian", Id = "2", Status = LegStatus.TimedOut, Duration = TimeSpan.FromSeconds(90), ExitCode = 137, Signal = "SIGKILL",
                    Attempts = [Attempt(1), Attempt(2)],
                },
                new LegResult { Name = "late", Id = "3", Status = LegStatus.NotStarted },
            ],
        };

        RunSummary.TableLines(run).ShouldBe(
        [
            "Leg          Status       Attempts  Duration  Exit           Image",
            "alpine-3.20  succeeded    1         2.5 s     0              0123456789ab",
            "debian       timed out    2         1m 30s    137 (SIGKILL)  -",
            "late         not started  0         -         -              -",
        ]);
    }

    [Fact]
    public void Without_images_there_is_no_image_column()
    {
        var run = new RunResult
        {
            StartedAt = DateTimeOffset.UnixEpoch,
            Duration = TimeSpan.FromSeconds(1),
            Legs = [new LegResult { Name = "x", Id = "1", Status = LegStatus.Succeeded, ExitCode = 0, Duration = TimeSpan.FromMilliseconds(20), Attempts = [Attempt(1)] }],
        };

        RunSummary.TableLines(run).ShouldBe(["Leg  Status     Attempts  Duration  Exit", "x    succeeded  1         20 ms     0"]);
    }

    [Fact]
    public void A_reused_leg_keeps_its_image_but_shows_nothing_of_the_earlier_run_as_this_runs()
    {
        var run = new RunResult
        {
            StartedAt = DateTimeOffset.UnixEpoch,
            Duration = TimeSpan.FromSeconds(1),
            Legs =
            [
                new LegResult
                {
                    Name = "slim", Id = "1", Status = LegStatus.Reused, ExitCode = 0, Duration = TimeSpan.FromSeconds(40),
                    ImageId = "sha256:fedcba9876543210", Attempts = [Attempt(1), Attempt(2)],
                },
                new LegResult { Name = "full", Id = "2", Status = LegStatus.Succeeded, ExitCode = 0, Duration = TimeSpan.FromSeconds(2), Attempts = [Attempt(1)] },
            ],
        };

        RunSummary.TableLines(run).ShouldBe(
        [
            "Leg   Status     Attempts  Duration  Exit  Image",
            "slim  reused     -         -         -     fedcba987654",
            "full  succeeded  1         2.0 s     0     -",
        ]);
    }

    [Fact]
    public void Markdown_and_html_show_the_same_row_as_the_log_table()
    {
        var run = new RunResult
        {
            StartedAt = DateTimeOffset.UnixEpoch,
            Duration = TimeSpan.FromSeconds(1),
            Legs =
            [
                new LegResult
                {
                    Name = "slim", Id = "1", Status = LegStatus.Reused, ExitCode = 0, Duration = TimeSpan.FromSeconds(40),
                    ImageId = "sha256:fedcba9876543210", Attempts = [Attempt(1), Attempt(2)],
                },
            ],
        };

        RunSummary.Rows(run).Single().ShouldBe(new LegSummaryRow("slim", LegStatus.Reused, "reused", "", "", "", "fedcba987654"));
        MarkdownSummary.Render(run).ShouldContain("| ♻️ | slim | reused | – | – | – | `fedcba987654` |");
        var html = HtmlTimeline.Render(run);
        html.ShouldContain("<td class=\"num\">–</td><td class=\"num\">–</td><td class=\"num\">–</td>");
        html.ShouldContain("<code title=\"sha256:fedcba9876543210\">fedcba987654</code>");
    }

    [Fact]
    public void Attempt_and_leg_sentences_are_worded_once()
    {
        var killed = new AttemptRecord(1, DateTimeOffset.UnixEpoch, TimeSpan.FromSeconds(2), 137, "SIGKILL", AttemptOutcome.Failed,
            new RetryDecision(true, "transient: TLS handshake timeout", TimeSpan.FromMilliseconds(850)), "killed by SIGKILL");
        var cancelled = killed with { Outcome = AttemptOutcome.Cancelled, Signal = "SIGTERM", ExitCode = 143 };

        AttemptText.Retry(killed, 3).ShouldBe("attempt 1 of 3 was killed by SIGKILL; retrying in 850 ms (transient: TLS handshake timeout)");
        AttemptText.Retry(killed with { Signal = null, ExitCode = 3 }, 3).ShouldStartWith("attempt 1 of 3 failed (exit 3); retrying in 850 ms");
        AttemptText.Outcome(cancelled).ShouldBe("cancelled", "the status word, as in every report: not 'was cancelled'");
        AttemptText.Describe(killed).ShouldBe("attempt 1: failed after 2.0 s, exit 137 (SIGKILL): killed by SIGKILL; retried after 850 ms (transient: TLS handshake timeout)");

        var failed = new LegResult
        {
            Name = "x", Id = "1", Status = LegStatus.Failed, Duration = TimeSpan.FromSeconds(3), ExitCode = 3,
            FailureReason = "Exited with code 3", Attempts = [Attempt(1), Attempt(2)],
        };
        LegText.Completion(failed).ShouldBe("failed after 2 attempts in 3.0 s: Exited with code 3");
        LegText.Completion(failed with { Status = LegStatus.Succeeded, FailureReason = null, Attempts = [Attempt(1)] }).ShouldBe("succeeded in 3.0 s");
        LegText.Reason(failed with { FailureReason = null }).ShouldBe("failed");
        LegText.ErrorCode(LegStatus.TimedOut).ShouldBe(ErrorCodes.LegTimedOut);
        LegText.ErrorCode(LegStatus.Reused).ShouldBeNull();
    }

    private static AttemptRecord Attempt(int number) =>
        new(number, DateTimeOffset.UnixEpoch, TimeSpan.FromSeconds(1), 0, null, AttemptOutcome.Succeeded, RetryDecision.NotNeeded, null);
}
