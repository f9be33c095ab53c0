using Cake.Core.Diagnostics;
using CakeParallel.Model;
using CakeParallel.Reports;

namespace Cake.Parallel.Rendering;

/// <summary>The end of a run in the Cake log: the output tail of every failed leg under its name, then the summary table.</summary>
internal static class RunReport
{
    public static void Write(ICakeLog log, RunResult run, LegPalette palette)
    {
        foreach (var leg in run.Legs.Where(l => LegText.IsFailure(l.Status)))
        {
            log.WriteText(Verbosity.Minimal, LogLevel.Information, "");
            log.WriteText(Verbosity.Minimal, LogLevel.Error,
                $"=== {palette.Paint(leg.Name, leg.Name)}: {LegStatusText.Of(leg.Status)}{(leg.ExitDisplay.Length > 0 ? ", exit " + leg.ExitDisplay : "")}" +
                (leg.FailureReason is null ? "" : " - " + leg.FailureReason));
            if (leg.OutputTail.Count == 0)
            {
                log.WriteText(Verbosity.Minimal, LogLevel.Error, "    (no output)");
            }

            foreach (var line in leg.OutputTail)
            {
                log.WriteText(Verbosity.Minimal, LogLevel.Error, "    " + line);
            }

            if (leg.LogFile is not null)
            {
                log.WriteText(Verbosity.Minimal, LogLevel.Error, "    full log: " + leg.LogFile);
            }

            foreach (var remark in leg.Remarks)
            {
                log.WriteText(Verbosity.Minimal, LogLevel.Warning, "    note: " + remark);
            }
        }

        log.WriteText(Verbosity.Minimal, LogLevel.Information, "");
        var cancelled = run.WasCancelled ? " (cancelled)" : "";
        log.WriteText(Verbosity.Minimal, LogLevel.Information, $"Parallel run{cancelled} finished in {DurationText.Format(run.Duration)}: {run.CountsDisplay}");
        // The table is one entry with a line a leg: one write to Cake's log, not one a leg.
        if (RunSummary.TableLines(run) is { Count: > 0 } table)
        {
            log.WriteText(Verbosity.Minimal, LogLevel.Information, string.Join(Environment.NewLine, table.Select(line => "  " + line)));
        }

        if (RunSummary.PublishLine(run) is { } publish)
        {
            log.WriteText(Verbosity.Minimal, run.Publish!.Outcome == PublishOutcome.Published ? LogLevel.Information : LogLevel.Error, $"  {publish}");
            foreach (var staging in run.Publish.StagingTags.Where(s => !s.Removed && run.Publish.Outcome == PublishOutcome.Published))
            {
                log.WriteText(Verbosity.Minimal, LogLevel.Warning, $"    {ErrorCodes.DockerStagingTagKept}: staging tag {staging.Tag} stays in the registry: {staging.Note}");
            }
        }
    }
}
