using Cake.Core;

namespace Cake.Parallel.Rendering;

/// <summary>Gives each leg name a colour of its own when the console shows ANSI colours, and plain text otherwise.</summary>
internal sealed class LegPalette
{
    // Foreground colours that read well on dark and light backgrounds; red stays reserved for errors.
    private static readonly string[] Colours = ["36", "35", "33", "34", "32", "96", "95", "93", "94", "92"];
    // Back to the default foreground only, so the rest of Cake's line keeps its own styling.
    private const string DefaultForeground = "\u001b[39m";

    private readonly bool _enabled;
    private readonly Dictionary<string, string> _assigned = new(StringComparer.Ordinal);

    public LegPalette(bool enabled) => _enabled = enabled;

    /// <summary>A palette that colours when Cake's console supports ANSI escapes, output is a terminal and NO_COLOR is unset.</summary>
    public static LegPalette For(ICakeContext context)
    {
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR")) || Console.IsOutputRedirected)
        {
            return new LegPalette(false);
        }

        var console = context.ServiceProvider?.GetService(typeof(IConsole)) as IConsole;
        return new LegPalette(console?.SupportAnsiEscapeCodes ?? false);
    }

    /// <summary>Gives <paramref name="legName"/> the next colour, so colours follow the legs' input order.</summary>
    public void Assign(string legName) => _assigned.TryAdd(legName, Colours[_assigned.Count % Colours.Length]);

    /// <summary>Returns <paramref name="text"/> in the leg's colour (padding stays outside the escape codes).</summary>
    public string Paint(string legName, string text)
    {
        if (!_enabled)
        {
            return text;
        }

        Assign(legName);
        return "\u001b[" + _assigned[legName] + "m" + text + DefaultForeground;
    }
}
