namespace CakeParallel.Model;

/// <summary>Lower-case words for statuses and outcomes, as people read them in logs and reports.</summary>
public static class LegStatusText
{
    /// <summary>E.g. <c>succeeded</c>, <c>timed out</c>, <c>not started</c>.</summary>
    /// <param name="status">The status.</param>
    public static string Of(LegStatus status) => status switch
    {
        LegStatus.Succeeded => "succeeded",
        LegStatus.Failed => "failed",
        LegStatus.TimedOut => "timed out",
        LegStatus.Cancelled => "cancelled",
        LegStatus.NotStarted => "not started",
        LegStatus.Reused => "reused",
        LegStatus.UpToDate => "up to date",
        _ => status.ToString(),
    };

    /// <summary>E.g. <c>succeeded</c>, <c>failed</c>, <c>timed out</c>, <c>cancelled</c>: the same words as the statuses.</summary>
    /// <param name="outcome">The outcome of an attempt.</param>
    public static string Of(AttemptOutcome outcome) => outcome switch
    {
        AttemptOutcome.Succeeded => "succeeded",
        AttemptOutcome.Failed => "failed",
        AttemptOutcome.TimedOut => "timed out",
        AttemptOutcome.Cancelled => "cancelled",
        _ => outcome.ToString(),
    };
}
