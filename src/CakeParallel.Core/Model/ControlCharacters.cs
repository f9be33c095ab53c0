using System.Globalization;
using System.Text;

namespace CakeParallel.Model;

/// <summary>
/// Makes text safe to show a person: control characters (C0 such as NUL and ESC, DEL, and C1) become visible
/// escapes such as <c>\x1b</c>, so a leg's output cannot move a terminal's cursor, recolour a CI log or cut a line
/// short. Tab is kept; a line break becomes <c>\n</c> (every caller shows one line).
/// </summary>
public static class ControlCharacters
{
    /// <summary><paramref name="text"/> with every control character but tab escaped as <c>\xNN</c> (or <c>\n</c>, <c>\r</c>); the same instance when there is none.</summary>
    /// <param name="text">Any text.</param>
    public static string Escape(string text)
    {
        var first = IndexOfControl(text);
        if (first < 0)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length + 8).Append(text, 0, first);
        for (var i = first; i < text.Length; i++)
        {
            var c = text[i];
            if (!IsEscaped(c))
            {
                builder.Append(c);
            }
            else if (c == '\n')
            {
                builder.Append("\\n");
            }
            else if (c == '\r')
            {
                builder.Append("\\r");
            }
            else
            {
                builder.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    /// <summary>Each line of <paramref name="lines"/> escaped (see <see cref="Escape(string)"/>); the same list when none needs it.</summary>
    /// <param name="lines">Lines of text.</param>
    public static IReadOnlyList<string> Escape(IReadOnlyList<string> lines) =>
        lines.Any(l => IndexOfControl(l) >= 0) ? lines.Select(Escape).ToArray() : lines;

    private static int IndexOfControl(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (IsEscaped(text[i]))
            {
                return i;
            }
        }

        return -1;
    }

    private static bool IsEscaped(char c) => c != '\t' && (c < ' ' || c is >= '\u007f' and <= '\u009f');
}
