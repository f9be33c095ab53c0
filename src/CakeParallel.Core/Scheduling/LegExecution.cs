using System.Diagnostics;
using CakeParallel.Supervision;
using Polly;
using Polly.Retry;
using CakeParallel.Model;

namespace CakeParallel.Scheduling;

/// <summary>
/// Runs one leg to its final status: attempts, retries with Polly's backoff, and the leg's result. Given the leg's
/// <c>earlier</c> result, it runs the leg once more (built again elsewhere for a leg that needs it): the log goes on,
/// the attempts are numbered on, and the result says why.
/// </summary>
internal sealed class LegExecution(LegPlan plan, RunOptions options, AttemptSlots.LegSlots slots, RunStop stop, ListenerGate listener, LegResult? earlier = null, string? again = null)
{
    private readonly List<AttemptRecord> _attempts = [];
    private readonly List<string> _remarks = [];
    private IReadOnlyList<string> _lastTail = [];
    private UpToDateCheckResult? _check;
    private string? _checkEndpoint;
    private LegSpec? _checkedLeg;

    /// <summary>Runs the leg, each attempt in a slot of <see cref="AttemptSlots"/>.</summary>
    public async Task<LegResult> RunAsync()
    {
        var leg = slots.Leg ?? plan.Leg;
        var policy = leg.Retry ?? options.Retry;
        var decider = new RetryDecider(policy, leg.FailureClassifier);
        var started = Stopwatch.GetTimestamp();
        using var log = new LegLog(plan.LogFile, options.MaxLogBytes, append: earlier is not null);
        if (earlier is not null && again is not null)
        {
            _attempts.AddRange(earlier.Attempts);
            _remarks.Add(again);
            log.WriteNote(again);
        }

        log.WriteNote($"leg '{leg.Name}' (id {leg.Id}): {leg.DisplayCommand}");

        var admission = new LegAdmission(leg, notice =>
        {
            log.WriteNote(notice.Message);
            listener.Send(notice, static (l, n) => l.AdmissionNotice(n));
        });
        ValueTask<AttemptRecord> Attempt(CancellationToken cancellationToken) => new(RunPlacedAttemptAsync(log, decider, leg.Timeout ?? options.Timeout, admission, cancellationToken));

        var interrupted = false;
        string? unplaced = null;
        try
        {
            if (policy.MaxAttempts <= 1)
            {
                await Attempt(stop.Token).ConfigureAwait(false);
            }
            else
            {
                await BuildPipeline(policy, log).ExecuteAsync(Attempt, stop.Token).ConfigureAwait(false);
            }
        }
        catch (AdmissionTimeoutException exception)
        {
            log.WriteNote("not started: " + exception.Message);
            return NotStarted(char.ToUpperInvariant(exception.Message[0]) + exception.Message[1..]);
        }
        catch (OperationCanceledException) when (stop.IsStopped && _attempts.Count == 0)
        {
            log.WriteNote("not started: " + stop.Describe());
            return NotStarted(stop.Describe());
        }
        catch (OperationCanceledException) when (stop.IsStopped)
        {
            // The run stopped during a retry wait: the leg ends with the attempts it made.
            interrupted = true;
            var last = _attempts[^1];
            _attempts[^1] = last with { Decision = last.Decision with { WillRetry = false, Reason = $"{last.Decision.Reason}; retry abandoned: {stop.Describe()}" } };
            log.WriteNote("retry abandoned: " + stop.Describe());
        }
        catch (NoEndpointException exception)
        {
            // The re-run after a lost engine found no engine to run on: the leg ends with the attempts it made, and says why.
            unplaced = exception.Message;
            var last = _attempts[^1];
            _attempts[^1] = last with { Decision = last.Decision with { WillRetry = false, Reason = $"{last.Decision.Reason}; no retry possible: {exception.Message}" } };
            log.WriteNote("no retry possible: " + exception.Message);
        }

        if (_check?.Image is { } image)
        {
            log.Flush();
            return UpToDate(image, Stopwatch.GetElapsedTime(started));
        }

        var result = BuildResult(Stopwatch.GetElapsedTime(started), interrupted, unplaced);
        if (_check is not null)
        {
            result = result with { InputsHash = _check.InputsHash, Remarks = _check.Remark is { } remark ? [.. result.Remarks, remark] : result.Remarks };
        }

        if (leg.Inspector is not null)
        {
            result = await InspectAsync(leg.Inspector, result, log).ConfigureAwait(false);
        }

        log.Flush();
        return log.Incomplete is { } incomplete ? result with { Remarks = [.. result.Remarks, incomplete] } : result;
    }

    /// <summary>The result of a leg whose image is up to date: not built, the existing image's id, digests and tags.</summary>
    private LegResult UpToDate(UpToDateImage image, TimeSpan duration) => new()
    {
        Name = plan.Leg.Name,
        Id = plan.Leg.Id,
        Parameters = plan.Leg.Parameters,
        Status = LegStatus.UpToDate,
        Duration = duration,
        LogFile = plan.LogFile,
        ImageId = image.ImageId,
        Tags = image.Tags,
        PushedDigests = image.Digests,
        InputsHash = _check!.InputsHash,
        Endpoint = _checkEndpoint,
        Remarks = [$"up to date: not built, {image.ImageId} with inputs hash {_check.InputsHash} is {image.Where}"],
    };

    /// <summary>
    /// The leg's up-to-date check, once, on the engine its first attempt was placed on. A check that fails in an
    /// unexpected way only costs the shortcut: the leg runs.
    /// </summary>
    private async Task<UpToDateCheckResult> CheckAsync(IUpToDateCheck check, LegSpec leg, SlotEndpoint endpoint, LegLog log)
    {
        UpToDateCheckResult result;
        try
        {
            result = await check.CheckAsync(leg, endpoint.Name, options.Rebuild, stop.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException && !(exception is OperationCanceledException && stop.IsStopped))
        {
            // A stopped run ends the leg as not started; anything else (an engine that did not answer in time too) only costs the shortcut.
            var remark = $"up-to-date check failed, so the leg runs: {exception.Message}";
            result = new UpToDateCheckResult(null, [remark]) { Remark = remark };
        }

        foreach (var note in result.Notes)
        {
            log.WriteNote(note);
        }

        _checkEndpoint = endpoint.Name;
        return result;
    }

    private LegResult NotStarted(string reason) => new()
    {
        Name = plan.Leg.Name,
        Id = plan.Leg.Id,
        Parameters = plan.Leg.Parameters,
        Status = LegStatus.NotStarted,
        LogFile = plan.LogFile,
        FailureReason = "Not started: " + reason,
    };

    /// <summary>
    /// One attempt as the retry policy counts it: attempts lost to an endpoint that went away are run again on
    /// another endpoint at once and do not count, up to <see cref="MaxLostAttempts"/> for the leg.
    /// </summary>
    private async Task<AttemptRecord> RunPlacedAttemptAsync(LegLog log, RetryDecider decider, TimeSpan? timeout, LegAdmission admission, CancellationToken cancellationToken)
    {
        while (true)
        {
            var record = await slots.RunAttemptAsync(
                async (endpoint, admissionWait) =>
                {
                    var record = await RunAttemptAsync(log, decider, timeout, endpoint, admissionWait).ConfigureAwait(false);
                    if (record.Outcome is AttemptOutcome.Failed or AttemptOutcome.TimedOut && !stop.IsStopped && await slots.Owner.ConfirmAsync(endpoint).ConfigureAwait(false) is { } lost)
                    {
                        record = LostToEndpoint(record, lost, log);
                    }

                    // Fail fast while the slot is still held, so no waiting leg can start in between.
                    if (options.FailFast && record is { Decision.WillRetry: false, Outcome: AttemptOutcome.Failed or AttemptOutcome.TimedOut })
                    {
                        stop.FailFast(plan.Leg.Name);
                    }

                    return record;
                },
                admission,
                cancellationToken).ConfigureAwait(false);
            if (!record.EndpointLost || !record.Decision.WillRetry)
            {
                return record;
            }

            listener.Send((plan.Leg, record), static (l, s) => l.RetryScheduled(s.Leg, s.record));
        }
    }

    /// <summary>The most attempts a leg may lose to endpoints that went away, so a leg cannot bounce between failing engines forever.</summary>
    internal const int MaxLostAttempts = 3;

    private AttemptRecord LostToEndpoint(AttemptRecord record, string lost, LegLog log)
    {
        var lostSoFar = _attempts.Count(a => a.EndpointLost);
        var retry = lostSoFar < MaxLostAttempts;
        var reason = retry
            ? $"{lost}; retrying on another engine (attempts lost to an engine that went away do not count toward the retry limit)"
            : $"{lost}; no retry: {MaxLostAttempts + 1} attempts were lost to engines that went away";
        record = record with { EndpointLost = true, Decision = new RetryDecision(retry, reason, TimeSpan.Zero) };
        _attempts[^1] = record;
        log.WriteNote((retry ? "will retry: " : "no retry: ") + reason);
        return record;
    }

    private async Task<AttemptRecord> RunAttemptAsync(LegLog log, RetryDecider decider, TimeSpan? timeout, SlotEndpoint endpoint, TimeSpan admissionWait)
    {
        var number = _attempts.Count + 1;
        // A leg that moved (its needs built again elsewhere) is checked again as it runs there.
        var leg = slots.Leg ?? plan.Leg;
        if (leg.UpToDateCheck is { } check && (_check is null || !ReferenceEquals(_checkedLeg, leg)))
        {
            _checkedLeg = leg;
            _check = await CheckAsync(check, leg, endpoint, log).ConfigureAwait(false);
            if (_check.Image is not null)
            {
                // Nothing runs: the record only ends the attempt loop; the leg's result is made from the check.
                return new AttemptRecord(0, DateTimeOffset.UtcNow, TimeSpan.Zero, 0, null, AttemptOutcome.Succeeded, RetryDecision.NotNeeded, null);
            }
        }

        if (_check?.Arguments is { } arguments)
        {
            leg = leg with { Arguments = arguments };
        }

        log.WriteNote(endpoint.Name is null ? $"attempt {number} started" : $"attempt {number} started on engine '{endpoint.Name}'");
        listener.Send((leg, number, plan.LogFile), static (l, s) => l.AttemptStarted(s.leg, s.number, s.LogFile));

        var commands = leg.ToCommands(options, plan.ResolvedExecutable, endpoint.Route);
        var run = await AttemptExecution.RunAsync(commands, new AttemptOutput(leg, log, listener), log, timeout, stop, options.FailOnEscapedProcesses).ConfigureAwait(false);

        var record = new AttemptRecord(number, run.StartedAt, run.Duration, run.ExitCode, run.Signal, run.Outcome, RetryDecision.NotNeeded, run.Outcome == AttemptOutcome.Succeeded ? null : run.Detail)
        {
            AdmissionWait = admissionWait,
            Endpoint = endpoint.Name,
        };
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

    private LegResult BuildResult(TimeSpan duration, bool interrupted, string? unplaced)
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
                : unplaced is not null
                    ? $"{last.Detail}{attemptsText}; no retry possible: {unplaced}"
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
            Endpoint = last.Endpoint,
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
