using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using Task = Microsoft.Build.Utilities.Task;

namespace CakeParallel.MSBuild;

/// <summary>
/// The parameters, cancellation and logging shared by the tasks that run legs (<see cref="ParallelExec"/>):
/// builds the legs, validates everything before anything starts, yields the node while the legs run and
/// reports every leg as an item of <see cref="Results"/>.
/// </summary>
public abstract class ParallelRunTask : Task, ICancelableTask
{
    // Never disposed: it has no timer, and Cancel() may arrive after Execute returned.
    private readonly CancellationTokenSource _cancellation = new();
    private int? _timeout;
    private int? _gracePeriod;
    private int? _retryDelay;

    /// <summary>The most legs running at once (default: the processor count).</summary>
    public int MaxParallel { get; set; } = Environment.ProcessorCount;

    /// <summary>Timeout of each attempt of each leg in milliseconds, like <c>Exec</c>'s <c>Timeout</c> (default: none).</summary>
    public int Timeout
    {
        get => _timeout ?? 0;
        set => _timeout = value;
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

    /// <summary>Attempts per leg, including the first (default 1: no retry).</summary>
    public int MaxAttempts { get; set; } = 1;

    /// <summary>Milliseconds to wait before the first retry; later waits grow exponentially, with jitter (default 1000).</summary>
    public int RetryDelay
    {
        get => _retryDelay ?? 1000;
        set => _retryDelay = value;
    }

    /// <summary>Exit codes that make a failed attempt retryable (default: any, unless <see cref="RetryOnOutput"/> is set).</summary>
    public int[] RetryOnExitCodes { get; set; } = [];

    /// <summary>Regular expressions over a failed attempt's last output lines that make it retryable.</summary>
    public string[] RetryOnOutput { get; set; } = [];

    /// <summary>Whether a timed-out attempt is retried (default false).</summary>
    public bool RetryOnTimeout { get; set; }

    /// <summary>On the first leg that fails or times out, start no more legs and terminate the running ones (default false).</summary>
    public bool FailFast { get; set; }

    /// <summary>Where each leg's complete log is written, relative to the project directory (default: a new folder under the temp directory).</summary>
    public string? LogDirectory { get; set; }

    /// <summary>
    /// One item per leg, in input order: identity = leg name; metadata <c>Status</c>, <c>ExitCode</c>,
    /// <c>Signal</c>, <c>Attempts</c>, <c>Duration</c> (ms), <c>LogFile</c>, <c>FailureReason</c>, <c>Id</c>,
    /// <c>Parameters</c>, each parameter by name, <c>ImageId</c> and <c>Tags</c>. Values are set literally.
    /// </summary>
    [Output]
    public ITaskItem[] Results { get; private set; } = [];

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
        var options = CreateOptions(projectDirectory);
        var legs = CreateLegs(options, projectDirectory, errors);
        var engineErrors = RunValidator.Validate(legs, options);
        errors.AddRange(errors.Count > 0 ? engineErrors.Where(e => e.Code != ErrorCodes.NoLegs) : engineErrors);
        if (errors.Count > 0)
        {
            LogInvalidInput(diagnostics, errors);
            return false;
        }

        var log = new DeferredTaskLog();
        options = options with { Listener = new RunEventMessages(diagnostics, log) };
        var engine3 = BuildEngine as IBuildEngine3;
        engine3?.Yield();
        RunResult result;
        try
        {
            var run = System.Threading.Tasks.Task.Run(() => ParallelRunner.RunAsync(legs, options, _cancellation.Token));
            run.ContinueWith(_ => log.Complete(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            log.DrainUntilCompleted();
            result = run.GetAwaiter().GetResult();
        }
        catch (InvalidRunException exception)
        {
            LogInvalidInput(diagnostics, exception.Errors);
            return false;
        }
        finally
        {
            engine3?.Reacquire();
        }

        Results = result.Legs.Select(ResultItems.From).ToArray();
        LogSummary(diagnostics, result);
        return !Log.HasLoggedErrors;
    }

    /// <summary>Creates the legs from the task's input; adds a coded error naming the leg and field for each problem.</summary>
    /// <param name="options">The run options made from the shared parameters.</param>
    /// <param name="projectDirectory">The directory relative paths are resolved against.</param>
    /// <param name="errors">Receives the problems found.</param>
    private protected abstract IReadOnlyList<LegSpec> CreateLegs(RunOptions options, string projectDirectory, List<ValidationError> errors);

    private RunOptions CreateOptions(string projectDirectory)
    {
        var initialDelay = TimeSpan.FromMilliseconds(RetryDelay);
        var retry = new RetryPolicy
        {
            MaxAttempts = MaxAttempts,
            InitialDelay = initialDelay,
            MaxDelay = initialDelay > RetryPolicy.None.MaxDelay ? initialDelay : RetryPolicy.None.MaxDelay,
            RetryOnExitCodes = RetryOnExitCodes,
            RetryOnOutput = RetryOnOutput,
            RetryOnTimeout = RetryOnTimeout,
        };
        return new RunOptions
        {
            MaxParallel = MaxParallel,
            FailFast = FailFast,
            Timeout = _timeout is { } timeout ? TimeSpan.FromMilliseconds(timeout) : null,
            Termination = _gracePeriod is { } grace ? TerminationSequence.WithGracePeriod(TimeSpan.FromMilliseconds(grace)) : TerminationSequence.Default,
            Retry = retry,
            LogDirectory = string.IsNullOrEmpty(LogDirectory) ? null : Path.GetFullPath(LogDirectory, projectDirectory),
        };
    }

    private void LogInvalidInput(TaskDiagnostics diagnostics, IReadOnlyList<ValidationError> errors)
    {
        foreach (var error in errors)
        {
            var where = error.Leg is null ? $"parameter {error.Field}" : $"leg '{error.Leg}' {error.Field}";
            diagnostics.Error(error.Code, $"{where}: {error.Message}");
        }

        diagnostics.Message(MessageImportance.High, $"{GetType().Name}: nothing was started because the input has {errors.Count} problem{(errors.Count == 1 ? "" : "s")}.");
    }

    private void LogSummary(TaskDiagnostics diagnostics, RunResult result)
    {
        var cancelled = result.WasCancelled ? " (cancelled)" : "";
        diagnostics.Message(MessageImportance.High, $"{GetType().Name}: {result.Legs.Count} leg{(result.Legs.Count == 1 ? "" : "s")} in {DurationText.Format(result.Duration)}{cancelled}: {result.CountsDisplay}");
        var width = result.Legs.Max(l => l.Name.Length);
        foreach (var leg in result.Legs)
        {
            var exit = leg.ExitDisplay.Length > 0 ? $"  exit {leg.ExitDisplay}" : "";
            var attempts = leg.Attempts.Count > 1 ? $"  {leg.Attempts.Count} attempts" : "";
            diagnostics.Message(MessageImportance.High, $"  {leg.Name.PadRight(width)}  {LegStatusText.Of(leg.Status),-11} {DurationText.Format(leg.Duration),8}{exit}{attempts}");
        }
    }
}
