using CakeParallel.Model;

namespace CakeParallel.Matrix;

/// <summary>
/// Expands a <see cref="MatrixDefinition"/> into legs with GitHub Actions' rules (docs/matrix-file.md lists where
/// and why this differs from GitHub).
/// </summary>
public static class MatrixExpansion
{
    /// <summary>The most legs a matrix may expand to unless a run sets its own cap.</summary>
    public const int DefaultMaxLegs = 10_000;

    /// <summary>Up to this many times the cap, combinations are counted one by one to take excludes into account.</summary>
    private const int ExactCountLimit = 16;

    /// <inheritdoc cref="Expand(MatrixDefinition, int)"/>
    public static IReadOnlyList<IReadOnlyDictionary<string, string>> Expand(MatrixDefinition matrix) => Expand(matrix, DefaultMaxLegs);

    /// <summary>
    /// The legs of <paramref name="matrix"/>, each a parameter set whose keys are in axis order followed by keys
    /// added by includes: first the product of the axes (first axis slowest) without the excluded combinations,
    /// then the includes that matched no combination, in order. A key that names an axis is spelled as the axis
    /// declares it; an object value gives one parameter per key, named by its path (<c>node.version</c>).
    /// </summary>
    /// <param name="matrix">The matrix.</param>
    /// <param name="maxLegs">The most legs it may expand to, checked before expansion (<see cref="ErrorCodes.MatrixTooLarge"/>).</param>
    /// <exception cref="InvalidRunException">The matrix is malformed (see <see cref="MatrixValidator.Validate"/>), would expand to more than <paramref name="maxLegs"/> legs, or two of a leg's parameters get the same name.</exception>
    public static IReadOnlyList<IReadOnlyDictionary<string, string>> Expand(MatrixDefinition matrix, int maxLegs)
    {
        var errors = MatrixValidator.Validate(matrix);
        if (errors.Count == 0 && CheckSize(matrix, maxLegs) is { } tooLarge)
        {
            errors = [tooLarge];
        }

        if (errors.Count > 0)
        {
            throw new InvalidRunException(errors);
        }

        if (matrix.Legs.Count > 0)
        {
            return matrix.Legs.Select(Copy).ToArray();
        }

        var axes = new Axes(matrix.Axes);
        var exclude = matrix.Exclude.Select(e => Split(e, axes).Filter).ToArray();
        var combinations = Product(axes, exclude);
        var added = new List<IReadOnlyDictionary<string, MatrixValue>>();
        foreach (var include in matrix.Include)
        {
            var (filter, extras) = Split(include, axes);
            var merged = false;
            foreach (var combination in combinations)
            {
                if (filter.Matches(combination.Indexes))
                {
                    // Keys ignore case: a later include's "TAG" overwrites an earlier "tag", which keeps its spelling.
                    combination.Extras ??= new OrderedDictionary<string, MatrixValue>(StringComparer.OrdinalIgnoreCase);
                    foreach (var (key, value) in extras)
                    {
                        combination.Extras[key] = value;
                    }

                    merged = true;
                }
            }

            if (!merged)
            {
                // Legs added by an include are never merge targets for later includes (GitHub's rule).
                added.Add(include);
            }
        }

        var legs = new List<IReadOnlyDictionary<string, string>>(combinations.Count + added.Count);
        foreach (var combination in combinations)
        {
            var leg = new OrderedDictionary<string, string>(axes.Count + (combination.Extras?.Count ?? 0), StringComparer.Ordinal);
            for (var a = 0; a < axes.Count; a++)
            {
                foreach (var (key, text) in axes.Parameters[a][combination.Indexes[a]])
                {
                    Add(leg, key, text);
                }
            }

            foreach (var (key, value) in combination.Extras ?? Enumerable.Empty<KeyValuePair<string, MatrixValue>>())
            {
                Flatten(leg, key, value);
            }

            legs.Add(leg);
        }

        foreach (var include in added)
        {
            var leg = new OrderedDictionary<string, string>(include.Count, StringComparer.Ordinal);
            foreach (var (key, value) in include)
            {
                Flatten(leg, axes.Index.TryGetValue(key, out var a) ? axes.Names[a] : key, value);
            }

            legs.Add(leg);
        }

        return legs;
    }

    /// <summary>
    /// The error when the matrix would expand to more than <paramref name="maxLegs"/> legs, by arithmetic alone: the
    /// product of the axis lengths (excludes are not counted) plus the includes that add a leg because they name an
    /// axis value that is not on the axis, without overflow. Includes that match combinations only add values.
    /// </summary>
    internal static ValidationError? CheckSize(MatrixDefinition matrix, int maxLegs)
    {
        var count = matrix.Legs.Count > 0 ? matrix.Legs.Count : 0L;
        if (matrix.Legs.Count == 0 && matrix.Axes.Count > 0)
        {
            count = 1;
            foreach (var axis in matrix.Axes)
            {
                // Saturates at long.MaxValue instead of overflowing.
                count = axis.Values.Count == 0 ? 0 : count > long.MaxValue / axis.Values.Count ? long.MaxValue : count * axis.Values.Count;
            }
        }

        var adding = matrix.Legs.Count > 0 ? 0 : matrix.Include.Count(i => AddsLeg(matrix, i));
        count = count > long.MaxValue - adding ? long.MaxValue : count + adding;
        if (count <= maxLegs)
        {
            return null;
        }

        // Excludes may bring a product somewhat over the cap under it: count those combinations exactly (no legs are
        // made); a product far over the cap is refused by the arithmetic alone.
        if (matrix.Exclude.Count > 0 && matrix.Legs.Count == 0 && count <= ExactCountLimit * (long)maxLegs)
        {
            count = CountCombinations(matrix) + adding;
            if (count <= maxLegs)
            {
                return null;
            }
        }

        var sizes = string.Join(" × ", matrix.Axes.Select(a => $"{a.Name} ({a.Values.Count})"));
        var total = count == long.MaxValue ? "more than 9.2e18" : count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var includes = adding > 0 ? $" + {adding} includes" : "";
        return new ValidationError(
            ErrorCodes.MatrixTooLarge,
            null,
            "matrix",
            $"the matrix would expand to {total} legs ({(sizes.Length > 0 ? sizes : "legs")}{includes}), more than MaxLegs ({maxLegs}); shrink an axis or raise MaxLegs.");
    }

    /// <summary>How many combinations the product keeps after the excludes, counted without making them.</summary>
    private static long CountCombinations(MatrixDefinition matrix)
    {
        var axes = new Axes(matrix.Axes);
        var exclude = matrix.Exclude.Select(e => Split(e, axes).Filter).ToArray();
        var indexes = new int[axes.Count];
        var count = 0L;
        while (true)
        {
            if (!Excluded(exclude, indexes))
            {
                count++;
            }

            var axis = axes.Count - 1;
            while (axis >= 0 && ++indexes[axis] == axes.Values[axis].Count)
            {
                indexes[axis] = 0;
                axis--;
            }

            if (axis < 0)
            {
                return count;
            }
        }
    }

    /// <summary>Whether an include adds a leg of its own: with no axes, or naming a value no axis has, it matches no combination.</summary>
    private static bool AddsLeg(MatrixDefinition matrix, IReadOnlyDictionary<string, MatrixValue> include) =>
        matrix.Axes.Count == 0 || include.Any(pair => matrix.Axes.FirstOrDefault(a => string.Equals(a.Name, pair.Key, StringComparison.OrdinalIgnoreCase)) is { } axis
            && !axis.Values.Any(v => v.Matches(pair.Value)));

    private static List<Combination> Product(Axes axes, Filter[] exclude)
    {
        var combinations = new List<Combination>();
        if (axes.Count == 0)
        {
            return combinations;
        }

        var indexes = new int[axes.Count];
        while (true)
        {
            if (!Excluded(exclude, indexes))
            {
                combinations.Add(new Combination((int[])indexes.Clone()));
            }

            // Odometer step: the last axis varies fastest.
            var axis = axes.Count - 1;
            while (axis >= 0 && ++indexes[axis] == axes.Values[axis].Count)
            {
                indexes[axis] = 0;
                axis--;
            }

            if (axis < 0)
            {
                return combinations;
            }
        }
    }

    private static bool Excluded(Filter[] exclude, int[] indexes)
    {
        foreach (var filter in exclude)
        {
            if (filter.Matches(indexes))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>An include's or exclude's keys that name axes (the filter), and the others (added to matched legs).</summary>
    private static (Filter Filter, List<KeyValuePair<string, MatrixValue>> Extras) Split(IReadOnlyDictionary<string, MatrixValue> entry, Axes axes)
    {
        var constraints = new List<(int Axis, bool[] Matches)>();
        var extras = new List<KeyValuePair<string, MatrixValue>>();
        foreach (var pair in entry)
        {
            if (axes.Index.TryGetValue(pair.Key, out var a))
            {
                // Each axis value is compared with the entry once, not once per combination.
                var values = axes.Values[a];
                var matches = new bool[values.Count];
                for (var v = 0; v < values.Count; v++)
                {
                    matches[v] = values[v].Matches(pair.Value);
                }

                constraints.Add((a, matches));
            }
            else
            {
                extras.Add(pair);
            }
        }

        return (new Filter([.. constraints]), extras);
    }

    private static void Flatten(OrderedDictionary<string, string> leg, string key, MatrixValue value)
    {
        if (value.Kind != MatrixValueKind.Object)
        {
            Add(leg, key, value.Text);
            return;
        }

        foreach (var (name, child) in value.Properties)
        {
            Flatten(leg, key + "." + name, child);
        }
    }

    private static void Add(OrderedDictionary<string, string> leg, string key, string text)
    {
        if (!leg.TryAdd(key, text))
        {
            throw new InvalidRunException([new ValidationError(ErrorCodes.MatrixInvalid, null, key, $"two values of one leg are both named '{key}' (an object's 'a.b' path and a key spelled 'a.b'); rename one.")]);
        }
    }

    private static OrderedDictionary<string, string> Copy(IReadOnlyDictionary<string, string> parameters)
    {
        var copy = new OrderedDictionary<string, string>(parameters.Count, StringComparer.Ordinal);
        foreach (var (key, value) in parameters)
        {
            copy.Add(key, value);
        }

        return copy;
    }

    /// <summary>The axes, indexed for expansion: names by key (ignoring case), and each value's leg parameters computed once.</summary>
    private sealed class Axes
    {
        public Axes(IReadOnlyList<MatrixAxis> axes)
        {
            Count = axes.Count;
            Names = axes.Select(a => a.Name).ToArray();
            Values = axes.Select(a => a.Values).ToArray();
            Index = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            Parameters = new KeyValuePair<string, string>[Count][][];
            for (var a = 0; a < Count; a++)
            {
                Index[Names[a]] = a;
                Parameters[a] = Values[a].Select(v =>
                {
                    var parameters = new OrderedDictionary<string, string>(StringComparer.Ordinal);
                    Flatten(parameters, Names[a], v);
                    return parameters.ToArray();
                }).ToArray();
            }
        }

        public int Count { get; }

        public string[] Names { get; }

        public IReadOnlyList<MatrixValue>[] Values { get; }

        public Dictionary<string, int> Index { get; }

        /// <summary>[axis][value]: the leg parameters the value gives (one for a scalar, one per leaf for an object).</summary>
        public KeyValuePair<string, string>[][][] Parameters { get; }
    }

    /// <summary>The axis constraints of an include or exclude: for each axis it names, which of the axis values match.</summary>
    private sealed class Filter((int Axis, bool[] Matches)[] constraints)
    {
        public bool Matches(int[] indexes)
        {
            foreach (var (axis, matches) in constraints)
            {
                if (!matches[indexes[axis]])
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>A base combination: the index of its value on each axis, and the values includes added to it.</summary>
    private sealed class Combination(int[] indexes)
    {
        public int[] Indexes { get; } = indexes;

        public OrderedDictionary<string, MatrixValue>? Extras { get; set; }
    }
}
