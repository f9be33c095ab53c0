using CakeParallel.Model;
using CakeParallel.Reports;
using Microsoft.Build.Framework;
using Task = Microsoft.Build.Utilities.Task;

namespace CakeParallel.MSBuild;

/// <summary>
/// Merges the JSON reports of a matrix's shards into one JSON, JUnit, Markdown (and <c>$GITHUB_STEP_SUMMARY</c>)
/// and HTML report of the whole matrix: legs in matrix order with their shard and machine; the legs of a shard that
/// sent no report are not started, with the reason. Fails when a leg did not succeed (unless <see cref="FailOnUnsuccessful"/> is false).
/// </summary>
public sealed class MergeReports : Task
{
    /// <summary>The shards' JSON reports.</summary>
    [Required]
    public ITaskItem[] Reports { get; set; } = [];

    /// <summary>The merged JSON report, relative to the project directory (default: none).</summary>
    public string? ReportFile { get; set; }

    /// <summary>The merged JUnit XML file (default: none).</summary>
    public string? JUnitFile { get; set; }

    /// <summary>The merged Markdown summary, also appended to <c>$GITHUB_STEP_SUMMARY</c> when set (default: none).</summary>
    public string? MarkdownFile { get; set; }

    /// <summary>The merged HTML report (default: none).</summary>
    public string? HtmlFile { get; set; }

    /// <summary>Whether a leg that did not succeed (also one whose shard sent nothing) fails the task (default true).</summary>
    public bool FailOnUnsuccessful { get; set; } = true;

    /// <summary>One item per leg of the matrix, in matrix order, with the metadata of <c>ParallelExec</c>'s <c>Results</c> (<c>Shard</c> and <c>Host</c> included).</summary>
    [Output]
    public ITaskItem[] Results { get; private set; } = [];

    /// <summary>Merges and writes; false when the reports cannot be merged, a report cannot be written, or (by default) a leg did not succeed.</summary>
    public override bool Execute()
    {
        var diagnostics = new TaskDiagnostics(Log, BuildEngine);
        var projectDirectory = Directory.GetCurrentDirectory();
        string? Full(string? path) => string.IsNullOrEmpty(path) ? null : Path.GetFullPath(path, projectDirectory);
        var output = new ReportOptions { ReportFile = Full(ReportFile), JUnitFile = Full(JUnitFile), MarkdownFile = Full(MarkdownFile), HtmlFile = Full(HtmlFile) };
        RunResult merged;
        try
        {
            merged = ReportMerge.MergeAndWrite([.. Reports.Select(r => Full(r.ItemSpec)!)], output);
        }
        catch (InvalidRunException exception)
        {
            foreach (var error in exception.Errors)
            {
                diagnostics.Error(error.Code, error.ToString()[(error.Code.Length + 1)..]);
            }

            return false;
        }
        catch (ReportWriteException exception)
        {
            merged = exception.Result;
            foreach (var failure in exception.Failures)
            {
                diagnostics.Error(ErrorCodes.ReportNotWritten, $"report not written: {failure}");
            }
        }

        Results = [.. merged.Legs.Select(ResultItems.From)];
        diagnostics.Message(MessageImportance.High, $"MergeReports: {merged.Legs.Count} legs from {merged.Host}: {merged.CountsDisplay}");
        foreach (var line in RunSummary.TableLines(merged))
        {
            diagnostics.Message(MessageImportance.High, "  " + line);
        }

        if (FailOnUnsuccessful)
        {
            foreach (var leg in merged.Unsuccessful)
            {
                var code = leg.Status switch
                {
                    LegStatus.TimedOut => ErrorCodes.LegTimedOut,
                    LegStatus.Cancelled => ErrorCodes.LegCancelled,
                    LegStatus.NotStarted => ErrorCodes.LegNotStarted,
                    _ => ErrorCodes.LegFailed,
                };
                diagnostics.Error(code, $"leg '{leg.Name}' ({leg.Shard?.ToString() ?? "not sharded"}): {leg.FailureReason}");
            }
        }

        return !Log.HasLoggedErrors;
    }
}
