namespace CakeParallel.Model;

/// <summary>
/// Which per-leg reports a run writes when it ends (also when it failed or was cancelled), how CI annotations are
/// chosen, and which earlier report a run resumes from. Every file is optional; the default writes nothing.
/// </summary>
public sealed record ReportOptions
{
    /// <summary>No reports, annotations chosen from the environment, no resume.</summary>
    public static ReportOptions None { get; } = new();

    /// <summary>The JSON report (schema in <c>docs/report-schema.md</c>), written atomically; <see langword="null"/> for none.</summary>
    public string? ReportFile { get; init; }

    /// <summary>A JUnit XML file with one testcase per leg, for CI test tabs; <see langword="null"/> for none.</summary>
    public string? JUnitFile { get; init; }

    /// <summary>A Markdown summary (a table of legs); <see langword="null"/> for none.</summary>
    public string? MarkdownFile { get; init; }

    /// <summary>A self-contained HTML timeline of the run (no network access needed to view it); <see langword="null"/> for none.</summary>
    public string? HtmlFile { get; init; }

    /// <summary>
    /// Which CI system's annotation lines <c>CiAnnotations.Lines</c>
    /// produces (default <see cref="CiAnnotationMode.Auto"/>: the one detected from the environment).
    /// </summary>
    public CiAnnotationMode CiAnnotations { get; init; } = CiAnnotationMode.Auto;

    /// <summary>
    /// Append the Markdown summary to the file named by <c>GITHUB_STEP_SUMMARY</c> when that variable is set
    /// (default on), so it shows on the GitHub Actions run page.
    /// </summary>
    public bool AppendToStepSummary { get; init; } = true;

    /// <summary>
    /// A JSON report of an earlier run, or its run journal (<c>run-journal.jsonl</c>, or the log folder holding it,
    /// which survives a runner killed mid-run): legs whose stable id succeeded (or was reused) there are not run
    /// again and end <see cref="LegStatus.Reused"/> with the earlier result; all other legs run. May be the same file
    /// as <see cref="ReportFile"/>. <see langword="null"/> runs every leg.
    /// </summary>
    public string? ResumeFrom { get; init; }

    /// <summary>
    /// The environment read for CI detection and <c>GITHUB_STEP_SUMMARY</c>; <see langword="null"/> reads the
    /// process's environment. Hosts that pass a build-specific environment set it.
    /// </summary>
    public IReadOnlyDictionary<string, string?>? Environment { get; init; }

    /// <summary>The report files that are set, each with the option that names it (for validation and messages).</summary>
    internal IEnumerable<(string Field, string Path)> Files()
    {
        if (ReportFile is not null)
        {
            yield return (nameof(ReportFile), ReportFile);
        }

        if (JUnitFile is not null)
        {
            yield return (nameof(JUnitFile), JUnitFile);
        }

        if (MarkdownFile is not null)
        {
            yield return (nameof(MarkdownFile), MarkdownFile);
        }

        if (HtmlFile is not null)
        {
            yield return (nameof(HtmlFile), HtmlFile);
        }
    }
}
