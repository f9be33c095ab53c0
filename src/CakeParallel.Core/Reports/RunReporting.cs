using CakeParallel.Scheduling;
using CakeParallel.Supervision;
using CakeParallel.Model;

namespace CakeParallel.Reports;

/// <summary>
/// The runner's one entry into reporting: before the run it reuses the legs an earlier report shows succeeded;
/// after the run (whether it succeeded, failed or was cancelled) it writes every configured report.
/// </summary>
internal sealed class RunReporting
{
    private readonly ReportOptions _options;
    private readonly RunResult? _earlier;

    private RunReporting(ReportOptions options, RunResult? earlier)
    {
        _options = options;
        _earlier = earlier;
    }

    /// <summary>Loads the report to resume from, if any (validation has already checked it, but it may have changed since).</summary>
    /// <exception cref="InvalidRunException">The report cannot be read now; no leg was started.</exception>
    public static RunReporting Start(ReportOptions options)
    {
        if (options.ResumeFrom is not { } path)
        {
            return new RunReporting(options, null);
        }

        try
        {
            return new RunReporting(options, RunJournal.IsJournal(path) ? RunJournal.Read(path) : JsonRunReport.Read(path));
        }
        catch (Exception exception) when (exception is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            throw new InvalidRunException([new ValidationError(ErrorCodes.ResumeReportUnusable, null, "Reports.ResumeFrom", exception.Message)]);
        }
    }

    /// <summary>
    /// Results for the legs the earlier report shows succeeded (or reused), by stable id; null for legs that run.
    /// The listener hears of each reused leg as completed.
    /// </summary>
    public LegResult?[] Reuse(IReadOnlyList<LegPlan> plans, ListenerGate listener)
    {
        var results = new LegResult?[plans.Count];
        if (_earlier is null)
        {
            return results;
        }

        var succeeded = _earlier.Legs
            .Where(l => l.Status.SatisfiesDependents())
            .GroupBy(l => l.Id, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        foreach (var plan in plans)
        {
            if (succeeded.TryGetValue(plan.Leg.Id, out var earlier))
            {
                var reused = ResumedLeg.From(earlier, plan.Leg, _earlier);
                results[plan.Index] = reused;
                listener.Send(reused, static (l, r) => l.LegCompleted(r));
            }
        }

        return results;
    }

    /// <summary>Writes every configured report; tries all of them even when one fails.</summary>
    /// <exception cref="ReportWriteException">At least one report could not be written.</exception>
    public void Write(RunResult run)
    {
        var environment = new ReportEnvironment(_options.Environment);
        var failures = new List<string>();
        Exception? first = null;
        void Attempt(string field, string path, Action write)
        {
            try
            {
                write();
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                first ??= exception;
                failures.Add($"{field} '{path}': {exception.Message}");
            }
        }

        if (_options.ReportFile is { } json)
        {
            Attempt(nameof(ReportOptions.ReportFile), json, () => AtomicFile.WriteStream(json, stream => JsonRunReport.Write(run, stream)));
        }

        if (_options.JUnitFile is { } junit)
        {
            Attempt(nameof(ReportOptions.JUnitFile), junit, () => AtomicFile.WriteText(junit, writer => JUnitReport.Write(run, writer)));
        }

        if (_options.HtmlFile is { } html)
        {
            Attempt(nameof(ReportOptions.HtmlFile), html, () => AtomicFile.WriteText(html, writer => HtmlTimeline.Write(run, writer)));
        }

        var stepSummary = _options.AppendToStepSummary ? environment.Get(ReportEnvironment.GitHubStepSummary) : null;
        if (_options.MarkdownFile is { } md)
        {
            Attempt(nameof(ReportOptions.MarkdownFile), md, () => AtomicFile.WriteText(md, writer => MarkdownSummary.Write(run, writer)));
        }

        if (!string.IsNullOrEmpty(stepSummary))
        {
            // GitHub collects what each step appends; replacing the file would drop other steps' summaries.
            Attempt(ReportEnvironment.GitHubStepSummary, stepSummary, () =>
            {
                using var writer = File.AppendText(stepSummary);
                MarkdownSummary.Write(run, writer);
                writer.Write('\n');
            });
        }

        if (failures.Count > 0)
        {
            throw new ReportWriteException(run, failures, first!);
        }
    }
}
