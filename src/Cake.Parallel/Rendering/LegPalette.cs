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

    /// <summary>
    /// A palette that colours only where colour is shown: never when <c>NO_COLOR</c> is set; when
    /// <c>FORCE_COLOR</c> is set, or on a CI system that renders ANSI colours in its logs (GitHub Actions, Azure
    /// Pipelines, TeamCity); otherwise only when standard output is a terminal and Cake's console supports ANSI.
    /// A file or a pipe gets no escape codes from the palette.
    /// </summary>
    public static LegPalette For(ICakeContext context) =>
        new(Colourful(name => context.Environment.GetEnvironmentVariable(name), Console.IsOutputRedirected,
            (context.ServiceProvider?.GetService(typeof(IConsole)) as IConsole)?.SupportAnsiEscapeCodes ?? false));

    /// <summary>The decision of <see cref="For"/>, from the environment, whether output is redirected, and Cake's ANSI support.</summary>
    internal static bool Colourful(Func<string, string?> environment, bool outputRedirected, bool consoleSupportsAnsi)
    {
        if (!string.IsNullOrEmpty(environment("NO_COLOR")))
        {
            return false;
        }

        if (!string.IsNullOrEmpty(environment("FORCE_COLOR")) || environment("GITHUB_ACTIONS") == "true"
            || !string.IsNullOrEmpty(environment("TF_BUILD")) || !string.IsNullOrEmpty(environment("TEAMCITY_VERSION")))
        {
            return true;
        }

        return !outputRedirected && consoleSupportsAnsi;
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
