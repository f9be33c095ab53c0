using CakeParallel.Reports;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using CakeParallel.Model;
using CakeParallel.Runs;
using Task = Microsoft.Build.Utilities.Task;

namespace CakeParallel.MSBuild;

/// <summary>
/// The parameters, cancellation and logging shared by <see cref="ParallelExec"/> and <see cref="DockerBuildMatrix"/>:
/// builds the legs, validates everything before anything starts, yields the node while the legs run and
/// reports every leg as an item of <see cref="Results"/>.
/// </summary>
public abstract class ParallelRunTask : Task, ICancelableTask
{
    // Never disposed: it has no timer, and Cancel() may arrive after Execute returned.
    private readonly CancellationTokenSource _cancellation = new();

    /// <summary>The most legs running at once (default: the processor count).</summary>
    public int MaxParallel
    {
        get => MaxParallelIfSet ?? Environment.ProcessorCount;
        set => MaxParallelIfSet = value;
    }

    /// <summary>Timeout of each attempt of each leg in milliseconds, like <c>Exec</c>'s <c>Timeout</c> (default: none).</summary>
    public int Timeout
    {
        get => TimeoutIfSet ?? 0;
        set => TimeoutIfSet = value;
    }

    /// <summary>
    /// Milliseconds a leg's process group gets to exit after <c>SIGTERM</c> (on timeout, fail-fast or
    /// cancellation) before it is killed with <c>SIGKILL</c> (default 10000).
    /// </summary>
    public int GracePeriod
    {
        get => _gracePeriod ?? 10_000;
        set => _gracePeriod = value;
    }

    private int? _gracePeriod;

    /// <summary>Attempts per leg, including the first (default 1: no retry; docker legs: 3, transient failures only).</summary>
    public int MaxAttempts
    {
        get => MaxAttemptsIfSet ?? 1;
        set => MaxAttemptsIfSet = value;
    }

    /// <summary>Milliseconds to wait before the first retry; later waits grow exponentially, with jitter (default 1000).</summary>
    public int RetryDelay
    {
        get => RetryDelayIfSet ?? 1000;
        set => RetryDelayIfSet = value;
    }

    /// <summary>Exit codes that make a failed attempt retryable (default: any, unless <see cref="RetryOnOutput"/> is set).</summary>
    public int[] RetryOnExitCodes { get; set; } = [];

    /// <summary>Regular expressions over a failed attempt's last output lines that make it retryable.</summary>
    public string[] RetryOnOutput { get; set; } = [];

    /// <summary>Whether a timed-out attempt is retried (default false).</summary>
    public bool RetryOnTimeout
    {
        get => RetryOnTimeoutIfSet ?? false;
        set => RetryOnTimeoutIfSet = value;
    }

    /// <summary>On the first leg that fails or times out, start no more legs and terminate the running ones (default false).</summary>
    public bool FailFast
    {
        get => FailFastIfSet ?? false;
        set => FailFastIfSet = value;
    }

    /// <summary>
    /// The machine-wide slot pool every leg also takes a slot of, as <c>name:N</c> (e.g. <c>builds:2</c>): every
    /// run on the machine naming the pool — other nodes of a <c>-m</c> build, other builds, Cake scripts — shares
    /// its N slots (default: none; <c>CAKEPARALLEL_SHARED_SLOTS</c> when not given).
    /// </summary>
    public string? SharedSlots { get; set; }

    /// <summary>
    /// A leg starts only while the machine's available memory, minus what running legs reserved, stays at or above
    /// this, e.g. <c>4GiB</c> (default: none).
    /// </summary>
    public string? MinFreeMemory { get; set; }

    /// <summary>A leg starts only while the 1-minute load average is below this, e.g. <c>8</c> (default: none).</summary>
    public string? MaxLoad { get; set; }

    /// <summary>
    /// Milliseconds a leg may wait for machine-wide admission (shared slot, memory, load) before it ends not
    /// started, with the reason (default: no limit).
    /// </summary>
    public int AdmissionTimeout { get; set; }

    /// <summary>Where each leg's complete log is written, relative to the project directory (default: a new folder under the temp directory).</summary>
    public string? LogDirectory { get; set; }

    /// <summary>
    /// The JSON report of the run (schema in <c>docs/report-schema.md</c>), relative to the project directory:
    /// every leg with its attempts, exit codes and failure reason. Written atomically when the legs are done, also
    /// when some failed or the build was cancelled; <see cref="ResumeFrom"/> reads it (default: none).
    /// </summary>
    public string? ReportFile { get; set; }

    /// <summary>A JUnit XML file with one testcase per leg, for CI test tabs, relative to the project directory (default: none).</summary>
    public string? JUnitFile { get; set; }

    /// <summary>
    /// A Markdown summary (a table of legs), relative to the project directory (default: none). The summary is also
    /// appended to the file named by <c>GITHUB_STEP_SUMMARY</c> when that variable is set.
    /// </summary>
    public string? MarkdownFile { get; set; }

    /// <summary>A self-contained HTML timeline of the run (one bar per attempt), relative to the project directory (default: none).</summary>
    public string? HtmlFile { get; set; }

    /// <summary>
    /// Which CI system's annotations (an error per failed leg, its last output in a collapsible group) are logged
    /// after the summary: <c>Auto</c> (default: detected from <c>GITHUB_ACTIONS</c>, <c>TF_BUILD</c>,
    /// <c>TEAMCITY_VERSION</c>; none outside CI), <c>Off</c>, <c>GitHubActions</c>, <c>AzurePipelines</c> or <c>TeamCity</c>.
    /// </summary>
    public string? CiAnnotations { get; set; }

    /// <summary>
    /// The JSON report (<see cref="ReportFile"/>) of an earlier run, relative to the project directory: legs whose
    /// stable id succeeded there are not run again and get <c>Status</c> <c>Reused</c>; the others run. May be the
    /// same file as <see cref="ReportFile"/> (default: every leg runs).
    /// </summary>
    public string? ResumeFrom { get; set; }

    /// <summary>
    /// Run only this shard of the matrix, <c>i/n</c> (e.g. <c>2/4</c>); the n shards together run every leg once
    /// (default: <c>CAKEPARALLEL_SHARD</c>, else the matrix file's <c>shard</c>, else every leg).
    /// </summary>
    public string? Shard { get; set; }

    /// <summary>The shard plan written by <c>PlanShards</c>, relative to the project directory: the shard runs the legs the plan lists for it (default: balanced by count).</summary>
    public string? ShardPlan { get; set; }

    /// <summary>Earlier JSON reports whose leg durations are the expected ones: legs start longest expected first, and the report records expected against actual durations.</summary>
    public string[] HistoryFrom { get; set; } = [];

    /// <summary>
    /// One item per leg, in input order: identity = leg name; metadata <c>Status</c>, <c>ExitCode</c>,
    /// <c>Signal</c>, <c>Attempts</c>, <c>Duration</c> (ms), <c>LogFile</c>, <c>FailureReason</c>, <c>Id</c>,
    /// <c>Parameters</c>, each parameter by name, <c>ImageId</c>, <c>Tags</c> and <c>InputsHash</c> (docker build legs).
    /// <c>Status</c> <c>Succeeded</c>, <c>Reused</c> and <c>UpToDate</c> are successes. Values are set literally.
    /// </summary>
    [Output]
    public ITaskItem[] Results { get; private set; } = [];

    /// <summary>The parameters the project set explicitly (<see langword="null"/> when left at their default): the caller's layer of the precedence rule.</summary>
    /// <summary>
    /// Build every docker build leg even when an image with its inputs hash already exists under its tags (default
    /// false: such a leg ends <c>UpToDate</c>, a success, without building). Unset: <c>CAKEPARALLEL_REBUILD</c>, else the matrix file's <c>rebuild</c>.
    /// </summary>
    public bool Rebuild
    {
        get => RebuildIfSet ?? false;
        set => RebuildIfSet = value;
    }

    private protected bool? RebuildIfSet { get; private set; }

    private protected int? MaxParallelIfSet { get; private set; }

    private protected int? TimeoutIfSet { get; private set; }

    private protected int? MaxAttemptsIfSet { get; private set; }

    private protected int? RetryDelayIfSet { get; private set; }

    private protected bool? RetryOnTimeoutIfSet { get; private set; }

    private protected bool? FailFastIfSet { get; private set; }

    /// <summary>Asks the running legs to terminate (with the termination sequence); returns at once, from any thread.</summary>
    public void Cancel()
    {
        // CancelAsync runs the engine's cancellation callbacks on the thread pool, so this never blocks MSBuild.
        _ = _cancellation.CancelAsync();
    }

    /// <summary>Validates the input, runs the legs and reports them; returns false if anything failed or was invalid.</summary>
    public override bool Execute()
    {
        var diagnostics = new TaskDiagnostics(Log, BuildEngine);

        // MSBuild sets the current directory to the project's only while this task holds the node; relative
        // paths are resolved now, before the node is yielded to other projects.
        var projectDirectory = Directory.GetCurrentDirectory();
        var errors = new List<ValidationError>();
        var options = CreateBaseOptions(projectDirectory, errors);
        var plan = PreparePlan(options, CreateCallerOverrides(errors), RunPrecedence.ProcessEnvironment(), projectDirectory, errors);
        if (errors.Count > 0 || plan is null)
        {
            LogInvalidInput(diagnostics, errors);
            return false;
        }

        var items = new LegResultItems();
        var engine3 = BuildEngine as IBuildEngine3;
        engine3?.Yield();
        RunResult result;
        IReadOnlyList<string> unwrittenReports = [];
        try
        {
            // MSBuild's logging is only reliable from the thread that runs Execute while Execute has not returned (later
            // writes are dropped): the run's messages are written here, handed over from the engine's threads.
            var planning = plan(_cancellation.Token).GetAwaiter().GetResult();
            foreach (var warning in planning.Warnings)
            {
                diagnostics.Warning(warning.Code, warning.Message);
            }

            var planned = planning.GetPlanOrThrow();

            // The messages count attempts against the resolved retry policy, known once the run is planned.
            var messages = new RunEventMessages(diagnostics, planned.Options.Retry.MaxAttempts);
            result = ParallelRunner.Run(planned, new RunListeners(messages, items), _cancellation.Token);
        }
        catch (ReportWriteException exception)
        {
            // The legs ran to their end; only some report files are missing.
            result = exception.Result;
            unwrittenReports = exception.Failures;
        }
        catch (InvalidRunException exception)
        {
            LogInvalidInput(diagnostics, exception.Errors);
            return false;
        }
        catch (OperationCanceledException) when (_cancellation.IsCancellationRequested)
        {
            diagnostics.Error(ErrorCodes.LegCancelled, $"{GetType().Name} was cancelled before any leg started.");
            return false;
        }
        finally
        {
            engine3?.Reacquire();
        }

        Results = items.Of(result);
        LogSummary(diagnostics, result);
        foreach (var line in Reports.CiAnnotations.Lines(result, options.Reports))
        {
            diagnostics.Message(MessageImportance.High, line);
        }

        foreach (var failure in unwrittenReports)
        {
            diagnostics.Error(ErrorCodes.ReportNotWritten, $"report not written: {failure}");
        }

        return !Log.HasLoggedErrors;
    }

    /// <summary>
    /// Reads the task's input and returns how to plan the run (with <see cref="RunPlanner"/>, exactly once); adds a
    /// coded error naming the leg and field for each problem found (then the run is not started). Runs on the
    /// Execute thread, before the node is yielded; the returned function runs after.
    /// </summary>
    /// <param name="options">The run options that are not layered, with the layered ones at their defaults.</param>
    /// <param name="caller">The parameters the project set: the caller's layer of the precedence rule.</param>
    /// <param name="environment">The process environment, for the <c>CAKEPARALLEL_*</c> variables.</param>
    /// <param name="projectDirectory">The directory relative paths are resolved against.</param>
    /// <param name="errors">Receives the problems found.</param>
    private protected abstract Func<CancellationToken, Task<PlanningResult>>? PreparePlan(RunOptions options, RunOverrides caller, IReadOnlyDictionary<string, string?> environment, string projectDirectory, List<ValidationError> errors);

    /// <summary>The retry policy the retry parameters refine: the engine's (no retries), or the docker one.</summary>
    private protected abstract RetryPolicy DefaultRetry { get; }

    private RunOptions CreateBaseOptions(string projectDirectory, List<ValidationError> errors)
    {
        string? Full(string? path) => string.IsNullOrEmpty(path) ? null : Path.GetFullPath(path, projectDirectory);
        return new RunOptions
        {
            Termination = _gracePeriod is { } grace ? TerminationSequence.WithGracePeriod(TimeSpan.FromMilliseconds(grace)) : TerminationSequence.Default,
            LogDirectory = Full(LogDirectory),
            MinFreeMemory = AdmissionParameters.Memory(MinFreeMemory, nameof(MinFreeMemory), errors),
            MaxLoad = AdmissionParameters.Load(MaxLoad, errors),
            AdmissionTimeout = AdmissionTimeout != 0 ? TimeSpan.FromMilliseconds(AdmissionTimeout) : null,
            ShardPlan = Full(ShardPlan),
            HistoryFrom = [.. HistoryFrom.Where(h => !string.IsNullOrWhiteSpace(h)).Select(h => Full(h)!)],
            Reports = new ReportOptions
            {
                ReportFile = Full(ReportFile),
                JUnitFile = Full(JUnitFile),
                MarkdownFile = Full(MarkdownFile),
                HtmlFile = Full(HtmlFile),
                CiAnnotations = CiAnnotationModeText.Parse(CiAnnotations, nameof(CiAnnotations), errors),
                ResumeFrom = Full(ResumeFrom),
            },
        };
    }

    /// <summary>The parameters the project gave, as the caller's layer; a parameter not given sets nothing.</summary>
    private RunOverrides CreateCallerOverrides(List<ValidationError> errors)
    {
        Model.Shard? shard = null;
        if (!string.IsNullOrWhiteSpace(Shard) && !Model.Shard.TryParse(Shard, out shard))
        {
            errors.Add(new ValidationError(ErrorCodes.ShardInvalid, null, nameof(Shard), $"'{Shard}' is not a shard i/n with 1 ≤ i ≤ n (e.g. 2/4)."));
        }

        RetryPolicy? retry = null;
        if (RetryDelayIfSet is not null || RetryOnExitCodes.Length > 0 || RetryOnOutput.Length > 0 || RetryOnTimeoutIfSet is not null)
        {
            var defaults = DefaultRetry;
            var initialDelay = RetryDelayIfSet is { } delay ? TimeSpan.FromMilliseconds(delay) : defaults.InitialDelay;
            retry = defaults with
            {
                InitialDelay = initialDelay,
                MaxDelay = initialDelay > defaults.MaxDelay ? initialDelay : defaults.MaxDelay,
                RetryOnExitCodes = RetryOnExitCodes.Length > 0 ? RetryOnExitCodes : defaults.RetryOnExitCodes,
                RetryOnOutput = RetryOnOutput.Length > 0 ? RetryOnOutput : defaults.RetryOnOutput,
                RetryOnTimeout = RetryOnTimeoutIfSet ?? defaults.RetryOnTimeout,
            };
        }

        return new RunOverrides
        {
            MaxParallel = MaxParallelIfSet,
            Timeout = TimeoutIfSet is { } timeout ? TimeSpan.FromMilliseconds(timeout) : null,
            MaxAttempts = MaxAttemptsIfSet,
            FailFast = FailFastIfSet,
            Rebuild = RebuildIfSet,
            Retry = retry,
            SharedSlots = AdmissionParameters.Slots(SharedSlots, errors),
            Shard = shard,
        };
    }

    private void LogInvalidInput(TaskDiagnostics diagnostics, IReadOnlyList<ValidationError> errors)
    {
        foreach (var error in errors)
        {
            var where = error.Leg is not null ? $"leg '{error.Leg}' {error.Field}"
                : error.Code == ErrorCodes.EnvironmentVariableInvalid ? $"environment variable {error.Field}"
                : $"parameter {ParameterName(error.Field)}";
            diagnostics.Error(error.Code, $"{where}: {error.Message}");
        }

        diagnostics.Message(MessageImportance.High, $"{GetType().Name}: nothing was started because the input has {errors.Count} problem{(errors.Count == 1 ? "" : "s")}.");
    }

    // The engine names report settings "Reports.ReportFile"; on the task they are parameters of their own.
    private static string ParameterName(string field) =>
        field.StartsWith("Reports.", StringComparison.Ordinal) ? field["Reports.".Length..] : field;

    private void LogSummary(TaskDiagnostics diagnostics, RunResult result)
    {
        var cancelled = result.WasCancelled ? " (cancelled)" : "";
        diagnostics.Message(MessageImportance.High, $"{GetType().Name}: {result.Legs.Count} leg{(result.Legs.Count == 1 ? "" : "s")} in {DurationText.Format(result.Duration)}{cancelled}: {result.CountsDisplay}");
        // The table is one message (the console logger indents each of its lines): one log event, not one a leg.
        if (RunSummary.TableLines(result) is { Count: > 0 } table)
        {
            diagnostics.Message(MessageImportance.High, string.Join(Environment.NewLine, table.Select(line => "  " + line)));
        }

        if (RunSummary.PublishLine(result) is { } publish)
        {
            diagnostics.Message(MessageImportance.High, $"{GetType().Name}: {publish}");
        }

        switch (result.Publish)
        {
            case { Outcome: PublishOutcome.Failed } failed:
                diagnostics.Error(ErrorCodes.DockerPublishFailed, $"the all-or-nothing publish failed: {failed.Error}");
                break;
            case { Outcome: PublishOutcome.HeldBack } heldBack:
                diagnostics.Warning(ErrorCodes.DockerPublishHeldBack, $"no tag was published: {RunSummary.PublishLine(result)}; the staging tags stay for a resumed run.");
                break;
            case { Outcome: PublishOutcome.Published } published:
                foreach (var staging in published.StagingTags.Where(s => !s.Removed))
                {
                    diagnostics.Warning(ErrorCodes.DockerStagingTagKept, $"staging tag {staging.Tag} stays in the registry: {staging.Note}");
                }

                break;
        }
    }
}
