using CakeParallel.Model;

namespace CakeParallel.Supervision;

/// <summary>Why the runner terminated an attempt.</summary>
internal enum StopCause
{
    None,
    AttemptTimeout,
    RunDeadline,
    FailFast,
    HostCancelled,
    ServiceFailed,
}

/// <summary>What one attempt did, before retry decisions are made.</summary>
internal sealed record AttemptRun(
    DateTimeOffset StartedAt,
    TimeSpan Duration,
    int? ExitCode,
    string? Signal,
    AttemptOutcome Outcome,
    StopCause StopCause,
    string Detail,
    IReadOnlyList<string> Tail,
    string? Remark = null);

/// <summary>
/// Runs one attempt of a leg as a <see cref="SupervisedProcess"/>: terminated with the termination sequence when
/// it times out or the run stops, and never leaving a group member alive.
/// </summary>
internal static class AttemptExecution
{
    /// <summary>Runs <paramref name="steps"/> in order as one attempt (one timeout for all), stopping at the first that does not succeed.</summary>
    public static async Task<AttemptRun> RunAsync(IReadOnlyList<ProcessCommand> steps, AttemptOutput output, LegLog log, TimeSpan? timeout, RunStop stop, bool failOnEscapedProcesses)
    {
        // The timeout's clock starts once the first step's process has started (see RunAsync), not before the spawn.
        using var timeoutSource = timeout is not null ? new CancellationTokenSource() : null;
        using var stopOrTimeout = CancellationTokenSource.CreateLinkedTokenSource(stop.Token, timeoutSource?.Token ?? CancellationToken.None);
        var run = await RunAsync(steps[0], output, log, timeout, timeoutSource, stopOrTimeout, stop, failOnEscapedProcesses, startsTimeout: true).ConfigureAwait(false);
        var (startedAt, clock) = (run.StartedAt, System.Diagnostics.Stopwatch.GetTimestamp());
        var firstDuration = run.Duration;
        for (var i = 1; i < steps.Count && run.Outcome == AttemptOutcome.Succeeded; i++)
        {
            log.WriteNote($"step {i + 1} of {steps.Count}: {steps[i].DisplayText}");
            var step = await RunAsync(steps[i], output, log, timeout, timeoutSource, stopOrTimeout, stop, failOnEscapedProcesses, startsTimeout: false).ConfigureAwait(false);
            run = step with { StartedAt = startedAt, Duration = firstDuration + System.Diagnostics.Stopwatch.GetElapsedTime(clock), Remark = step.Remark ?? run.Remark };
        }

        return run;
    }

    private static async Task<AttemptRun> RunAsync(ProcessCommand command, AttemptOutput output, LegLog log, TimeSpan? timeout, CancellationTokenSource? timeoutSource, CancellationTokenSource stopOrTimeout, RunStop stop, bool failOnEscapedProcesses, bool startsTimeout)
    {
        SupervisedProcess process;
        try
        {
            process = SupervisedProcess.Start(command, output.Write);
            if (startsTimeout && timeout is { } limit)
            {
                timeoutSource?.CancelAfter(limit);
            }
        }
        catch (ProcessStartException exception)
        {
            log.WriteNote(exception.Message);
            return new AttemptRun(DateTimeOffset.UtcNow, TimeSpan.Zero, null, null, AttemptOutcome.Failed, StopCause.None, exception.Message, []);
        }

        using var _ = process;
        var cause = StopCause.None;
        try
        {
            await process.Exited.WaitAsync(stopOrTimeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped or timed out; unless it exited on its own at that very moment, it is terminated below.
        }

        if (!process.HasExited)
        {
            cause = timeoutSource?.IsCancellationRequested == true ? StopCause.AttemptTimeout : stop.Cause;
            log.WriteNote($"terminating process group {process.ProcessId} ({Describe(cause, timeout, stop)}): {command.Termination}");
            await process.TerminateAsync().ConfigureAwait(false);
        }

        var exit = await process.Exited.ConfigureAwait(false);
        log.WriteGroupNotes(exit, command.DrainTimeout, "leg");
        var outcome = cause switch
        {
            StopCause.AttemptTimeout or StopCause.RunDeadline => AttemptOutcome.TimedOut,
            StopCause.FailFast or StopCause.HostCancelled or StopCause.ServiceFailed => AttemptOutcome.Cancelled,
            _ when exit.ExitCode == 0 && failOnEscapedProcesses && exit.Escaped is not null => AttemptOutcome.Failed,
            _ => exit.ExitCode == 0 ? AttemptOutcome.Succeeded : AttemptOutcome.Failed,
        };

        var detailText = outcome switch
        {
            AttemptOutcome.Succeeded => "exited with code 0",
            AttemptOutcome.Failed when exit.ExitCode == 0 => $"exited with code 0, but left processes behind (FailOnEscapedProcesses): {exit.Escaped!.Text}",
            AttemptOutcome.Failed => exit.ExitText + exit.LastWords,
            _ => $"{Describe(cause, timeout, stop)}; {(exit.Termination ?? TerminationReport.NothingToDo).Describe()}",
        };
        log.WriteNote($"attempt ended after {DurationText.Format(exit.Duration)}: {detailText}");
        return new AttemptRun(exit.StartedAt, exit.Duration, exit.ExitCode, exit.Signal, outcome, cause, detailText, exit.Tail, exit.Escaped?.Text);
    }

    private static string Describe(StopCause cause, TimeSpan? timeout, RunStop stop) => cause switch
    {
        StopCause.AttemptTimeout => $"timed out after {DurationText.Format(timeout ?? TimeSpan.Zero)}",
        _ => stop.Describe(),
    };
}
