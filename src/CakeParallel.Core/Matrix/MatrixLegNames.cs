using CakeParallel.Model;

namespace CakeParallel.Matrix;

/// <summary>Names for matrix legs: a template such as <c>build-{node}-{os}</c>, or by default the parameter values joined by <c>-</c>.</summary>
public static class MatrixLegNames
{
    /// <summary>The default name of a leg: its parameter values in order, joined by <c>-</c> (e.g. <c>20-alpine</c>).</summary>
    /// <param name="parameters">The leg's parameters.</param>
    public static string Default(IReadOnlyDictionary<string, string> parameters) => string.Join('-', parameters.Values);

    /// <summary>
    /// One name per leg, in order. Without a template, default names that collide get the leg's stable id
    /// appended so they stay unique; names from a template are used as they are (duplicates are reported by
    /// validation).
    /// </summary>
    /// <param name="legs">The legs' parameters.</param>
    /// <param name="template">The name template, or <see langword="null"/> for default names; must be able to render every leg.</param>
    public static IReadOnlyList<string> For(IReadOnlyList<IReadOnlyDictionary<string, string>> legs, ParameterTemplate? template)
    {
        var names = legs.Select(l => template?.Render(l) ?? Default(l)).ToArray();
        if (template is null)
        {
            var counts = names.CountBy(n => n, StringComparer.Ordinal).ToDictionary(c => c.Key, c => c.Value, StringComparer.Ordinal);
            for (var i = 0; i < names.Length; i++)
            {
                if (counts[names[i]] > 1 || names[i].Length == 0)
                {
                    names[i] = names[i].Length == 0 ? LegId.FromParameters(legs[i]) : names[i] + "-" + LegId.FromParameters(legs[i]);
                }
            }
        }

        return names;
    }
}
