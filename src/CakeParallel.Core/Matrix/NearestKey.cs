namespace CakeParallel.Matrix;

/// <summary>"Did you mean" for a misspelt key: the known key closest to it, when one is close enough to be the intent.</summary>
internal static class NearestKey
{
    /// <summary>
    /// The key of <paramref name="known"/> with the fewest edits (insert, delete, replace, swap of neighbours; case
    /// ignored) from <paramref name="key"/>, if at most 2 edits and fewer than half its length; else <see langword="null"/>.
    /// </summary>
    public static string? Find(string key, IEnumerable<string> known)
    {
        string? best = null;
        var bestDistance = Math.Min(2, (key.Length - 1) / 2);
        foreach (var candidate in known)
        {
            var distance = Distance(key, candidate);
            if (distance <= bestDistance && (best is null || distance < Distance(key, best)))
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        return best;
    }

    /// <summary>The sentence tail suggesting <paramref name="key"/>'s nearest known key, e.g. <c> (did you mean 'noCache'?)</c>, or "".</summary>
    public static string Suggestion(string key, IEnumerable<string> known) => Find(key, known) is { } near ? $" (did you mean '{near}'?)" : "";

    // Optimal string alignment distance, ignoring case.
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 1]) ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 2]) && char.ToLowerInvariant(a[i - 2]) == char.ToLowerInvariant(b[j - 1]))
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
