using CakeParallel.Model;
using CakeParallel.Runs;

namespace CakeParallel.Tests.Scheduling;

public sealed class RetryTests : IDisposable
{
    private readonly Scratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    private static RetryPolicy Fast(int attempts) => new()
    {
        MaxAttempts = attempts,
        InitialDelay = TimeSpan.FromMilliseconds(50),
        MaxDelay = TimeSpan.FromSeconds(2),
        UseJitter = false,
    };

    private string FlakyScript(int failures, int exitCode = 75)
    {
        var counter = _scratch.PathOf("counter-" + Guid.NewGuid().ToString("N"));
        return $"n=$(cat {counter} 2>/dev/null || echo 0); n=$((n+1)); echo $n > {counter}; " +
               $"if [ $n -le {failures} ]; then echo \"flaky failure $n\" >&2; exit {exitCode}; fi; echo \"passed on $n\"";
    }

    [Fact]
    public async Task A_leg_that_fails_twice_then_succeeds_has_three_attempts_recorded()
    {
        var result = await ParallelRunner.RunAsync([Scratch.Sh("flaky", FlakyScript(2))], _scratch.Options() with { Retry = Fast(5) });

        var leg = result.Legs.Single();
        leg.Status.ShouldBe(LegStatus.Succeeded);
        leg.Attempts.Count.ShouldBe(3);
        leg.Attempts.Select(a => a.Outcome).ShouldBe([AttemptOutcome.Failed, AttemptOutcome.Failed, AttemptOutcome.Succeeded]);
        leg.Attempts.Select(a => a.ExitCode).ShouldBe([75, 75, 0]);
        leg.Attempts[0].Decision.WillRetry.ShouldBeTrue();
        leg.Attempts[0].Decision.Reason.ShouldBe("exit code 75; the retry policy retries any failure");
        leg.Attempts[0].Decision.Delay.ShouldNotBeNull();
        leg.Attempts[0].Detail.ShouldBe("exited with code 75: flaky failure 1");
        leg.Attempts[2].Decision.ShouldBe(RetryDecision.NotNeeded);
        leg.OutputTail.ShouldBe(["passed on 3"]);
        leg.Attempts[1].StartedAt.ShouldBeGreaterThan(leg.Attempts[0].StartedAt);
        var log = await File.ReadAllTextAsync(leg.LogFile!);
        log.ShouldContain("attempt 3 started");
        log.ShouldContain("err flaky failure 2");
    }

    [Fact]
    public async Task An_exit_code_not_in_RetryOnExitCodes_is_not_retried()
    {
        var policy = Fast(3) with { RetryOnExitCodes = [75] };

        var result = await ParallelRunner.RunAsync([Scratch.Sh("deterministic", FlakyScript(5, exitCode: 2))], _scratch.Options() with { Retry = policy });

        var leg = result.Legs.Single();
        leg.Status.ShouldBe(LegStatus.Failed);
        leg.Attempts.Count.ShouldBe(1);
        leg.Attempts[0].Decision.WillRetry.ShouldBeFalse();
        leg.Attempts[0].Decision.Reason.ShouldBe("exit code 2 is not in RetryOnExitCodes and no RetryOnOutput pattern matched");
    }

    [Fact]
    public async Task Output_patterns_select_what_is_retried_and_exhausted_attempts_are_explained()
    {
        var policy = Fast(2) with { RetryOnOutput = ["flaky failure \\d"] };

        var result = await ParallelRunner.RunAsync([Scratch.Sh("always-flaky", FlakyScript(5))], _scratch.Options() with { Retry = policy });

        var leg = result.Legs.Single();
        leg.Status.ShouldBe(LegStatus.Failed);
        leg.Attempts.Count.ShouldBe(2);
        leg.Attempts[0].Decision.Reason.ShouldBe("output matched RetryOnOutput /flaky failure \\d/");
        leg.Attempts[1].Decision.WillRetry.ShouldBeFalse();
        leg.Attempts[1].Decision.Reason.ShouldBe("output matched RetryOnOutput /flaky failure \\d/; not retried: no attempts left (2 of 2)");
        leg.FailureReason.ShouldBe("Exited with code 75: flaky failure 2 (attempt 2 of 2)");
    }

    [Fact]
    public async Task Backoff_delays_grow_exponentially_up_to_the_maximum()
    {
        var policy = Fast(5) with { InitialDelay = TimeSpan.FromMilliseconds(40), MaxDelay = TimeSpan.FromMilliseconds(200) };

        var result = await ParallelRunner.RunAsync([Scratch.Sh("always", "exit 1")], _scratch.Options() with { Retry = policy });

        var delays = result.Legs.Single().Attempts.Take(4).Select(a => a.Decision.Delay!.Value.TotalMilliseconds).ToArray();
        delays.ShouldBe([40, 80, 160, 200]);
        var attempts = result.Legs.Single().Attempts;
        for (var i = 1; i < attempts.Count; i++)
        {
            // The wait really happened between the attempts.
            (attempts[i].StartedAt - attempts[i - 1].StartedAt - attempts[i - 1].Duration).ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(delays[i - 1] - 15));
        }
    }

    [Fact]
    public async Task Jittered_delays_stay_within_bounds_and_still_grow_on_average()
    {
        var policy = Fast(4) with { InitialDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromSeconds(5), UseJitter = true };

        var result = await ParallelRunner.RunAsync([Scratch.Sh("always", "exit 1")], _scratch.Options() with { Retry = policy });

        var delays = result.Legs.Single().Attempts.Take(3).Select(a => a.Decision.Delay!.Value).ToArray();
        delays.ShouldAllBe(d => d > TimeSpan.Zero && d <= TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Timeouts_are_not_retried_unless_asked()
    {
        var options = _scratch.Options() with { Retry = Fast(3), Timeout = TimeSpan.FromMilliseconds(300) };

        var result = await ParallelRunner.RunAsync([Scratch.Sh("slow", "sleep 30")], options);
        var retried = await ParallelRunner.RunAsync([Scratch.Sh("slow", "sleep 30")], options with { Retry = Fast(2) with { RetryOnTimeout = true } });

        result.Legs[0].Status.ShouldBe(LegStatus.TimedOut);
        result.Legs[0].Attempts.Single().Decision.Reason.ShouldBe("timed out; RetryOnTimeout is off");
        retried.Legs[0].Attempts.Count.ShouldBe(2);
        retried.Legs[0].Attempts.ShouldAllBe(a => a.Outcome == AttemptOutcome.TimedOut);
    }

    [Fact]
    public async Task The_wait_between_attempts_is_cancellable()
    {
        var policy = Fast(3) with { InitialDelay = TimeSpan.FromSeconds(30), MaxDelay = TimeSpan.FromSeconds(30) };
        using var cancellation = new CancellationTokenSource();
        var listener = new RetryWatcher(() => cancellation.CancelAfter(200));

        var result = await ParallelRunner.RunAsync([Scratch.Sh("fails", "exit 9")], _scratch.Options() with { Retry = policy, Listener = listener }, cancellation.Token);

        var leg = result.Legs.Single();
        leg.Status.ShouldBe(LegStatus.Cancelled);
        leg.Attempts.Count.ShouldBe(1);
        leg.Attempts[0].Decision.WillRetry.ShouldBeFalse();
        leg.Attempts[0].Decision.Reason.ShouldContain("retry abandoned: cancelled by the host");
        result.Duration.ShouldBeLessThan(TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task A_leg_retry_policy_overrides_the_run_policy()
    {
        var result = await ParallelRunner.RunAsync(
            [Scratch.Sh("own-policy", FlakyScript(1)) with { Retry = Fast(2) }, Scratch.Sh("run-policy", FlakyScript(1))],
            _scratch.Options());

        result.Legs[0].Status.ShouldBe(LegStatus.Succeeded);
        result.Legs[1].Status.ShouldBe(LegStatus.Failed);
        result.Legs[1].Attempts.Single().Decision.Reason.ShouldBe("exit code 75; the retry policy retries any failure; not retried: MaxAttempts is 1");
    }

    private sealed class RetryWatcher(Action onRetry) : IRunListener
    {
        public void RetryScheduled(LegSpec leg, AttemptRecord attempt) => onRetry();
    }
}
