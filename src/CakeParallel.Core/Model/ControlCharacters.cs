using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace CakeParallel.Model;

/// <summary>
/// Makes text safe to show a person: terminal sequences (colours <c>ESC[31m</c>, titles <c>ESC]0;…BEL</c>) are
/// dropped, as the reports always dropped them, and every other control character (C0 such as NUL and a lone ESC,
/// DEL, and C1) becomes a visible escape such as <c>\x1b</c>, so a leg's output cannot move a terminal's cursor,
/// recolour a CI log or cut a line short. Tab is kept; a line break becomes <c>\n</c> (every caller shows one line).
/// </summary>
public static partial class ControlCharacters
{
    /// <summary>
    /// <paramref name="text"/> without terminal sequences and with every other control character but tab escaped as
    /// <c>\xNN</c> (or <c>\n</c>, <c>\r</c>); the same instance when there is none.
    /// </summary>
    /// <param name="text">Any text.</param>
    public static string Escape(string text)
    {
        if (IndexOfControl(text) < 0)
        {
            return text;
        }

        text = TerminalSequence().Replace(text, "");
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

    // CSI (ESC [ … final), OSC (ESC ] … BEL or ESC \) and two-character escapes; a lone ESC stays and is escaped.
    [GeneratedRegex(@"\x1B(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1B]*(?:\x07|\x1B\\)|[@-Z\\-_])")]
    private static partial Regex TerminalSequence();

    private static bool IsEscaped(char c) => c != '\t' && (c < ' ' || c is >= '\u007f' and <= '\u009f');
}
