using Cake.Core;

namespace Cake.Parallel.Rendering;

/// <summary>Gives each leg name a colour of its own when the console shows ANSI colours, and plain text otherwise.</summary>
internal sealed class LegPalette
{
    // Foreground colours that read well on dark and light backgrounds; red stays reserved for errors.
    private static readonly string[] Colours = ["36", "35", "33", "34", "32", "96", "95", "93", "94", "92"];
    private const string Reset = "\u001b[0m";

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

    /// <summary>Returns <paramref name="text"/> in the leg's colour (padding stays outside the escape codes).</summary>
    public string Paint(string legName, string text)
    {
        if (!_enabled)
        {
            return text;
        }

        if (!_assigned.TryGetValue(legName, out var colour))
        {
            colour = Colours[_assigned.Count % Colours.Length];
            _assigned[legName] = colour;
        }

        return "\u001b[" + colour + "m" + text + Reset;
    }
}
