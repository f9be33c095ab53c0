using CakeParallel.Model;
using CakeParallel.Runs;

namespace CakeParallel.Tests.Scheduling;

public sealed class FailFastTests : IDisposable
{
    private readonly Scratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    private List<LegSpec> Legs(string marker) =>
    [
        Scratch.Sh("slow", "sleep 30") with { EnvironmentVariables = ProcessScan.Env(marker) },
        Scratch.Sh("fails", "sleep 0.3; echo broken >&2; exit 4"),
        Scratch.Sh("later-1", "echo later-1"),
        Scratch.Sh("later-2", "echo later-2"),
    ];

    [Fact]
    public async Task Keep_going_is_the_default_every_leg_runs()
    {
        var marker = ProcessScan.NewMarker();
        var legs = Legs(marker);
        legs[0] = Scratch.Sh("slow", "sleep 0.5");

        var result = await ParallelRunner.RunAsync(legs, _scratch.Options(maxParallel: 2));

        result.Legs.Select(l => l.Status).ShouldBe([LegStatus.Succeeded, LegStatus.Failed, LegStatus.Succeeded, LegStatus.Succeeded]);
        result.Succeeded.ShouldBeFalse();
    }

    [Fact]
    public async Task Fail_fast_cancels_running_legs_and_starts_no_more()
    {
        var marker = ProcessScan.NewMarker();

        var result = await ParallelRunner.RunAsync(Legs(marker), _scratch.Options(maxParallel: 2) with { FailFast = true });

        result.Legs.Select(l => l.Status).ShouldBe([LegStatus.Cancelled, LegStatus.Failed, LegStatus.NotStarted, LegStatus.NotStarted]);
        result.Legs[0].FailureReason!.ShouldContain("because leg 'fails' failed and FailFast is on");
        result.Legs[0].Attempts.Single().Outcome.ShouldBe(AttemptOutcome.Cancelled);
        result.Legs[2].FailureReason.ShouldBe("Not started: cancelled because leg 'fails' failed and FailFast is on");
        result.Legs[2].Attempts.ShouldBeEmpty();
        result.Duration.ShouldBeLessThan(TimeSpan.FromSeconds(20));
        ProcessScan.LiveWithMarker(marker).ShouldBeEmpty();
    }

    [Fact]
    public async Task Host_cancellation_mid_run_terminates_running_legs_and_returns_a_complete_result()
    {
        var marker = ProcessScan.NewMarker();
        var legs = Enumerable.Range(0, 5)
            .Select(i => Scratch.Sh($"leg-{i}", i == 0 ? "true" : "sleep 1000 & sleep 1000") with { EnvironmentVariables = ProcessScan.Env(marker) })
            .ToList();
        using var cancellation = new CancellationTokenSource();
        var started = 0;
        var listener = new AttemptCounter(() =>
        {
            if (Interlocked.Increment(ref started) == 3)
            {
                cancellation.CancelAfter(300);
            }
        });

        var result = await ParallelRunner.RunAsync(legs, _scratch.Options(maxParallel: 2) with { Listener = listener }, cancellation.Token);

        result.WasCancelled.ShouldBeTrue();
        result.Legs.Select(l => l.Status).ShouldBe([LegStatus.Succeeded, LegStatus.Cancelled, LegStatus.Cancelled, LegStatus.NotStarted, LegStatus.NotStarted]);
        result.Legs[1].FailureReason!.ShouldContain("cancelled by the host");
        ProcessScan.LiveWithMarker(marker).ShouldBeEmpty();
    }

    [Fact]
    public async Task The_run_deadline_times_out_running_legs_and_leaves_the_rest_not_started()
    {
        var legs = Enumerable.Range(0, 3).Select(i => Scratch.Sh($"leg-{i}", "sleep 1000")).ToList();

        var result = await ParallelRunner.RunAsync(legs, _scratch.Options(maxParallel: 1) with { Deadline = TimeSpan.FromMilliseconds(500) });

        result.Legs.Select(l => l.Status).ShouldBe([LegStatus.TimedOut, LegStatus.NotStarted, LegStatus.NotStarted]);
        result.Legs[0].FailureReason!.ShouldStartWith("The run's deadline of 500 ms passed");
        result.WasCancelled.ShouldBeFalse();
    }

    private sealed class AttemptCounter(Action onStart) : IRunListener
    {
        public void AttemptStarted(LegSpec leg, int attempt, string logFile) => onStart();
    }
}
