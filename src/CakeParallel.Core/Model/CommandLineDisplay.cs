using System.Text;

namespace CakeParallel.Model;

/// <summary>Renders an argv list for people to read, quoting what a POSIX shell would split.</summary>
internal static class CommandLineDisplay
{
    public static string Format(string executable, IReadOnlyList<string> arguments)
    {
        var text = new StringBuilder(Quote(executable));
        foreach (var argument in arguments)
        {
            text.Append(' ').Append(Quote(argument));
        }

        return text.ToString();
    }

    private static string Quote(string value)
    {
        if (value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=:,@%+".Contains(c)))
        {
            return value;
        }

        return "'" + value.Replace("'", "'\\''") + "'";
    }
}
