using Microsoft.Build.Framework;
using CakeParallel.Matrix;

namespace CakeParallel.MSBuild;

/// <summary>
/// Reads a matrix given as MSBuild items: <c>Axes</c> (identity = axis name, metadata <c>Values</c> = a
/// <c>;</c>-list), <c>Include</c> and <c>Exclude</c> (each item's custom metadata = the key/value pairs). Matching
/// follows GitHub Actions as for a matrix file; object values need a matrix file (metadata names cannot hold a '.').
/// </summary>
internal static class MatrixItems
{
    public static MatrixDefinition Read(IReadOnlyList<ITaskItem> axes, IReadOnlyList<ITaskItem> include, IReadOnlyList<ITaskItem> exclude) => new()
    {
        Axes = axes.Select(a => new MatrixAxis(a.ItemSpec, MSBuildEscaping.SplitList(Escaped(a, "Values")))).ToArray(),
        Include = include.Select(Pairs).ToArray(),
        Exclude = exclude.Select(Pairs).ToArray(),
    };

    // Values are text; text spelled as a number is a number (MatrixValue.FromText), so "12.0" matches "12" as on GitHub.
    private static IReadOnlyDictionary<string, MatrixValue> Pairs(ITaskItem item)
    {
        var pairs = new Dictionary<string, MatrixValue>(StringComparer.Ordinal);
        foreach (var name in item.CloneCustomMetadata().Keys.Cast<string>().Order(StringComparer.Ordinal))
        {
            pairs[name] = MatrixValue.FromText(item.GetMetadata(name));
        }

        return pairs;
    }

    private static string Escaped(ITaskItem item, string name) =>
        item is ITaskItem2 escaped ? escaped.GetMetadataValueEscaped(name) : MSBuildEscaping.Escape(item.GetMetadata(name));
}
