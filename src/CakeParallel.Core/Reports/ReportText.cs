using System.Text;
using System.Text.RegularExpressions;

namespace CakeParallel.Reports;

/// <summary>Output text made fit for documents: terminal colour codes dropped, other control characters made visible.</summary>
internal static partial class ReportText
{
    /// <summary>
    /// Removes ANSI escape sequences (docker and compilers colour their output) and replaces characters XML 1.0
    /// forbids or that would disturb a document (other C0 controls, lone surrogates) with U+FFFD.
    /// </summary>
    public static string Clean(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        var withoutEscapes = AnsiEscape().Replace(text, "");
        var builder = new StringBuilder(withoutEscapes.Length);
        for (var i = 0; i < withoutEscapes.Length; i++)
        {
            var c = withoutEscapes[i];
            if (char.IsHighSurrogate(c) && i + 1 < withoutEscapes.Length && char.IsLowSurrogate(withoutEscapes[i + 1]))
            {
                builder.Append(c).Append(withoutEscapes[++i]);
            }
            else if (char.IsSurrogate(c) || IndentedXmlWriter.IsForbidden(c) || c == '\u007F')
            {
                builder.Append('\uFFFD');
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    /// <summary>One line: line breaks and tabs become spaces (for table cells, titles and attributes that must stay on one line).</summary>
    public static string OneLine(string? text) => LineBreaks().Replace(Clean(text), " ");

    [GeneratedRegex(@"\x1B(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1B]*(?:\x07|\x1B\\)|[@-Z\\-_])")]
    private static partial Regex AnsiEscape();

    [GeneratedRegex(@"[\r\n\t]+")]
    private static partial Regex LineBreaks();
}
