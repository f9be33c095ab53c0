using System.Globalization;

namespace CakeParallel.Model;

/// <summary>
/// One of <see cref="Count"/> CI jobs that share a matrix, written <c>i/n</c> (1-based): shard <see cref="Index"/>
/// of <see cref="Count"/>. The n shards of a matrix together run every leg exactly once.
/// </summary>
/// <param name="Index">Which shard, from 1 to <see cref="Count"/>.</param>
/// <param name="Count">How many shards the matrix is split into, at least 1.</param>
public sealed record Shard(int Index, int Count)
{
    /// <summary>Reads <c>i/n</c> with 1 ≤ i ≤ n.</summary>
    /// <param name="text">The text, e.g. <c>2/4</c>.</param>
    /// <param name="shard">The shard, when the text is valid.</param>
    /// <returns>Whether <paramref name="text"/> is a valid shard.</returns>
    public static bool TryParse(string? text, out Shard? shard)
    {
        shard = null;
        var parts = text?.Trim().Split('/');
        if (parts is not { Length: 2 }
            || !int.TryParse(parts[0].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            || !int.TryParse(parts[1].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            || count < 1 || index < 1 || index > count)
        {
            return false;
        }

        shard = new Shard(index, count);
        return true;
    }

    /// <summary>The shard as <c>i/n</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Index}/{Count}");
}
