using Cake.Core.IO;
using CakeParallel.Model;

namespace Cake.Parallel;

/// <summary>How <see cref="ParallelAliases.RunParallel"/> schedules, supervises and reports its legs.</summary>
public class ParallelSettings
{
    /// <summary>
    /// Gets or sets the most legs running at once; <see langword="null"/> (not set) for <c>CAKEPARALLEL_MAX_PARALLEL</c>,
    /// else the matrix file's <c>maxParallel</c>, else the processor count.
    /// </summary>
    public int? MaxParallel { get; set; }

    /// <summary>
    /// Gets or sets whether the first leg that finally fails or times out stops the run: running legs are
    /// terminated and waiting legs never start. <see langword="null"/> (not set) for <c>CAKEPARALLEL_FAIL_FAST</c>,
    /// else the matrix file's <c>failFast</c>, else false: every leg runs.
    /// </summary>
    public bool? FailFast { get; set; }

    /// <summary>
    /// Gets or sets whether every docker build leg builds even when an image with its inputs hash already exists
    /// under its tags (otherwise such a leg ends <c>UpToDate</c> without building). <see langword="null"/> (not set)
    /// for <c>CAKEPARALLEL_REBUILD</c>, else the matrix file's <c>rebuild</c>, else false.
    /// </summary>
    public bool? Rebuild { get; set; }

    /// <summary>
    /// Gets or sets the timeout of each attempt of each leg; <see langword="null"/> (not set) for
    /// <c>CAKEPARALLEL_TIMEOUT</c>, else the matrix file's <c>timeout</c>, else none.
    /// </summary>
    public TimeSpan? Timeout { get; set; }

    /// <summary>
    /// Gets or sets the machine-wide slot pool every leg also takes a slot of: every run on the machine naming the
    /// pool (other Cake scripts, MSBuild nodes, CI jobs on the same runner) shares its slots. <see langword="null"/>
    /// (not set) for <c>CAKEPARALLEL_SHARED_SLOTS</c> (<c>name:N</c>), else the matrix file's <c>sharedSlots</c>, else none.
    /// </summary>
    public SharedSlots? SharedSlots { get; set; }

    /// <summary>
    /// Gets or sets the memory, in bytes, that must stay available (<c>MemAvailable</c> minus what running legs
    /// reserved) for a leg to start; <see langword="null"/> for no limit. <see cref="ByteSize.TryParse"/> reads <c>4GiB</c>.
    /// </summary>
    public long? MinFreeMemory { get; set; }

    /// <summary>Gets or sets the 1-minute load average a leg starts only below; <see langword="null"/> for no limit.</summary>
    public double? MaxLoad { get; set; }

    /// <summary>
    /// Gets or sets how long a leg may wait for machine-wide admission (shared slot, memory, load) before it ends
    /// not started, with the reason; <see langword="null"/> to wait as long as the run goes on.
    /// </summary>
    public TimeSpan? AdmissionTimeout { get; set; }

    /// <summary>Gets or sets the deadline of the whole run, from its start; <see langword="null"/> for none.</summary>
    public TimeSpan? Deadline { get; set; }

    /// <summary>
    /// Gets or sets how long a leg's processes may take to exit after <c>SIGTERM</c> (on timeout, fail-fast or
    /// Ctrl+C) before they are killed; <see langword="null"/> for the engine's default of 10 s.
    /// </summary>
    public TimeSpan? GracePeriod { get; set; }

    /// <summary>
    /// Gets or sets the retry policy of legs that do not set their own; <see langword="null"/> (not set) for the
    /// default policy (no retries; docker legs: transient failures, 3 attempts), with its attempts from
    /// <c>CAKEPARALLEL_RETRIES</c> or the matrix file's <c>retries</c> when those are set. The <c>WithRetry</c>
    /// setters create it.
    /// </summary>
    public ParallelRetrySettings? Retry { get; set; }

    /// <summary>
    /// Gets or sets whether a run in which any leg did not succeed throws a <see cref="Cake.Core.CakeException"/>
    /// naming those legs (default true). A cancelled run (Ctrl+C) always throws.
    /// </summary>
    public bool ThrowOnFailure { get; set; } = true;

    /// <summary>
    /// Gets or sets where each leg's complete log is written; relative paths are resolved against the Cake working
    /// directory. <see langword="null"/> for a new folder under the temp directory.
    /// </summary>
    public DirectoryPath? LogDirectory { get; set; }

    /// <summary>
    /// Gets or sets how the legs' output appears in the Cake log; <see langword="null"/> (the default) for
    /// <see cref="ParallelOutputMode.Live"/> in <c>RunParallel</c> and <see cref="ParallelOutputMode.Steps"/> in
    /// <c>DockerBuildMatrix</c>.
    /// </summary>
    public ParallelOutputMode? OutputMode { get; set; }

    /// <summary>
    /// Gets or sets whether an interactive terminal shows a live progress display under the log while legs run: the
    /// running legs with their elapsed time and last output line (default true). It appears only when standard
    /// output is a terminal with ANSI support, outside CI and above quiet verbosity; elsewhere the log has plain
    /// lines only.
    /// </summary>
    public bool LiveProgress { get; set; } = true;

    /// <summary>
    /// Gets or sets the JSON report of the run (every leg with its parameters, status, attempts, image id, log file
    /// and output tail; schema in <c>docs/report-schema.md</c>), relative to the Cake working directory. It is
    /// written atomically when the run ends, also when it failed or was cancelled, and is what
    /// <see cref="ResumeFrom"/> reads. <see langword="null"/> for none.
    /// </summary>
    public FilePath? ReportFile { get; set; }

    /// <summary>
    /// Gets or sets a JUnit XML file with one testcase per leg, for the test tabs of GitHub, Azure Pipelines, GitLab
    /// and Jenkins; relative to the Cake working directory. <see langword="null"/> for none.
    /// </summary>
    public FilePath? JUnitFile { get; set; }

    /// <summary>
    /// Gets or sets a Markdown summary (a table of legs, and the reason and last output of each unsuccessful one),
    /// relative to the Cake working directory; <see langword="null"/> for none. On GitHub Actions the summary is
    /// also appended to <c>GITHUB_STEP_SUMMARY</c>, whether or not this is set.
    /// </summary>
    public FilePath? MarkdownFile { get; set; }

    /// <summary>
    /// Gets or sets a self-contained HTML timeline of the run (a bar per attempt, retry waits, the results table),
    /// relative to the Cake working directory; <see langword="null"/> for none.
    /// </summary>
    public FilePath? HtmlFile { get; set; }

    /// <summary>
    /// Gets or sets which CI system's annotations (an error per failed leg, its last output in a collapsible group)
    /// are printed after the summary, whatever Cake's verbosity. Default <see cref="CiAnnotationMode.Auto"/>:
    /// GitHub Actions, Azure Pipelines or TeamCity as detected from the environment, none elsewhere.
    /// </summary>
    public CiAnnotationMode CiAnnotations { get; set; } = CiAnnotationMode.Auto;

    /// <summary>
    /// Gets or sets the JSON report (<see cref="ReportFile"/>) of an earlier run to re-run only what failed there:
    /// legs that succeeded in it (matched by their stable id) are not run again and end
    /// <see cref="LegStatus.Reused"/> with the earlier result; every other leg runs. Relative to the Cake working
    /// directory; may be the same file as <see cref="ReportFile"/>. <see langword="null"/> runs every leg.
    /// </summary>
    public FilePath? ResumeFrom { get; set; }

    /// <summary>
    /// Gets or sets which shard of the matrix this job runs, <c>i/n</c> (e.g. <c>"2/4"</c>): only that shard's legs
    /// run, and the n shards together run every leg once. <see langword="null"/> (not set) for
    /// <c>CAKEPARALLEL_SHARD</c>, else the matrix file's <c>shard</c>, else every leg runs.
    /// </summary>
    public string? Shard { get; set; }

    /// <summary>
    /// Gets or sets the shard plan written by <c>PlanShards</c>: the shard runs the legs the plan lists for it, so
    /// shards balanced by history agree whatever each job sees. <see langword="null"/>: shards are balanced by count.
    /// </summary>
    public FilePath? ShardPlan { get; set; }

    /// <summary>
    /// Gets or sets earlier JSON reports (for example the merged report of the last CI run) whose leg durations are
    /// the expected ones: legs start longest expected first, and the report records expected against actual duration.
    /// </summary>
    public ICollection<FilePath> HistoryFrom { get; set; } = [];

    /// <summary><see cref="Retry"/>, created with this kind of run's defaults when not set yet.</summary>
    internal ParallelRetrySettings RetryOrNew() => Retry ??= NewRetrySettings();

    /// <summary>The retry settings a setter starts from when <see cref="Retry"/> is not set.</summary>
    private protected virtual ParallelRetrySettings NewRetrySettings() => new();
}
