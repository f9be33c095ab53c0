using Cake.Parallel.Rendering;
using CakeParallel.Model;

namespace Cake.Parallel.Tests;

public sealed class ProgressBoardTests
{
    private readonly ManualTime _time = new();

    [Fact]
    public void The_board_shows_counts_then_each_running_leg_with_its_elapsed_time_and_last_line()
    {
        var board = new ProgressBoard(_time);
        foreach (var name in new[] { "compile", "test", "docs", "pack" })
        {
            board.LegQueued(Leg(name));
        }

        board.AttemptStarted(Leg("compile"), 1, "compile.log");
        _time.Advance(TimeSpan.FromSeconds(3));
        board.AttemptStarted(Leg("test"), 1, "test.log");
        board.OutputLine(Leg("compile"), Line("Step 3/7 : RUN make"));
        board.OutputLine(Leg("test"), Line("\u001b[32mPassed\u001b[0m 12 tests\r"));
        board.AttemptStarted(Leg("docs"), 1, "docs.log");
        board.LegCompleted(new LegResult { Name = "docs", Id = "d", Status = LegStatus.Succeeded });
        _time.Advance(TimeSpan.FromSeconds(62));

        board.Lines(width: 80, maxLines: 10).ShouldBe(
        [
            "-- 2 running, 1 done, 1 waiting, 1m 05s --",
            "   compile   1m 05s  Step 3/7 : RUN make",
            "   test      1m 02s  Passed 12 tests",
        ]);
    }

    [Fact]
    public void A_leg_waiting_for_its_retry_says_so_and_shows_its_attempt_when_it_runs_again()
    {
        var board = new ProgressBoard(_time);
        board.LegQueued(Leg("push"));
        board.AttemptStarted(Leg("push"), 1, "push.log");
        board.OutputLine(Leg("push"), Line("TLS handshake timeout"));
        board.RetryScheduled(Leg("push"), new AttemptRecord(1, _time.GetUtcNow(), TimeSpan.FromSeconds(1), 1, null, AttemptOutcome.Failed, RetryDecision.NotNeeded, null));

        var waiting = board.Lines(80, 10)[1];
        board.AttemptStarted(Leg("push"), 2, "push.log");
        var retrying = board.Lines(80, 10)[1];

        waiting.ShouldBe("   push       0s  waiting to retry");
        retrying.ShouldBe("   push       0s (attempt 2)  TLS handshake timeout");
    }

    [Fact]
    public void Lines_never_reach_the_terminal_width_and_extra_legs_are_counted_instead_of_listed()
    {
        var board = new ProgressBoard(_time);
        foreach (var name in new[] { "a", "b", "c", "d" })
        {
            board.LegQueued(Leg(name));
            board.AttemptStarted(Leg(name), 1, name + ".log");
        }

        board.OutputLine(Leg("a"), Line("构建镜像构建镜像构建镜像构建镜像构建镜像"));

        var lines = board.Lines(width: 30, maxLines: 3);

        lines.Count.ShouldBe(3);
        lines[1].ShouldBe("   a       0s  构建镜像构建镜"); // 29 cells: the wide characters count twice
        lines[2].ShouldBe("   ... and 3 more");
        board.Changed.ShouldBeFalse("drawing the lines takes the changes");
    }

    [Theory]
    [InlineData(0, "0s")]
    [InlineData(59.9, "59s")]
    [InlineData(125, "2m 05s")]
    [InlineData(3720, "1h 02m")]
    public void Elapsed_time_is_shown_in_whole_seconds(double seconds, string expected)
    {
        ProgressBoard.Elapsed(TimeSpan.FromSeconds(seconds)).ShouldBe(expected);
    }

    private static LegSpec Leg(string name) => new(name, "/bin/true", []);

    private OutputLine Line(string text) => new(OutputStream.Stdout, text, _time.GetUtcNow());

    private sealed class ManualTime : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 11, 29, 3, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
