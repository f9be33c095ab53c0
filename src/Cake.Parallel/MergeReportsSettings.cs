using Cake.Core.IO;

namespace Cake.Parallel;

/// <summary>Which reports <see cref="ShardAliases.MergeReports"/> writes for the whole matrix; paths are relative to the Cake working directory.</summary>
public sealed class MergeReportsSettings
{
    /// <summary>Gets or sets the merged JSON report (a later run's <c>ResumeFrom</c> or <c>HistoryFrom</c>); <see langword="null"/> for none.</summary>
    public FilePath? ReportFile { get; set; }

    /// <summary>Gets or sets the merged JUnit XML file; <see langword="null"/> for none.</summary>
    public FilePath? JUnitFile { get; set; }

    /// <summary>Gets or sets the merged Markdown summary (also appended to <c>$GITHUB_STEP_SUMMARY</c> when set); <see langword="null"/> for none.</summary>
    public FilePath? MarkdownFile { get; set; }

    /// <summary>Gets or sets the merged HTML report; <see langword="null"/> for none.</summary>
    public FilePath? HtmlFile { get; set; }

    /// <summary>Gets or sets whether the task fails when a leg of the matrix did not succeed (also one whose shard sent nothing); default true.</summary>
    public bool ThrowOnFailure { get; set; } = true;
}
