using System.Diagnostics;
using CakeParallel.Supervision;
using Polly;
using Polly.Retry;
using CakeParallel.Model;

namespace CakeParallel.Scheduling;

/// <summary>Runs one leg to its final status: attempts, retries with Polly's backoff, and the leg's result.</summary>
internal sealed class LegExecution(LegPlan plan, RunOptions options, AttemptSlots.LegSlots slots, RunStop stop, ListenerGate listener)
{
    private readonly List<AttemptRecord> _attempts = [];
    private readonly List<string> _remarks = [];
    private IReadOnlyList<string> _lastTail = [];

    /// <summary>Runs the leg, each attempt in a slot of <see cref="AttemptSlots"/>.</summary>
    public async Task<LegResult> RunAsync()
    {
        var leg = plan.Leg;
        var policy = leg.Retry ?? options.Retry;
        var decider = new RetryDecider(policy, leg.FailureClassifier);
        var clock = Stopwatch.StartNew();
        using var log = new LegLog(plan.LogFile, options.MaxLogBytes);
        log.WriteNote($"leg '{leg.Name}' (id {leg.Id}): {leg.DisplayCommand}");

        ValueTask<AttemptRecord> Attempt(CancellationToken cancellationToken) => new(slots.RunAttemptAsync(
            async () =>
            {
                var record = await RunAttemptAsync(log, decider, leg.Timeout ?? options.Timeout).ConfigureAwait(false);

                // Fail fast while the slot is still held, so no waiting leg can start in between.
                if (options.FailFast && record is { Decision.WillRetry: false, Outcome: AttemptOutcome.Failed or AttemptOutcome.TimedOut })
                {
                    stop.FailFast(leg.Name);
                }

                return record;
            },
            cancellationToken));

        var interrupted = false;
        if (policy.MaxAttempts <= 1)
        {
            await Attempt(CancellationToken.None).ConfigureAwait(false);
        }
        else
        {
            try
            {
                await BuildPipeline(policy, log).ExecuteAsync(Attempt, stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsStopped)
            {
                // The run stopped during a retry wait: the leg ends with the attempts it made.
                interrupted = true;
                var last = _attempts[^1];
                _attempts[^1] = last with { Decision = last.Decision with { WillRetry = false, Reason = $"{last.Decision.Reason}; retry abandoned: {stop.Describe()}" } };
                log.WriteNote("retry abandoned: " + stop.Describe());
            }
        }

        var result = BuildResult(clock.Elapsed, interrupted);
        if (leg.Inspector is not null)
        {
            result = await InspectAsync(leg.Inspector, result, log).ConfigureAwait(false);
        }

        log.Flush();
        return log.Incomplete is { } incomplete ? result with { Remarks = [.. result.Remarks, incomplete] } : result;
    }

    private async Task<AttemptRecord> RunAttemptAsync(LegLog log, RetryDecider decider, TimeSpan? timeout)
    {
        var number = _attempts.Count + 1;
        var leg = plan.Leg;
        log.WriteNote($"attempt {number} started");
        listener.Send((leg, number, plan.LogFile), static (l, s) => l.AttemptStarted(s.leg, s.number, s.LogFile));

        var command = leg.ToCommand(options) with { Executable = plan.ResolvedExecutable };
        var run = await AttemptExecution.RunAsync(command, new AttemptOutput(leg, log, listener), log, timeout, stop, options.FailOnEscapedProcesses).ConfigureAwait(false);

        var record = new AttemptRecord(number, run.StartedAt, run.Duration, run.ExitCode, run.Signal, run.Outcome, RetryDecision.NotNeeded, run.Outcome == AttemptOutcome.Succeeded ? null : run.Detail);
        if (run.Outcome != AttemptOutcome.Succeeded)
        {
            var decision = decider.Decide(record, run.Tail);
            record = record with { Decision = decision };
            log.WriteNote((decision.WillRetry ? "will retry: " : "no retry: ") + decision.Reason);
        }

        _attempts.Add(record);
        _lastTail = run.Tail;
        if (run.Remark is not null)
        {
            _remarks.Add($"attempt {number}: {run.Remark}");
        }
        return record;
    }

    private ResiliencePipeline<AttemptRecord> BuildPipeline(RetryPolicy policy, LegLog log) =>
        new ResiliencePipelineBuilder<AttemptRecord>()
            .AddRetry(new RetryStrategyOptions<AttemptRecord>
            {
                MaxRetryAttempts = policy.MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = policy.UseJitter,
                Delay = policy.InitialDelay,
                MaxDelay = policy.MaxDelay,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result?.Decision.WillRetry == true),
                OnRetry = args =>
                {
                    var last = _attempts[^1];
                    last = last with { Decision = last.Decision with { Delay = args.RetryDelay } };
                    _attempts[^1] = last;
                    log.WriteNote($"waiting {DurationText.Format(args.RetryDelay)} before attempt {last.Number + 1}");
                    listener.Send((plan.Leg, last), static (l, s) => l.RetryScheduled(s.Leg, s.last));
                    return ValueTask.CompletedTask;
                },
            })
            .Build();

    private LegResult BuildResult(TimeSpan duration, bool interrupted)
    {
        var leg = plan.Leg;
        var last = _attempts[^1];
        var status = interrupted
            ? LegStatus.Cancelled
            : last.Outcome switch
            {
                AttemptOutcome.Succeeded => LegStatus.Succeeded,
                AttemptOutcome.TimedOut => LegStatus.TimedOut,
                AttemptOutcome.Cancelled => LegStatus.Cancelled,
                _ => LegStatus.Failed,
            };

        string? reason = null;
        if (status != LegStatus.Succeeded)
        {
            var attemptsText = _attempts.Count > 1 ? $" (attempt {last.Number} of {_attempts.Count})" : "";
            reason = interrupted
                ? $"{last.Detail}{attemptsText}; the retry was abandoned: {stop.Describe()}"
                : $"{last.Detail}{attemptsText}";
            reason = ControlCharacters.Escape(char.ToUpperInvariant(reason[0]) + reason[1..]);
        }

        return new LegResult
        {
            Name = leg.Name,
            Id = leg.Id,
            Parameters = leg.Parameters,
            Status = status,
            Attempts = _attempts.ToArray(),
            Duration = duration,
            ExitCode = last.ExitCode,
            Signal = last.Signal,
            LogFile = plan.LogFile,
            OutputTail = ControlCharacters.Escape(_lastTail),
            Remarks = _remarks.Select(ControlCharacters.Escape).ToArray(),
            FailureReason = reason,
        };
    }

    private async Task<LegResult> InspectAsync(ILegInspector inspector, LegResult result, LegLog log)
    {
        try
        {
            var inspected = await inspector.InspectAsync(result, stop.Token).ConfigureAwait(false);
            foreach (var remark in inspected.Remarks)
            {
                log.WriteNote("remark: " + remark);
            }

            return inspected;
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            var remark = $"inspection after the leg failed: {exception.Message}";
            log.WriteNote(remark);
            return result with { Remarks = [.. result.Remarks, remark] };
        }
    }
}
