using CakeParallel.Model;

namespace Cake.Parallel.Rendering;

/// <summary>Short phrases for attempts and leg results, as they appear in status lines.</summary>
internal static class AttemptText
{
    /// <summary>E.g. <c>failed (exit 3)</c>, <c>timed out</c>, <c>was killed (137, SIGKILL)</c>.</summary>
    public static string Outcome(AttemptRecord attempt) => attempt.Outcome switch
    {
        AttemptOutcome.TimedOut => "timed out",
        AttemptOutcome.Cancelled => "was cancelled",
        AttemptOutcome.Succeeded => "succeeded",
        _ when attempt.Signal is not null => $"was killed by {attempt.Signal}",
        _ when attempt.ExitCode is { } code => $"failed (exit {code})",
        _ => "failed" + (attempt.Detail is null ? "" : ": " + attempt.Detail),
    };

    /// <summary>
    /// E.g. <c>succeeded in 1.2 s</c>, <c>FAILED after 2 attempts in 3.0 s: exit code 3</c>,
    /// <c>reused: succeeded in an earlier run in 1.2 s</c>.
    /// </summary>
    public static string Completion(LegResult result)
    {
        var attempts = result.Attempts.Count == 1 ? "" : $" after {result.Attempts.Count} attempts";
        var duration = DurationText.Format(result.Duration);
        return result.Status switch
        {
            LegStatus.Succeeded => $"succeeded{attempts} in {duration}",
            LegStatus.Reused => $"reused: succeeded in an earlier run{attempts} in {duration}",
            LegStatus.NotStarted => "not started" + Reason(result),
            _ => $"{LegStatusText.Of(result.Status).ToUpperInvariant()}{attempts} in {duration}{Reason(result)}",
        };
    }

    private static string Reason(LegResult result) => result.FailureReason is null ? "" : ": " + result.FailureReason;
}
