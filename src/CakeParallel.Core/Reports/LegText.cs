using System.Globalization;
using CakeParallel.Model;

namespace CakeParallel.Reports;

/// <summary>
/// The sentences about a leg's end, the same in every log and report: its completion line, its reason, its error
/// code and the run a reused result comes from.
/// </summary>
public static class LegText
{
    /// <summary>
    /// E.g. <c>succeeded in 1.2 s</c>, <c>failed after 2 attempts in 3.0 s: exited with code 3</c>,
    /// <c>reused: succeeded in an earlier run in 1.2 s</c>, <c>not started: Not started: fail-fast</c>. It starts with
    /// the status in words (<see cref="LegStatusText.Of(LegStatus)"/>), which a host may emphasise.
    /// </summary>
    /// <param name="leg">The leg's result.</param>
    public static string Completion(LegResult leg)
    {
        var attempts = leg.Attempts.Count <= 1 ? "" : $" after {leg.Attempts.Count.ToString(CultureInfo.InvariantCulture)} attempts";
        var duration = DurationText.Format(leg.Duration);
        var reason = leg.FailureReason is null ? "" : ": " + ControlCharacters.Escape(leg.FailureReason);
        return leg.Status switch
        {
            LegStatus.Reused => $"reused: succeeded in an earlier run{attempts} in {duration}",
            LegStatus.UpToDate => $"up to date in {duration}: not built, the image with the same inputs exists" + (leg.ImageId is { } image ? $" ({RunSummary.ShortImageId(image)})" : ""),
            LegStatus.NotStarted => LegStatusText.Of(leg.Status) + reason,
            _ => $"{LegStatusText.Of(leg.Status)}{attempts} in {duration}{reason}",
        };
    }

    /// <summary>Why the leg did not succeed: its failure reason, or its status in words when it has none.</summary>
    /// <param name="leg">The leg's result.</param>
    public static string Reason(LegResult leg) => leg.FailureReason is { } reason ? ControlCharacters.Escape(reason) : LegStatusText.Of(leg.Status);

    /// <summary>
    /// Why a leg did not start, without the <c>Not started:</c> prefix of its <see cref="LegResult.FailureReason"/>,
    /// e.g. <c>needs base-alpine, which failed</c>; <see langword="null"/> for a leg that started or gives no reason.
    /// </summary>
    /// <param name="leg">The leg's result.</param>
    public static string? NotStartedReason(LegResult leg)
    {
        const string Prefix = "Not started: ";
        if (leg.Status != LegStatus.NotStarted || leg.FailureReason is not { } reason)
        {
            return null;
        }

        return ControlCharacters.Escape(reason.StartsWith(Prefix, StringComparison.Ordinal) ? reason[Prefix.Length..] : reason);
    }

    /// <summary>True for the legs every report treats as failures: failed, timed out or cancelled (not: not started).</summary>
    /// <param name="status">The leg's status.</param>
    public static bool IsFailure(LegStatus status) => status is LegStatus.Failed or LegStatus.TimedOut or LegStatus.Cancelled;

    /// <summary>
    /// The error code of a leg that did not succeed: <c>CPAR0101</c> failed, <c>CPAR0102</c> timed out,
    /// <c>CPAR0103</c> cancelled, <c>CPAR0104</c> not started; <see langword="null"/> for succeeded and reused legs.
    /// </summary>
    /// <param name="status">The leg's status.</param>
    public static string? ErrorCode(LegStatus status) => status switch
    {
        LegStatus.Failed => ErrorCodes.LegFailed,
        LegStatus.TimedOut => ErrorCodes.LegTimedOut,
        LegStatus.Cancelled => ErrorCodes.LegCancelled,
        LegStatus.NotStarted => ErrorCodes.LegNotStarted,
        _ => null,
    };

    /// <summary>Where a reused leg's result comes from, e.g. <c>reused: succeeded in run … started … on host</c>; <see langword="null"/> for other legs.</summary>
    /// <param name="leg">The leg's result.</param>
    public static string? ReusedFrom(LegResult leg) => leg.Status != LegStatus.Reused ? null
        : leg.Remarks.FirstOrDefault(r => r.StartsWith(ResumedLeg.RemarkPrefix, StringComparison.Ordinal)) ?? "reused: succeeded in an earlier run";
}
