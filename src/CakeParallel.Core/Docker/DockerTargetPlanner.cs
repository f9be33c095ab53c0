using CakeParallel.Matrix;
using CakeParallel.Model;

namespace CakeParallel.Docker;

/// <summary>
/// Plans a docker matrix of several named matrices (<see cref="DockerMatrix.Targets"/>): checks the targets' names
/// and needs (unknown targets, cycles) before anything else, then plans the targets needed first, so that a leg
/// can be given the legs it needs (equal values on the axes both targets define) and their tags.
/// </summary>
internal static class DockerTargetPlanner
{
    public static DockerPlan Plan(DockerMatrix matrix, string baseDirectory, string runId)
    {
        var errors = new List<ValidationError>();
        var m = matrix.Matrix;
        if (m.Axes.Count + m.Legs.Count + m.Include.Count + m.Exclude.Count > 0)
        {
            errors.Add(new ValidationError(ErrorCodes.TargetsWithMatrix, null, "matrix", "a matrix with targets has no matrix of its own: each target has one; move it into a target."));
        }

        var targets = CheckNames(matrix.Targets, errors);
        CheckNeeds(matrix.Targets, targets, errors);
        var order = errors.Count == 0 ? Order(matrix.Targets, targets, errors) : [];
        DockerMatrixPlanner.ValidateEndpoints(matrix.Build.Endpoints, errors);

        // Every target is expanded, so each one's problems are reported even when another's are.
        var maxLegs = matrix.MaxLegs ?? MatrixExpansion.DefaultMaxLegs;
        var prepared = new Dictionary<string, (PreparedMatrix Matrix, string[] Names)>(StringComparer.Ordinal);
        foreach (var target in matrix.Targets)
        {
            var local = new List<ValidationError>();
            if (DockerMatrixPlanner.Prepare(target.Matrix, target.Build, maxLegs, local) is { } expanded)
            {
                var names = DockerMatrixPlanner.NameLegs(expanded.Parameters, expanded.Templates.LegName, local);
                prepared.TryAdd(target.Name, (expanded, [.. names.Select(n => target.Name + "-" + n)]));
            }

            errors.AddRange(InTarget(target.Name, local));
        }

        var total = prepared.Values.Sum(p => p.Matrix.Parameters.Count);
        if (total > maxLegs)
        {
            var counts = string.Join(", ", matrix.Targets.Where(t => prepared.ContainsKey(t.Name)).Select(t => $"{t.Name} {prepared[t.Name].Matrix.Parameters.Count}"));
            errors.Add(new ValidationError(ErrorCodes.MatrixTooLarge, null, "targets", $"the targets expand to {total} legs together ({counts}), more than MaxLegs ({maxLegs}); shrink a matrix or raise MaxLegs."));
        }

        CheckPlaceholderClashes(matrix.Targets, prepared, errors);
        CheckUniqueNames(prepared.Values.SelectMany(p => p.Names), errors);
        if (errors.Count > 0)
        {
            return new DockerPlan([], errors);
        }

        var root = Path.GetFullPath(matrix.BaseDirectory ?? baseDirectory);
        var iidPrefix = DockerMatrixPlanner.NewIidPrefix();
        var tagOwners = new Dictionary<string, string>(StringComparer.Ordinal);
        var planned = new Dictionary<string, List<PlannedLeg>>(StringComparer.Ordinal);
        foreach (var target in order)
        {
            var (expanded, names) = prepared[target.Name];
            // The engines and the publish policy are the whole matrix's.
            var sub = matrix with { Matrix = target.Matrix, Build = target.Build with { Endpoints = matrix.Build.Endpoints, Publish = matrix.Build.Publish }, Targets = [] };
            var legs = new List<PlannedLeg>(names.Length);
            for (var i = 0; i < names.Length; i++)
            {
                var local = new List<ValidationError>();
                var parameters = expanded.Parameters[i];
                var (needs, needed) = Match(target, names[i], parameters, matrix.Targets, planned, local);
                var id = TargetLegId(target.Name, parameters);
                var (leg, tags) = DockerMatrixPlanner.BuildLeg(sub, expanded.Templates, names[i], id, parameters, new LegPlaceholders(parameters, needed), needs, root, iidPrefix, runId, tagOwners, local);
                legs.Add(new PlannedLeg(id, names[i], parameters, tags, leg));
                errors.AddRange(InTarget(target.Name, local));
            }

            planned[target.Name] = legs;
        }

        DockerMatrixPlanner.CreateIidFolder(iidPrefix, errors);

        // Reported in the file's order of targets, each in its matrix order.
        var result = matrix.Targets.SelectMany(t => planned[t.Name]).Select(l => l.Leg).OfType<DockerLeg>().ToArray();
        return new DockerPlan(result, errors);
    }

    /// <summary>
    /// A leg's id: a hash of its target and parameters, so equal parameters in two targets are two legs, and the id
    /// stays the same when legs or targets are added, removed or reordered.
    /// </summary>
    private static string TargetLegId(string target, IReadOnlyDictionary<string, string> parameters) => LegId.FromName($"target|{target}|{LegId.FromParameters(parameters)}");

    /// <summary>The targets by name; a bad or repeated name is an error (the first of a repeated name is kept).</summary>
    private static Dictionary<string, DockerMatrixTarget> CheckNames(IReadOnlyList<DockerMatrixTarget> targets, List<ValidationError> errors)
    {
        var byName = new Dictionary<string, DockerMatrixTarget>(StringComparer.Ordinal);
        foreach (var target in targets)
        {
            var field = $"targets.{target.Name}";
            if (target.Name.Length == 0 || !target.Name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                // A '.' would make {a.b.tag} ambiguous; blanks and the like do not belong in leg names and tags.
                errors.Add(new ValidationError(ErrorCodes.TargetNameInvalid, null, field, $"target name '{target.Name}' must be letters, digits, '-' and '_' (it starts leg names and placeholders such as {{{target.Name}.tag}})."));
            }

            if (!byName.TryAdd(target.Name, target))
            {
                errors.Add(new ValidationError(ErrorCodes.TargetNameInvalid, null, field, $"two targets are named '{target.Name}'; give each a name of its own."));
            }
        }

        return byName;
    }

    private static void CheckNeeds(IReadOnlyList<DockerMatrixTarget> targets, Dictionary<string, DockerMatrixTarget> byName, List<ValidationError> errors)
    {
        foreach (var target in targets)
        {
            for (var i = 0; i < target.Needs.Count; i++)
            {
                var need = target.Needs[i];
                if (!byName.ContainsKey(need))
                {
                    errors.Add(new ValidationError(ErrorCodes.TargetNeedUnknown, null, $"targets.{target.Name}.needs[{i}]", $"target '{target.Name}' needs '{need}', which is no target{NearestKey.Suggestion(need, [.. byName.Keys])}; the targets are {string.Join(", ", byName.Keys.Select(k => $"'{k}'"))}."));
                }
            }
        }
    }

    /// <summary>The targets, each after every target it needs; a cycle is an error naming it (<c>base -> app -> base</c>).</summary>
    private static List<DockerMatrixTarget> Order(IReadOnlyList<DockerMatrixTarget> targets, Dictionary<string, DockerMatrixTarget> byName, List<ValidationError> errors)
    {
        var order = new List<DockerMatrixTarget>(targets.Count);
        var done = new HashSet<string>(StringComparer.Ordinal);
        var path = new List<string>();
        void Visit(DockerMatrixTarget target)
        {
            if (done.Contains(target.Name))
            {
                return;
            }

            var at = path.IndexOf(target.Name);
            if (at >= 0)
            {
                var cycle = string.Join(" -> ", path.Skip(at).Append(target.Name));
                errors.Add(new ValidationError(ErrorCodes.TargetNeedCycle, null, $"targets.{path[^1]}.needs", $"the targets need each other in a cycle: {cycle} (each needs the next); no leg of them could ever start."));
                return;
            }

            path.Add(target.Name);
            foreach (var need in target.Needs.Distinct(StringComparer.Ordinal))
            {
                Visit(byName[need]);
            }

            path.RemoveAt(path.Count - 1);
            done.Add(target.Name);
            order.Add(target);
        }

        foreach (var target in targets)
        {
            Visit(target);
        }

        return order;
    }

    /// <summary>
    /// A target that needs <c>base</c> fills <c>{base.tag}</c> and <c>{base.image}</c>; a parameter named <c>base</c> or
    /// <c>base.…</c> (an axis named like the target) would make those ambiguous, so it is an error.
    /// </summary>
    private static void CheckPlaceholderClashes(IReadOnlyList<DockerMatrixTarget> targets, Dictionary<string, (PreparedMatrix Matrix, string[] Names)> prepared, List<ValidationError> errors)
    {
        foreach (var target in targets.Where(t => prepared.ContainsKey(t.Name)))
        {
            var keys = prepared[target.Name].Matrix.Parameters.SelectMany(p => p.Keys).Distinct(StringComparer.Ordinal).ToArray();
            foreach (var need in target.Needs.Distinct(StringComparer.Ordinal))
            {
                if (keys.FirstOrDefault(k => string.Equals(k, need, StringComparison.OrdinalIgnoreCase) || k.StartsWith(need + ".", StringComparison.OrdinalIgnoreCase)) is { } clash)
                {
                    errors.Add(new ValidationError(ErrorCodes.TargetNameInvalid, null, $"targets.{target.Name}.needs", $"target '{target.Name}' needs target '{need}', but its legs also have a parameter '{clash}', which would make {{{need}.tag}} and {{{need}.image}} ambiguous; rename the axis or the target."));
                }
            }
        }
    }

    private static void CheckUniqueNames(IEnumerable<string> names, List<ValidationError> errors)
    {
        foreach (var twin in names.CountBy(n => n, StringComparer.Ordinal).Where(c => c.Value > 1))
        {
            errors.Add(new ValidationError(ErrorCodes.DuplicateLegName, twin.Key, "targets", $"{twin.Value} legs of different targets are named '{twin.Key}' (a leg's name is its target's name, '-', and its own); rename a target or use legName."));
        }
    }

    /// <summary>The ids of the legs a leg needs (in the order of its target's needs, each in matrix order), and those legs by target.</summary>
    private static (List<string> Needs, List<NeededTarget> Needed) Match(
        DockerMatrixTarget target,
        string name,
        IReadOnlyDictionary<string, string> parameters,
        IReadOnlyList<DockerMatrixTarget> targets,
        Dictionary<string, List<PlannedLeg>> planned,
        List<ValidationError> errors)
    {
        var needs = new List<string>();
        var needed = new List<NeededTarget>();
        foreach (var need in target.Needs.Distinct(StringComparer.Ordinal))
        {
            var shared = AxisNames(target.Matrix).Intersect(AxisNames(targets.First(t => t.Name == need).Matrix), StringComparer.OrdinalIgnoreCase).ToArray();
            var wanted = Values(parameters, shared);
            var matched = planned[need].Where(l => Values(l.Parameters, shared).SequenceEqual(wanted)).ToArray();
            if (matched.Length == 0)
            {
                var offered = planned[need].Select(l => Describe(Values(l.Parameters, shared))).Distinct(StringComparer.Ordinal).ToArray();
                var list = string.Join("; ", offered.Take(8)) + (offered.Length > 8 ? "; …" : "");
                errors.Add(new ValidationError(ErrorCodes.TargetNeedUnmatched, name, "needs", $"needs target '{need}', but no leg of '{need}' has {Describe(wanted)}; its legs have {list}."));
                continue;
            }

            needed.Add(new NeededTarget(need, [.. matched.Select((l, k) => new NeededLeg(needs.Count + k, l.Name, l.Tags))]));
            needs.AddRange(matched.Select(l => l.Id));
        }

        return (needs, needed);
    }

    /// <summary>The axes a target defines: its axes, or for a list of legs the keys every leg has.</summary>
    private static IEnumerable<string> AxisNames(MatrixDefinition matrix) => matrix.Legs.Count > 0
        ? matrix.Legs.Skip(1).Aggregate((IEnumerable<string>)matrix.Legs[0].Keys, (keys, leg) => keys.Intersect(leg.Keys, StringComparer.OrdinalIgnoreCase))
        : matrix.Axes.Select(a => a.Name);

    /// <summary>A leg's values on <paramref name="axes"/> (an object value by its paths), with keys in lower case so both targets' spellings compare.</summary>
    private static List<KeyValuePair<string, string>> Values(IReadOnlyDictionary<string, string> parameters, IReadOnlyList<string> axes) =>
        [.. parameters
            .Where(p => axes.Any(a => string.Equals(p.Key, a, StringComparison.OrdinalIgnoreCase) || p.Key.StartsWith(a + ".", StringComparison.OrdinalIgnoreCase)))
            .Select(p => KeyValuePair.Create(p.Key.ToLowerInvariant(), p.Value))
            .OrderBy(p => p.Key, StringComparer.Ordinal)];

    private static string Describe(IReadOnlyList<KeyValuePair<string, string>> values) =>
        values.Count == 0 ? "no value on the axes both targets define" : string.Join(", ", values.Select(v => $"{v.Key}={v.Value}"));

    /// <summary>The fields of a target's errors, spelled as in the file: <c>targets.app.build.tags[0]</c>.</summary>
    private static IEnumerable<ValidationError> InTarget(string target, IEnumerable<ValidationError> errors) =>
        errors.Select(e => e with { Field = $"targets.{target}.{e.Field}" });

    /// <summary>A planned leg as the legs that need it see it.</summary>
    private sealed record PlannedLeg(string Id, string Name, IReadOnlyDictionary<string, string> Parameters, IReadOnlyList<string> Tags, DockerLeg? Leg);
}
