using Microsoft.Build.Framework;
using CakeParallel.Model;
using CakeParallel.Reports;

namespace CakeParallel.MSBuild;

/// <summary>
/// Turns the engine's live events into MSBuild log entries: status lines at normal importance, output lines at
/// low importance, a coded warning per retry and a coded error per leg that did not succeed. It hears the events on
/// the thread that runs <c>Execute</c>, through a <see cref="DeferredRunListener"/>.
/// </summary>
/// <param name="diagnostics">Where the entries go.</param>
/// <param name="defaultMaxAttempts">The attempts of legs without a retry policy of their own.</param>
internal sealed class RunEventMessages(TaskDiagnostics diagnostics, int defaultMaxAttempts) : IRunListener
{
    private const int TailLinesInErrors = 5;

    public void AttemptStarted(LegSpec leg, int attempt, string logFile)
    {
        if (!diagnostics.Logs(MessageImportance.Normal))
        {
            return;
        }

        var text = attempt == 1 ? $"[{leg.Name}] started: {leg.DisplayCommand}" : $"[{leg.Name}] attempt {attempt} started";
        diagnostics.Message(MessageImportance.Normal, text);
    }

    public void OutputLine(LegSpec leg, OutputLine line)
    {
        if (!diagnostics.Logs(MessageImportance.Low))
        {
            return;
        }

        var text = $"[{leg.Name}] {line.Text}";
        diagnostics.Message(MessageImportance.Low, text);
    }

    public void AdmissionNotice(AdmissionNotice notice)
    {
        var text = notice.Leg is null ? notice.Message : $"[{notice.Leg.Name}] {notice.Message}";
        if (notice.Code == ErrorCodes.SharedSlotsCountDiffers)
        {
            diagnostics.Warning(notice.Code, text);
        }
        else
        {
            diagnostics.Message(MessageImportance.High, text);
        }
    }

    public void RetryScheduled(LegSpec leg, AttemptRecord attempt)
    {
        var text = $"leg '{leg.Name}' {AttemptText.Retry(attempt, leg.Retry?.MaxAttempts ?? defaultMaxAttempts)}.";
        diagnostics.Warning(ErrorCodes.LegRetried, text);
    }

    public void LegCompleted(LegResult result)
    {
        if ((result.Status is LegStatus.Reused or LegStatus.Succeeded or LegStatus.UpToDate) && !diagnostics.Logs(MessageImportance.Normal))
        {
            return;
        }

        if (result.Status is LegStatus.Reused)
        {
            // The duration is the earlier run's; the engine's remark says which run that was.
            diagnostics.Message(MessageImportance.Normal, $"[{result.Name}] not run again, {LegText.ReusedFrom(result)}");
            return;
        }

        if (result.Status is LegStatus.Succeeded or LegStatus.UpToDate)
        {
            diagnostics.Message(MessageImportance.Normal, $"[{result.Name}] {LegText.Completion(result)}");
            return;
        }

        if (result.Status is LegStatus.Failed or LegStatus.TimedOut)
        {
            // The last lines go first, at high importance, so a minimal-verbosity build still shows why the leg failed.
            foreach (var line in result.OutputTail.Skip(Math.Max(0, result.OutputTail.Count - TailLinesInErrors)))
            {
                diagnostics.Message(MessageImportance.High, $"[{result.Name}] {line}");
            }
        }

        var message = $"leg '{result.Name}' {LegStatusText.Of(result.Status)}: {LegText.Reason(result)}" + (result.LogFile is null ? "" : $" (log: {result.LogFile})");
        diagnostics.Error(LegText.ErrorCode(result.Status)!, message);
    }
}
