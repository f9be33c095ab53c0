using Cake.Core;
using Cake.Parallel.Rendering;
using CakeParallel;

namespace Cake.Parallel;

/// <summary>
/// Runs an engine call inside Cake: renders its events to the Cake log, turns SIGINT/SIGTERM/SIGHUP of the Cake
/// process into cancellation while it runs, and fails the task when the run was cancelled or (optionally) unsuccessful.
/// </summary>
internal static class CakeRunHost
{
    public static RunResult Run(ICakeContext context, ParallelSettings settings, Func<RunOptions, CancellationToken, Task<RunResult>> run)
    {
        ArgumentNullException.ThrowIfNull(context);
        var renderer = new CakeRunRenderer(context.Log, settings.OutputMode, settings.Retry.MaxAttempts, LegPalette.For(context));
        var options = settings.ToRunOptions(context.Environment, renderer);
        using var cancellation = new CancellationTokenSource();
        using var signals = HostSignalCancellation.Register(cancellation);

        // Aliases are synchronous; Cake scripts run without a synchronization context, so blocking cannot deadlock.
        var result = run(options, cancellation.Token).GetAwaiter().GetResult();
        RunFailure.ThrowIfUnsuccessful(result, settings.ThrowOnFailure, signals.ReceivedSignal);
        return result;
    }
}
