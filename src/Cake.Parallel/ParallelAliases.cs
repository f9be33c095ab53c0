using Cake.Core;
using Cake.Core.Annotations;
using CakeParallel.Model;
using CakeParallel.Runs;

[assembly: CakeNamespaceImport("Cake.Parallel")]
[assembly: CakeNamespaceImport("CakeParallel.Model")]
[assembly: CakeNamespaceImport("CakeParallel.Runs")]

namespace Cake.Parallel;

/// <summary>
/// Runs programs as parallel legs with bounded parallelism, per-leg timeouts, retries with backoff and a summary;
/// every leg runs in its own process group, so a timeout or Ctrl+C leaves no process behind.
/// </summary>
[CakeAliasCategory("Parallel")]
public static class ParallelAliases
{
    /// <summary>
    /// Runs <paramref name="legs"/> in parallel and returns each leg's result. Output, retries and the summary go to
    /// the Cake log. Unless <see cref="ParallelSettings.ThrowOnFailure"/> is false, a run in which any leg did not
    /// succeed fails with a <see cref="CakeException"/> naming the legs; Ctrl+C (SIGINT, SIGTERM, SIGHUP) terminates
    /// every leg, prints the summary and fails.
    /// </summary>
    /// <param name="context">The Cake context.</param>
    /// <param name="legs">The legs, in the order the summary lists them; names must be unique.</param>
    /// <param name="settings">Scheduling, retry and output settings; defaults when <see langword="null"/>.</param>
    /// <returns>The run's result: one <see cref="LegResult"/> per leg, in input order.</returns>
    /// <exception cref="InvalidRunException">A leg or setting is invalid (every problem is listed, naming leg and field); nothing was started.</exception>
    /// <exception cref="CakeException">A leg did not succeed (with ThrowOnFailure), or the run was cancelled.</exception>
    /// <example>
    /// <code>
    /// Task("Test").Does(() =>
    /// {
    ///     var result = RunParallel(new[]
    ///     {
    ///         new ParallelLeg("unit", "dotnet", "test", "tests/Unit"),
    ///         new ParallelLeg("lint", "/bin/sh", "-c", "npm run lint").SetWorkingDirectory("./web"),
    ///     },
    ///     new ParallelSettings { MaxParallel = 2, Timeout = TimeSpan.FromMinutes(20) }
    ///         .WithRetry(3, initialDelay: TimeSpan.FromSeconds(2)));
    ///     Information("Slowest leg: {0}", result.Legs.MaxBy(l => l.Duration).Name);
    /// });
    /// </code>
    /// </example>
    [CakeMethodAlias]
    public static RunResult RunParallel(this ICakeContext context, IEnumerable<ParallelLeg> legs, ParallelSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(legs);
        settings ??= new ParallelSettings();
        var specs = legs.Select(l => l.ToLegSpec(context.Environment)).ToArray();
        return CakeRunHost.Run(context, settings, ParallelOutputMode.Live, (options, caller, environment, _) => Task.FromResult(RunPlanner.Plan(specs, options, caller, environment)));
    }
}
