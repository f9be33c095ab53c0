using Cake.Core;
using Cake.Parallel.Rendering;
using CakeParallel.Model;
using CakeParallel.Reports;
using CakeParallel.Supervision;
using CakeParallel.Runs;

namespace Cake.Parallel;

/// <summary>
/// Runs an engine call inside Cake: renders its events to the Cake log (with a live progress display on an
/// interactive terminal), turns SIGINT/SIGTERM/SIGHUP of the Cake
/// process into cancellation while it runs, prints the CI annotations after the summary, and fails the task when
/// the run was cancelled, a report could not be written or (optionally) a leg was unsuccessful.
/// </summary>
internal static class CakeRunHost
{
    /// <param name="context">The Cake context.</param>
    /// <param name="settings">The alias's settings.</param>
    /// <param name="defaultOutputMode">The output mode when the settings set none (steps for docker builds).</param>
    /// <param name="run">The engine call.</param>
    public static RunResult Run(ICakeContext context, ParallelSettings settings, ParallelOutputMode defaultOutputMode, Func<RunOptions, CancellationToken, Task<RunResult>> run)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var progress = TerminalProgress.StartIfInteractive(context, settings.LiveProgress);
        var log = progress is null ? context.Log : new ProgressAwareLog(context.Log, progress);
        using var renderer = new CakeRunRenderer(log, settings.OutputMode ?? defaultOutputMode, settings.Retry.MaxAttempts, LegPalette.For(context), TimeProvider.System);
        // The display hears of each event first, so it is gone before the renderer writes the tails and the summary.
        var options = settings.ToRunOptions(context.Environment, progress is null ? renderer : new RunListeners(progress, renderer));
        using var cancellation = new CancellationTokenSource();
        using var signals = HostSignalCancellation.Register(cancellation);

        RunResult result;
        try
        {
            // Aliases are synchronous; Cake scripts run without a synchronization context, so blocking cannot deadlock.
            result = run(options, cancellation.Token).GetAwaiter().GetResult();
        }
        catch (ReportWriteException exception)
        {
            // The run itself ended and was summarised; CI still gets its annotations before the task fails.
            CiAnnotationWriter.Write(context, exception.Result, options.Reports);
            RunFailure.ThrowIfUnsuccessful(exception.Result, throwOnFailure: false, signals.ReceivedSignal);
            throw new CakeException(exception.Message, exception);
        }

        CiAnnotationWriter.Write(context, result, options.Reports);
        RunFailure.ThrowIfUnsuccessful(result, settings.ThrowOnFailure, signals.ReceivedSignal);
        return result;
    }
}
