using CakeParallel.Model;
using CakeParallel.Runs;

namespace CakeParallel.Tests.Supervision;

public sealed class TerminationTests : IDisposable
{
    private readonly Scratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task A_timed_out_leg_takes_its_grandchildren_and_double_forked_orphans_with_it()
    {
        var marker = ProcessScan.NewMarker();
        var leg = Scratch.Sh("forks", "sleep 1000 & (sleep 1000 &) ; sh -c 'sleep 1000' & echo started; wait") with
        {
            EnvironmentVariables = ProcessScan.Env(marker),
            Timeout = TimeSpan.FromMilliseconds(500),
        };

        var result = await ParallelRunner.RunAsync([leg], _scratch.Options());

        var outcome = result.Legs.Single();
        outcome.Status.ShouldBe(LegStatus.TimedOut);
        outcome.ExitCode.ShouldBe(143);
        outcome.Signal.ShouldBe("SIGTERM");
        outcome.FailureReason.ShouldBe("Timed out after 500 ms; it exited on SIGTERM");
        ProcessScan.LiveWithMarker(marker).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_leg_that_ignores_SIGTERM_is_killed_after_the_grace_period()
    {
        var marker = ProcessScan.NewMarker();
        var leg = Scratch.Sh("stubborn", "trap '' TERM; sleep 1000 & while true; do sleep 0.1; done") with
        {
            EnvironmentVariables = ProcessScan.Env(marker),
            Timeout = TimeSpan.FromMilliseconds(300),
        };
        var options = _scratch.Options() with { Termination = TerminationSequence.WithGracePeriod(TimeSpan.FromSeconds(1)) };

        var result = await ParallelRunner.RunAsync([leg], options);

        var outcome = result.Legs.Single();
        outcome.Status.ShouldBe(LegStatus.TimedOut);
        outcome.Signal.ShouldBe("SIGKILL");
        outcome.FailureReason.ShouldStartWith("Timed out after 300 ms; it was killed by SIGKILL after 1.");
        outcome.Attempts.Single().Duration.ShouldBeGreaterThan(TimeSpan.FromSeconds(1.2));
        ProcessScan.LiveWithMarker(marker).ShouldBeEmpty();
        (await File.ReadAllTextAsync(outcome.LogFile!)).ShouldContain("terminating process group");
    }

    [Fact]
    public async Task A_custom_termination_sequence_is_followed_step_by_step()
    {
        var marker = ProcessScan.NewMarker();
        var leg = Scratch.Sh("counts-signals", "trap 'echo got TERM' TERM; trap 'echo got INT' INT; while true; do sleep 0.05; done") with
        {
            EnvironmentVariables = ProcessScan.Env(marker),
            Timeout = TimeSpan.FromMilliseconds(300),
        };
        var options = _scratch.Options() with { Termination = TerminationSequence.Parse("INT,300,TERM,300,KILL,25") };

        var result = await ParallelRunner.RunAsync([leg], options);

        var outcome = result.Legs.Single();
        outcome.OutputTail.ShouldContain("got INT");
        outcome.OutputTail.ShouldContain("got TERM");
        outcome.Signal.ShouldBe("SIGKILL");
        ProcessScan.LiveWithMarker(marker).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_grandchild_holding_the_pipe_does_not_hang_the_run_and_is_terminated()
    {
        var marker = ProcessScan.NewMarker();
        var leg = Scratch.Sh("leaves-child", "sleep 1000 & echo main done") with { EnvironmentVariables = ProcessScan.Env(marker) };

        var result = await ParallelRunner.RunAsync([leg], _scratch.Options());

        var outcome = result.Legs.Single();
        outcome.Status.ShouldBe(LegStatus.Succeeded);
        outcome.OutputTail.ShouldBe(["main done"]);
        result.Duration.ShouldBeLessThan(TimeSpan.FromSeconds(10));
        ProcessScan.LiveWithMarker(marker).ShouldBeEmpty();
        (await File.ReadAllTextAsync(outcome.LogFile!)).ShouldContain("terminated processes the leg left in its group");
    }

    [Fact]
    public async Task A_process_that_escaped_the_group_is_terminated_when_the_leg_ends_and_the_result_says_so()
    {
        var marker = ProcessScan.NewMarker();
        var escaped = _scratch.PathOf("escaped");

        // The escapee writes its file only after setsid(2), so the leg's main process exits once it has really left the group.
        var leg = Scratch.Sh("escapes", $"setsid sh -c 'touch {escaped}; exec sleep 1000' & while [ ! -e {escaped} ]; do sleep 0.01; done; echo main done") with
        {
            EnvironmentVariables = ProcessScan.Env(marker),
        };
        try
        {
            var result = await ParallelRunner.RunAsync([leg], _scratch.Options() with { DrainTimeout = TimeSpan.FromSeconds(30) });

            var only = result.Legs.Single();
            only.Status.ShouldBe(LegStatus.Succeeded);
            // The escapee is named by its command when found: "sh" until its exec of sleep, "sleep" after.
            only.Remarks.ShouldHaveSingleItem().ShouldMatch(@"^attempt 1: escaped processes terminated: 1 \((sh|sleep)\); ended by SIGTERM");
            result.Duration.ShouldBeLessThan(TimeSpan.FromSeconds(20));
            ProcessScan.LiveWithMarker(marker).ShouldBeEmpty();
            (await File.ReadAllTextAsync(only.LogFile!)).ShouldContain("escaped processes terminated: 1 (");
        }
        finally
        {
            ProcessScan.KillAll(marker);
        }
    }

    [Fact]
    public async Task With_FailOnEscapedProcesses_a_leg_that_left_processes_behind_fails()
    {
        var marker = ProcessScan.NewMarker();
        var left = _scratch.PathOf("left");
        var leg = Scratch.Sh("leaves-two", $"for n in 1 2; do setsid sh -c 'touch {left}$0; exec sleep 1000' $n >/dev/null 2>&1 & done; while [ ! -e {left}1 ] || [ ! -e {left}2 ]; do sleep 0.01; done; exit 0") with
        {
            EnvironmentVariables = ProcessScan.Env(marker),
        };
        try
        {
            var result = await ParallelRunner.RunAsync([leg], _scratch.Options() with { FailOnEscapedProcesses = true });

            var only = result.Legs.Single();
            only.Status.ShouldBe(LegStatus.Failed);
            only.ExitCode.ShouldBe(0);
            only.FailureReason.ShouldNotBeNull().ShouldMatch(@"left processes behind \(FailOnEscapedProcesses\): escaped processes terminated: 2 \((sh|sleep), (sh|sleep)\)");
            ProcessScan.LiveWithMarker(marker).ShouldBeEmpty();
        }
        finally
        {
            ProcessScan.KillAll(marker);
        }
    }

    [Fact]
    public async Task A_stranger_that_holds_the_pipe_only_delays_the_leg_by_the_drain_timeout()
    {
        var marker = ProcessScan.NewMarker();
        var escaped = _scratch.PathOf("escaped");

        // Without the supervision markers the process is a stranger to the leg: the drain timeout bounds the wait.
        var leg = Scratch.Sh("stranger", $"setsid env -u CAKEPARALLEL_PROCESS -u CAKEPARALLEL_RUNNER sh -c 'touch {escaped}; exec sleep 1000' & while [ ! -e {escaped} ]; do sleep 0.01; done; echo main done") with
        {
            EnvironmentVariables = ProcessScan.Env(marker),
        };
        try
        {
            var result = await ParallelRunner.RunAsync([leg], _scratch.Options() with { DrainTimeout = TimeSpan.FromMilliseconds(500) });

            result.Legs.Single().Status.ShouldBe(LegStatus.Succeeded);
            result.Duration.ShouldBeLessThan(TimeSpan.FromSeconds(10));
            (await File.ReadAllTextAsync(result.Legs[0].LogFile!)).ShouldContain("a process outside the leg's group still holds its pipe");
        }
        finally
        {
            // It left our supervision on purpose; clean up what this test made.
            ProcessScan.KillAll(marker);
        }
    }

    [Theory]
    [InlineData("TERM,200,TERM,100,KILL,25", "TERM,200,TERM,100,KILL,25")]
    [InlineData("sigint,1000,KILL", "INT,1000,KILL,5000")]
    public void Termination_sequences_parse_like_GNU_parallel_termseq(string text, string expected) =>
        TerminationSequence.Parse(text).ToString().ShouldBe(expected);

    [Theory]
    [InlineData("TERM,abc")]
    [InlineData("NOPE,100")]
    public void Invalid_termination_sequences_are_rejected(string text) =>
        Should.Throw<FormatException>(() => TerminationSequence.Parse(text));
}
