using System.Globalization;
using CakeParallel.Model;

namespace CakeParallel.Reports;

/// <summary>One line per attempt, the same in every report.</summary>
internal static class AttemptText
{
    /// <summary>E.g. <c>attempt 1: failed after 1.2 s, exit 3: exited with code 3 — retried after 850 ms (exit code 3 is in RetryOnExitCodes)</c>.</summary>
    public static string Describe(AttemptRecord attempt)
    {
        var exit = attempt.ExitCode is null ? "" : attempt.Signal is null
            ? ", exit " + attempt.ExitCode.Value.ToString(CultureInfo.InvariantCulture)
            : $", exit {attempt.ExitCode} ({attempt.Signal})";
        var text = $"attempt {attempt.Number}: {Outcome(attempt.Outcome)} after {DurationText.Format(attempt.Duration)}{exit}";
        if (attempt.Detail is { Length: > 0 } detail)
        {
            text += ": " + detail;
        }

        if (attempt.Outcome != AttemptOutcome.Succeeded)
        {
            text += attempt.Decision.WillRetry
                ? $"; retried after {DurationText.Format(attempt.Decision.Delay ?? TimeSpan.Zero)} ({attempt.Decision.Reason})"
                : $"; not retried ({attempt.Decision.Reason})";
        }

        return text;
    }

    /// <summary>The outcome in lower-case words.</summary>
    public static string Outcome(AttemptOutcome outcome) => outcome switch
    {
        AttemptOutcome.Succeeded => "succeeded",
        AttemptOutcome.Failed => "failed",
        AttemptOutcome.TimedOut => "timed out",
        AttemptOutcome.Cancelled => "cancelled",
        _ => outcome.ToString(),
    };
}
