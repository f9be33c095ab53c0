using CakeParallel.Model;

namespace CakeParallel.Runs;

/// <summary>
/// The legs' needs resolved to legs (by <see cref="LegSpec.Id"/>, else by <see cref="LegSpec.Name"/>) and checked:
/// a need no leg answers to, a leg needing itself and legs needing each other in a cycle are input errors.
/// </summary>
internal sealed class NeedsGraph
{
    private readonly IReadOnlyList<LegSpec> _legs;
    private readonly int[][] _needs;

    private NeedsGraph(IReadOnlyList<LegSpec> legs, int[][] needs)
    {
        _legs = legs;
        _needs = needs;
    }

    /// <summary>Whether any leg needs another.</summary>
    public bool HasNeeds => _needs.Any(n => n.Length > 0);

    /// <summary>Resolves every leg's needs; adds every problem to <paramref name="errors"/>, each naming its legs.</summary>
    /// <param name="legs">The run's legs (all of them, also those of other shards).</param>
    /// <param name="errors">Where the problems go.</param>
    public static NeedsGraph Resolve(IReadOnlyList<LegSpec> legs, List<ValidationError> errors)
    {
        var byId = new Dictionary<string, int>(StringComparer.Ordinal);
        var byName = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < legs.Count; i++)
        {
            byId.TryAdd(legs[i].Id, i);
            byName.TryAdd(legs[i].Name, i);
        }

        var needs = new int[legs.Count][];
        for (var i = 0; i < legs.Count; i++)
        {
            var resolved = new List<int>();
            foreach (var need in legs[i].Needs)
            {
                if (!byId.TryGetValue(need, out var needed) && !byName.TryGetValue(need, out needed))
                {
                    errors.Add(new ValidationError(ErrorCodes.NeedUnknown, legs[i].Name, nameof(LegSpec.Needs), $"needs '{need}', but no leg of the run has that id or name."));
                }
                else if (needed == i)
                {
                    errors.Add(new ValidationError(ErrorCodes.NeedsItself, legs[i].Name, nameof(LegSpec.Needs), $"needs itself ('{need}'); a leg cannot wait for its own end."));
                }
                else
                {
                    resolved.Add(needed);
                }
            }

            needs[i] = [.. resolved];
        }

        var graph = new NeedsGraph(legs, needs);
        graph.ReportCycles(errors);
        return graph;
    }

    /// <summary>The legs leg <paramref name="leg"/> needs, by index, in the order it names them (a need named twice is there twice).</summary>
    public IReadOnlyList<int> NeedsOf(int leg) => _needs[leg];

    /// <summary>
    /// The legs joined by needs, whichever way: each group (in input order) must run in one shard. A leg that
    /// needs none and is needed by none is a group of its own. Groups are in the order of their first leg.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<int>> Components()
    {
        var parent = Enumerable.Range(0, _legs.Count).ToArray();
        int Root(int leg)
        {
            while (parent[leg] != leg)
            {
                parent[leg] = parent[parent[leg]];
                leg = parent[leg];
            }

            return leg;
        }

        for (var i = 0; i < _needs.Length; i++)
        {
            foreach (var needed in _needs[i])
            {
                parent[Root(i)] = Root(needed);
            }
        }

        return Enumerable.Range(0, _legs.Count).GroupBy(Root).Select(g => (IReadOnlyList<int>)g.ToArray()).ToArray();
    }

    /// <summary>The legs of each group of <see cref="Components"/>, by stable id.</summary>
    public IReadOnlyList<IReadOnlyList<string>> ComponentIds() =>
        Components().Select(c => (IReadOnlyList<string>)c.Select(i => _legs[i].Id).ToArray()).ToArray();

    /// <summary>
    /// Finds cycles with a depth-first walk (iterative, so long chains do not exhaust the stack): every edge back to
    /// a leg still on the walk closes one. Each cycle is reported once, starting at its earliest leg.
    /// </summary>
    private void ReportCycles(List<ValidationError> errors)
    {
        const byte Unvisited = 0, OnWalk = 1, Done = 2;
        var state = new byte[_legs.Count];
        var reported = new HashSet<string>(StringComparer.Ordinal);
        var walk = new List<int>();
        var nextEdge = new List<int>();
        for (var start = 0; start < _legs.Count; start++)
        {
            if (state[start] != Unvisited)
            {
                continue;
            }

            walk.Add(start);
            nextEdge.Add(0);
            state[start] = OnWalk;
            while (walk.Count > 0)
            {
                var leg = walk[^1];
                var edge = nextEdge[^1];
                if (edge == _needs[leg].Length)
                {
                    state[leg] = Done;
                    walk.RemoveAt(walk.Count - 1);
                    nextEdge.RemoveAt(nextEdge.Count - 1);
                    continue;
                }

                nextEdge[^1] = edge + 1;
                var needed = _needs[leg][edge];
                if (state[needed] == Unvisited)
                {
                    state[needed] = OnWalk;
                    walk.Add(needed);
                    nextEdge.Add(0);
                }
                else if (state[needed] == OnWalk)
                {
                    ReportCycle(walk[walk.IndexOf(needed)..], reported, errors);
                }
            }
        }
    }

    private void ReportCycle(List<int> cycle, HashSet<string> reported, List<ValidationError> errors)
    {
        var first = cycle.IndexOf(cycle.Min());
        var ordered = cycle[first..].Concat(cycle[..first]).ToArray();
        if (!reported.Add(string.Join(",", ordered)))
        {
            return;
        }

        var path = string.Join(" -> ", ordered.Append(ordered[0]).Select(i => _legs[i].Name));
        errors.Add(new ValidationError(ErrorCodes.NeedsCycle, _legs[ordered[0]].Name, nameof(LegSpec.Needs), $"the legs need each other in a cycle: {path}; none of them could ever start."));
    }
}
