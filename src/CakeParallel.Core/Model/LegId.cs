using System.Security.Cryptography;
using System.Text;

namespace CakeParallel.Model;

/// <summary>Stable leg identities: a short hash of what a leg is, never of where it is in the list.</summary>
public static class LegId
{
    /// <summary>The id of a matrix leg: a hash of its parameters sorted by name (ordinal), so order and position do not matter.</summary>
    /// <param name="parameters">The leg's parameters.</param>
    public static string FromParameters(IReadOnlyDictionary<string, string> parameters)
    {
        var canonical = new StringBuilder();
        foreach (var pair in parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            // Length prefixes make the encoding unambiguous whatever the keys and values contain.
            canonical.Append(pair.Key.Length).Append(':').Append(pair.Key)
                     .Append(pair.Value.Length).Append(':').Append(pair.Value).Append(';');
        }

        return Hash("p|" + canonical);
    }

    /// <summary>The id of a leg that has no parameters: a hash of its name.</summary>
    /// <param name="name">The leg's name.</param>
    public static string FromName(string name) => Hash("n|" + name);

    private static string Hash(string text)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(text), digest);
        return Convert.ToHexStringLower(digest[..6]);
    }
}
