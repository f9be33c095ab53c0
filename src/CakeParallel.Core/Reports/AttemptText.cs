using System.Globalization;
using CakeParallel.Model;

namespace CakeParallel.Reports;

/// <summary>
/// The sentences about one attempt, the same in every log and report (Cake, MSBuild, JUnit, HTML): hosts lay them
/// out, they never word them.
/// </summary>
public static class AttemptText
{
    /// <summary>
    /// The whole attempt in one line, e.g. <c>attempt 1: failed after 1.2 s, exit 3: exited with code 3; retried
    /// after 850 ms (exit code 3 is in RetryOnExitCodes)</c>.
    /// </summary>
    /// <param name="attempt">The attempt.</param>
    public static string Describe(AttemptRecord attempt)
    {
        var text = $"attempt {attempt.Number.ToString(CultureInfo.InvariantCulture)}: {Ending(attempt)}";
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

    /// <summary>How and when the attempt ended, e.g. <c>failed after 1.2 s, exit 3</c> or <c>timed out after 2.0 s, exit 143 (SIGTERM)</c>.</summary>
    /// <param name="attempt">The attempt.</param>
    public static string Ending(AttemptRecord attempt)
    {
        var exit = attempt.ExitCode is not { } code ? ""
            : attempt.Signal is null ? ", exit " + code.ToString(CultureInfo.InvariantCulture)
            : $", exit {code.ToString(CultureInfo.InvariantCulture)} ({attempt.Signal})";
        return $"{LegStatusText.Of(attempt.Outcome)} after {DurationText.Format(attempt.Duration)}{exit}";
    }

    /// <summary>The outcome as a status line says it: <c>succeeded</c>, <c>failed (exit 3)</c>, <c>was killed by SIGKILL</c>, <c>timed out</c>, <c>cancelled</c>.</summary>
    /// <param name="attempt">The attempt.</param>
    public static string Outcome(AttemptRecord attempt) => attempt.Outcome switch
    {
        AttemptOutcome.Failed when attempt.Signal is not null => $"was killed by {attempt.Signal}",
        AttemptOutcome.Failed when attempt.ExitCode is { } code => $"failed (exit {code.ToString(CultureInfo.InvariantCulture)})",
        AttemptOutcome.Failed when attempt.Detail is { Length: > 0 } detail => "failed: " + detail,
        var outcome => LegStatusText.Of(outcome),
    };

    /// <summary>
    /// The line announcing a retry, e.g. <c>attempt 1 of 3 failed (exit 75); retrying in 850 ms (exit code 75 is in RetryOnExitCodes)</c>.
    /// </summary>
    /// <param name="attempt">The attempt that is retried.</param>
    /// <param name="maxAttempts">The leg's attempts in all (its retry policy's <see cref="RetryPolicy.MaxAttempts"/>).</param>
    public static string Retry(AttemptRecord attempt, int maxAttempts)
    {
        var delay = attempt.Decision.Delay is { } d ? "in " + DurationText.Format(d) : "at once";
        return $"attempt {attempt.Number.ToString(CultureInfo.InvariantCulture)} of {maxAttempts.ToString(CultureInfo.InvariantCulture)} {Outcome(attempt)}; retrying {delay} ({attempt.Decision.Reason})";
    }
}
