using CakeParallel.Model;

namespace CakeParallel.Runs;

/// <summary>
/// Which shard runs which leg, and in which order a run starts its legs; the same answer on every machine for the
/// same legs, whatever their order, because only stable ids and expected durations decide.
/// </summary>
public static class ShardAssignment
{
    /// <summary>Shards balanced by count: the ids sorted ordinally and dealt round-robin, so shard sizes differ by at most one.</summary>
    /// <param name="ids">The legs' stable ids, in any order.</param>
    /// <param name="count">The number of shards, at least 1.</param>
    /// <returns>The 1-based shard of each id.</returns>
    public static IReadOnlyDictionary<string, int> ByCount(IEnumerable<string> ids, int count) =>
        ByCount(ids.Select(id => (IReadOnlyList<string>)[id]), count);

    /// <summary>
    /// Shards balanced by count, each group of legs whole in one shard (legs joined by needs): groups largest
    /// first (ties by their ordinally smallest id) each go to the shard with the fewest legs so far (ties: the
    /// lowest shard). Groups of one leg each are dealt as <see cref="ByCount(IEnumerable{string}, int)"/> deals ids.
    /// </summary>
    /// <param name="groups">The legs' stable ids, in groups that must share a shard.</param>
    /// <param name="count">The number of shards, at least 1.</param>
    /// <returns>The 1-based shard of each id.</returns>
    public static IReadOnlyDictionary<string, int> ByCount(IEnumerable<IReadOnlyList<string>> groups, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        return Deal(groups.Select(g => (Ids: g, Weight: TimeSpan.FromTicks(g.Count))), count);
    }

    /// <summary>
    /// Shards balanced by expected duration, greedy longest-processing-time first: legs longest expected first
    /// (ties by id) each go to the shard with the least expected work so far (ties: the lowest shard). A leg without
    /// history counts as the mean of the legs with history (1 s when none has any).
    /// </summary>
    /// <param name="legs">Each leg's stable id and expected duration, in any order.</param>
    /// <param name="count">The number of shards, at least 1.</param>
    /// <returns>The 1-based shard of each id.</returns>
    public static IReadOnlyDictionary<string, int> ByExpectedDuration(IEnumerable<(string Id, TimeSpan? Expected)> legs, int count) =>
        ByExpectedDuration(legs.Select(l => (IReadOnlyList<(string Id, TimeSpan? Expected)>)[l]), count);

    /// <summary>
    /// Shards balanced by expected duration as <see cref="ByExpectedDuration(IEnumerable{ValueTuple{string, TimeSpan?}}, int)"/>,
    /// each group of legs whole in one shard (legs joined by needs): a group weighs the sum of its legs.
    /// </summary>
    /// <param name="groups">Each leg's stable id and expected duration, in groups that must share a shard.</param>
    /// <param name="count">The number of shards, at least 1.</param>
    /// <returns>The 1-based shard of each id.</returns>
    public static IReadOnlyDictionary<string, int> ByExpectedDuration(IEnumerable<IReadOnlyList<(string Id, TimeSpan? Expected)>> groups, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var all = groups.ToArray();
        var assumed = AssumedDuration(all.SelectMany(g => g));
        return Deal(all.Select(g => (Ids: (IReadOnlyList<string>)g.Select(l => l.Id).ToArray(), Weight: g.Aggregate(TimeSpan.Zero, (sum, l) => sum + (l.Expected ?? assumed)))), count);
    }

    /// <summary>Greedy longest-processing-time: heaviest group first (ties by smallest id), each to the lightest shard so far (ties: the lowest).</summary>
    private static Dictionary<string, int> Deal(IEnumerable<(IReadOnlyList<string> Ids, TimeSpan Weight)> groups, int count)
    {
        var work = new TimeSpan[count];
        var assignment = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (ids, weight) in groups.Where(g => g.Ids.Count > 0).OrderByDescending(g => g.Weight).ThenBy(g => g.Ids.Min(StringComparer.Ordinal), StringComparer.Ordinal))
        {
            var least = 0;
            for (var shard = 1; shard < count; shard++)
            {
                if (work[shard] < work[least])
                {
                    least = shard;
                }
            }

            work[least] += weight;
            foreach (var id in ids)
            {
                assignment[id] = least + 1;
            }
        }

        return assignment;
    }

    /// <summary>
    /// The expected duration of the longest shard when <paramref name="legs"/> are split as <paramref name="assignment"/> says
    /// (legs without history count as in <see cref="ByExpectedDuration(IEnumerable{ValueTuple{string, TimeSpan?}}, int)"/>).
    /// </summary>
    /// <param name="legs">Each leg's stable id and expected duration.</param>
    /// <param name="assignment">The 1-based shard of each id.</param>
    public static TimeSpan LongestShard(IEnumerable<(string Id, TimeSpan? Expected)> legs, IReadOnlyDictionary<string, int> assignment) =>
        WithAssumedDurations(legs)
            .GroupBy(l => assignment[l.Id])
            .Select(g => g.Aggregate(TimeSpan.Zero, (sum, l) => sum + l.Expected))
            .DefaultIfEmpty(TimeSpan.Zero)
            .Max();

    /// <summary>
    /// The order a run starts <paramref name="legs"/> in: legs without history first (in the given order, since
    /// nothing says which is longer), then the longest expected first (ties in the given order).
    /// </summary>
    /// <param name="legs">The legs, in their given order.</param>
    /// <param name="expected">A leg's expected duration, or <see langword="null"/> without history.</param>
    public static IReadOnlyList<T> StartOrder<T>(IReadOnlyList<T> legs, Func<T, TimeSpan?> expected)
    {
        // Positions sorted with a comparison of longs: LINQ's ordering over tuples would be compiled for this
        // instantiation on every run's first plan (some 15 ms before the first leg starts).
        var ticks = new long[legs.Count];
        var order = new int[legs.Count];
        for (var i = 0; i < legs.Count; i++)
        {
            ticks[i] = expected(legs[i]) is { } duration ? duration.Ticks : -1;
            order[i] = i;
        }

        Array.Sort(order, (a, b) => ticks[a] == ticks[b] ? a.CompareTo(b) : ticks[a] < 0 ? -1 : ticks[b] < 0 ? 1 : ticks[b].CompareTo(ticks[a]));
        var ordered = new T[legs.Count];
        for (var i = 0; i < order.Length; i++)
        {
            ordered[i] = legs[order[i]];
        }

        return ordered;
    }

    private static IEnumerable<(string Id, TimeSpan Expected)> WithAssumedDurations(IEnumerable<(string Id, TimeSpan? Expected)> legs)
    {
        var all = legs.ToArray();
        var assumed = AssumedDuration(all);
        return all.Select(l => (l.Id, l.Expected ?? assumed));
    }

    /// <summary>What a leg without history counts as: the mean of the legs with history, 1 s when none has any.</summary>
    private static TimeSpan AssumedDuration(IEnumerable<(string Id, TimeSpan? Expected)> legs)
    {
        var known = legs.Where(l => l.Expected is not null).Select(l => l.Expected!.Value).ToArray();
        return known.Length > 0 ? TimeSpan.FromTicks((long)known.Average(d => d.Ticks)) : TimeSpan.FromSeconds(1);
    }
}
