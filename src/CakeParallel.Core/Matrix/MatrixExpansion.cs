using CakeParallel.Model;

namespace CakeParallel.Matrix;

/// <summary>Expands a <see cref="MatrixDefinition"/> into legs with exactly the GitHub Actions rules.</summary>
public static class MatrixExpansion
{
    /// <summary>
    /// The legs of <paramref name="matrix"/>, each a parameter set whose keys are in axis order followed by keys
    /// added by includes: first the product of the axes (first axis slowest) without the excluded combinations,
    /// then the includes that matched no combination, in order.
    /// </summary>
    /// <param name="matrix">The matrix.</param>
    /// <exception cref="InvalidRunException">The matrix is malformed (see <see cref="MatrixValidator.Validate"/>).</exception>
    public static IReadOnlyList<IReadOnlyDictionary<string, string>> Expand(MatrixDefinition matrix)
    {
        var errors = MatrixValidator.Validate(matrix);
        if (errors.Count > 0)
        {
            throw new InvalidRunException(errors);
        }

        if (matrix.Legs.Count > 0)
        {
            return matrix.Legs.Select(Copy).ToArray();
        }

        var combinations = Product(matrix.Axes, matrix.Exclude);
        var added = new List<OrderedDictionary<string, string>>();
        foreach (var include in matrix.Include)
        {
            var merged = false;
            foreach (var combination in combinations)
            {
                if (AgreesOnAxes(include, combination.Original))
                {
                    foreach (var (key, value) in include)
                    {
                        combination.Values[key] = value;
                    }

                    merged = true;
                }
            }

            if (!merged)
            {
                // Legs added by an include are never merge targets for later includes (GitHub's rule).
                added.Add(Copy(include));
            }
        }

        var legs = new List<IReadOnlyDictionary<string, string>>(combinations.Count + added.Count);
        legs.AddRange(combinations.Select(c => c.Values));
        legs.AddRange(added);
        return legs;
    }

    private static List<Combination> Product(IReadOnlyList<MatrixAxis> axes, IReadOnlyList<IReadOnlyDictionary<string, string>> exclude)
    {
        var combinations = new List<Combination>();
        if (axes.Count == 0)
        {
            return combinations;
        }

        var indexes = new int[axes.Count];
        var current = new string[axes.Count];
        while (true)
        {
            for (var a = 0; a < axes.Count; a++)
            {
                current[a] = axes[a].Values[indexes[a]];
            }

            if (!exclude.Any(e => Matches(e, axes, current)))
            {
                var values = new OrderedDictionary<string, string>(axes.Count, StringComparer.Ordinal);
                for (var a = 0; a < axes.Count; a++)
                {
                    values.Add(axes[a].Name, current[a]);
                }

                combinations.Add(new Combination(values, (string[])current.Clone(), axes));
            }

            // Odometer step: the last axis varies fastest.
            var axis = axes.Count - 1;
            while (axis >= 0 && ++indexes[axis] == axes[axis].Values.Count)
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

    private static bool Matches(IReadOnlyDictionary<string, string> exclude, IReadOnlyList<MatrixAxis> axes, string[] current)
    {
        for (var a = 0; a < axes.Count; a++)
        {
            if (exclude.TryGetValue(axes[a].Name, out var value) && !string.Equals(value, current[a], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    private static bool AgreesOnAxes(IReadOnlyDictionary<string, string> include, OriginalValues original)
    {
        foreach (var (key, value) in include)
        {
            if (original.TryGet(key, out var originalValue) && !string.Equals(originalValue, value, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
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

    /// <summary>A base combination: its current values, and the original axis values that includes may not change.</summary>
    private sealed class Combination(OrderedDictionary<string, string> values, string[] original, IReadOnlyList<MatrixAxis> axes)
    {
        public OrderedDictionary<string, string> Values { get; } = values;

        public OriginalValues Original { get; } = new(original, axes);
    }

    private readonly struct OriginalValues(string[] values, IReadOnlyList<MatrixAxis> axes)
    {
        public bool TryGet(string key, out string value)
        {
            for (var a = 0; a < axes.Count; a++)
            {
                if (string.Equals(axes[a].Name, key, StringComparison.Ordinal))
                {
                    value = values[a];
                    return true;
                }
            }

            value = "";
            return false;
        }
    }
}
