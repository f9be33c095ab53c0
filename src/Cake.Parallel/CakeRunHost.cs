using Cake.Core;
using Cake.Core.Diagnostics;
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
    /// <summary>Plans the run once with <paramref name="plan"/>, then runs the plan in Cake.</summary>
    /// <param name="context">The Cake context.</param>
    /// <param name="settings">The script's settings: the base options and the caller's layer of the precedence rule.</param>
    /// <param name="defaultOutputMode">The output mode when the settings set none (steps for docker builds).</param>
    /// <param name="plan">Plans the run from the base options, the caller's overrides and Cake's environment (for the <c>CAKEPARALLEL_*</c> variables).</param>
    public static RunResult Run(ICakeContext context, ParallelSettings settings, ParallelOutputMode defaultOutputMode, Func<RunOptions, RunOverrides, IReadOnlyDictionary<string, string?>, CancellationToken, Task<PlanningResult>> plan)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var cancellation = new CancellationTokenSource();
        using var signals = HostSignalCancellation.Register(cancellation);

        // Aliases are synchronous; Cake scripts run without a synchronization context, so blocking cannot deadlock.
        var planning = plan(settings.ToBaseOptions(context.Environment), settings.ToRunOverrides(), context.Environment.Variables(), cancellation.Token)
            .GetAwaiter().GetResult();
        foreach (var warning in planning.Warnings)
        {
            context.Log.Warning("{0}", $"{warning.Code}: {warning.Message}");
        }

        var planned = planning.GetPlanOrThrow();
        using var progress = TerminalProgress.StartIfInteractive(context, settings.LiveProgress);
        var log = progress is null ? context.Log : new ProgressAwareLog(context.Log, progress);
        using var renderer = new CakeRunRenderer(log, settings.OutputMode ?? defaultOutputMode, planned.Options.Retry.MaxAttempts, LegPalette.For(context), TimeProvider.System);
        // The display hears of each event first, so it is gone before the renderer writes the tails and the summary.
        // Both hear them on this thread, which waits for the run anyway: writing the log never holds up a leg.
        IRunListener listener = progress is null ? renderer : new RunListeners(progress, renderer);
        var reports = planned.Options.Reports;

        RunResult result;
        try
        {
            result = ParallelRunner.Run(planned, listener, cancellation.Token);
        }
        catch (ReportWriteException exception)
        {
            // The run itself ended and was summarised; CI still gets its annotations before the task fails.
            CiAnnotationWriter.Write(context, exception.Result, reports);
            RunFailure.ThrowIfUnsuccessful(exception.Result, throwOnFailure: false, signals.ReceivedSignal);
            throw new CakeException(exception.Message, exception);
        }

        CiAnnotationWriter.Write(context, result, reports);
        RunFailure.ThrowIfUnsuccessful(result, settings.ThrowOnFailure, signals.ReceivedSignal);
        return result;
    }
}
