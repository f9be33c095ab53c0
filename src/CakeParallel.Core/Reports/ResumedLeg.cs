using CakeParallel.Model;

namespace CakeParallel.Reports;

/// <summary>The result of a leg that is not run again because an earlier run's report shows it succeeded.</summary>
internal static class ResumedLeg
{
    /// <summary>The start of the remark that names the run a reused result comes from.</summary>
    public const string RemarkPrefix = "reused: ";

    /// <summary>
    /// The earlier result, marked <see cref="LegStatus.Reused"/>, under the leg's current name and parameters, with
    /// a remark naming the run that produced it (kept from the first run when a result is reused again).
    /// </summary>
    public static LegResult From(LegResult earlier, LegSpec leg, RunResult earlierRun)
    {
        var remarks = earlier.Remarks.Any(r => r.StartsWith(RemarkPrefix, StringComparison.Ordinal))
            ? earlier.Remarks
            : [.. earlier.Remarks, $"{RemarkPrefix}succeeded in run {earlierRun.RunId} started {earlierRun.StartedAt:yyyy-MM-dd HH:mm:ss}Z on {earlierRun.Host}"];
        return earlier with
        {
            Name = leg.Name,
            Parameters = leg.Parameters,
            Status = LegStatus.Reused,
            FailureReason = null,
            Remarks = remarks,
        };
    }
}
