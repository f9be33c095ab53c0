using Cake.Parallel.Rendering;
using CakeParallel.Model;

namespace Cake.Parallel.Tests;

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

        SummaryTable.Lines(run).ShouldBe(
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

        SummaryTable.Lines(run).ShouldBe(["Leg  Status     Attempts  Duration  Exit", "x    succeeded  1         20 ms     0"]);
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

        SummaryTable.Lines(run).ShouldBe(
        [
            "Leg   Status     Attempts  Duration  Exit  Image",
            "slim  reused     -         -         -     fedcba987654",
            "full  succeeded  1         2.0 s     0     -",
        ]);
    }

    private static AttemptRecord Attempt(int number) =>
        new(number, DateTimeOffset.UnixEpoch, TimeSpan.FromSeconds(1), 0, null, AttemptOutcome.Succeeded, RetryDecision.NotNeeded, null);
}
