using Cake.Core;
using CakeParallel.Model;

namespace Cake.Parallel;

/// <summary>Turns an unsuccessful or cancelled run into the <see cref="CakeException"/> that fails the Cake task.</summary>
internal static class RunFailure
{
    public static void ThrowIfUnsuccessful(RunResult run, bool throwOnFailure, string? signal)
    {
        if (run.WasCancelled)
        {
            var by = signal is null ? "" : " by " + signal;
            throw new CakeException($"The parallel run was cancelled{by}; {run.CountsDisplay}.");
        }

        if (throwOnFailure && run.Publish is { FailsRun: true } publish && !run.Unsuccessful.Any())
        {
            throw new CakeException($"Every parallel leg succeeded, but the all-or-nothing publish failed [{publish.Code}]: {publish.Error}");
        }

        if (throwOnFailure && !run.Succeeded)
        {
            var failed = run.Unsuccessful.ToArray();
            var legs = string.Join("; ", failed.Select(l => $"'{l.Name}' {LegStatusText.Of(l.Status)}" + (l.FailureReason is null ? "" : ": " + l.FailureReason)));
            throw new CakeException($"{failed.Length} of {run.Legs.Count} parallel legs did not succeed: {legs}");
        }
    }
}
