using System.Globalization;
using System.Text;

namespace CakeParallel.MSBuild;

/// <summary>
/// MSBuild's escaping of special characters as <c>%XX</c>, for item specs and list-valued metadata, so that
/// <c>;</c>, <c>%</c>, <c>$</c> and <c>@</c> in leg names and values survive as text.
/// </summary>
internal static class MSBuildEscaping
{
    private const string Special = "%*?@$();'";
    private static readonly System.Buffers.SearchValues<char> SpecialCharacters = System.Buffers.SearchValues.Create(Special);

    /// <summary>Escapes every character MSBuild would otherwise interpret.</summary>
    public static string Escape(string text)
    {
        if (text.AsSpan().IndexOfAny(SpecialCharacters) < 0)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            if (Special.Contains(c))
            {
                builder.Append('%').Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    /// <summary>Turns every <c>%XX</c> (two hex digits) back into its character, as MSBuild does.</summary>
    public static string Unescape(string escaped)
    {
        if (!escaped.Contains('%'))
        {
            return escaped;
        }

        var builder = new StringBuilder(escaped.Length);
        for (var i = 0; i < escaped.Length; i++)
        {
            if (escaped[i] == '%' && i + 2 < escaped.Length
                && int.TryParse(escaped.AsSpan(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
            {
                builder.Append((char)code);
                i += 2;
            }
            else
            {
                builder.Append(escaped[i]);
            }
        }

        return builder.ToString();
    }

    /// <summary>
    /// Splits an escaped MSBuild list on its unescaped <c>;</c> separators and unescapes each element, so
    /// <c>%3B</c> stays a semicolon inside an element. Empty elements are dropped, as in MSBuild lists;
    /// elements are not trimmed.
    /// </summary>
    public static IReadOnlyList<string> SplitList(string escaped) =>
        escaped.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(Unescape).ToArray();

    /// <summary>Joins elements into an MSBuild list whose elements stay intact (each escaped, joined by <c>;</c>).</summary>
    public static string JoinList(IEnumerable<string> elements) => string.Join(";", elements.Select(Escape));
}
