using CakeParallel.Model;

namespace CakeParallel.Scheduling;

/// <summary>
/// Each leg's end, announced to the legs that need it: a leg that needs others waits here, holding no slot, until
/// they are done, and learns whether it may run (see <see cref="LegStatusExtensions.SatisfiesDependents"/>) and where.
/// </summary>
internal sealed class LegCompletions
{
    private readonly TaskCompletionSource<LegResult>[] _ends;

    /// <summary>The ends of <paramref name="count"/> legs (by <see cref="LegPlan.Index"/>), none known yet.</summary>
    public LegCompletions(int count) =>
        _ends = Enumerable.Range(0, count).Select(_ => new TaskCompletionSource<LegResult>(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();

    /// <summary>
    /// Announces the final result of leg <paramref name="index"/> to the legs that need it; a leg run once more
    /// (built again elsewhere) replaces its earlier result for the legs that ask from now on.
    /// </summary>
    public void Complete(int index, LegResult result)
    {
        if (!_ends[index].TrySetResult(result))
        {
            var again = new TaskCompletionSource<LegResult>(TaskCreationOptions.RunContinuationsAsynchronously);
            again.SetResult(result);
            _ends[index] = again;
        }
    }

    /// <summary>The result leg <paramref name="index"/> ended with, or <see langword="null"/> while it has not.</summary>
    public LegResult? ResultOf(int index) => _ends[index].Task is { IsCompletedSuccessfully: true } end ? end.Result : null;

    /// <summary>
    /// The one engine that holds <paramref name="result"/>'s image: it was built there and not pushed under its own
    /// tags (an all-or-nothing publish pushes staging tags only, so its tags reach the registry only after the run);
    /// <see langword="null"/> when it can be had anywhere.
    /// </summary>
    public static string? OnlyOn(LegResult result) =>
        result.Endpoint is not null && !result.Tags.Any(result.PushedDigests.ContainsKey) ? result.Endpoint : null;

    /// <summary>
    /// Waits until the needs of <paramref name="plan"/> are done, or one of them did not succeed (then it need not
    /// wait for the others: it will not run).
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (the run stopped).</exception>
    public async Task<NeedsOutcome> WaitAsync(LegPlan plan, CancellationToken cancellationToken)
    {
        var pending = plan.Needs.Distinct().Select(i => _ends[i].Task).ToList();
        while (pending.Count > 0)
        {
            await Task.WhenAny(pending).WaitAsync(cancellationToken).ConfigureAwait(false);
            var done = pending.Where(t => t.IsCompleted).Select(t => t.Result).ToArray();
            pending.RemoveAll(t => t.IsCompleted);
            var unmet = done.Where(r => !r.Status.SatisfiesDependents()).ToArray();
            if (unmet.Length > 0)
            {
                return new NeedsOutcome([], "needs " + string.Join(", and ", unmet.Select(r => $"{r.Name}, which {Ended(r.Status)}")));
            }
        }

        var results = plan.Needs.Select(i => _ends[i].Task.Result).ToArray();
        return Place(results);
    }

    /// <summary>A need that left its image only on one engine (see <see cref="OnlyOn"/>) makes the leg run there; a pushed image can be pulled anywhere.</summary>
    private static NeedsOutcome Place(LegResult[] results)
    {
        var engines = results.Where(r => OnlyOn(r) is not null)
            .GroupBy(r => r.Endpoint!, StringComparer.Ordinal)
            .ToArray();
        if (engines.Length > 1)
        {
            var where = string.Join(", ", engines.Select(g => $"{string.Join(" and ", g.Select(r => r.Name).Distinct())} on engine '{g.Key}'"));
            // The engine that holds the most of them (the first such, in the order of the needs) is where the others could be built again.
            var most = engines.OrderByDescending(g => g.Count()).First().Key;
            return new NeedsOutcome(results, $"the legs it needs left their images, unpushed, on different engines ({where}), so no engine has them all") { GatherOn = most };
        }

        return new NeedsOutcome(results, null) { Endpoint = engines.SingleOrDefault()?.Key };
    }

    private static string Ended(LegStatus status) => status switch
    {
        LegStatus.Failed => "failed",
        LegStatus.TimedOut => "timed out",
        LegStatus.Cancelled => "was cancelled",
        LegStatus.NotStarted => "was not started",
        _ => "ended " + status,
    };
}

/// <summary>What a leg's needs allow once they are done.</summary>
/// <param name="Results">The needs' results, in the order of <see cref="LegSpec.Needs"/> (empty when <paramref name="Unmet"/> is set).</param>
/// <param name="Unmet">Why the leg does not run (e.g. <c>needs base, which failed</c>); <see langword="null"/>: it runs.</param>
internal sealed record NeedsOutcome(IReadOnlyList<LegResult> Results, string? Unmet)
{
    /// <summary>The one engine the leg must run on, because its needs' images are only there; <see langword="null"/>: any.</summary>
    public string? Endpoint { get; init; }

    /// <summary>When the needs' images are on different engines (<see cref="Unmet"/> says which): the engine holding the most of them, where the others could be built again.</summary>
    public string? GatherOn { get; init; }
}
