using System.Globalization;
using System.Text.RegularExpressions;

namespace CakeParallel.Docker;

/// <summary>Parses durations as build engineers write them: <c>90s</c>, <c>5m</c>, <c>1h30m</c>, <c>500ms</c>, or <c>00:05:00</c>.</summary>
internal static partial class DurationParser
{
    public static bool TryParse(string text, out TimeSpan duration)
    {
        text = text.Trim();
        var match = UnitsPattern().Match(text);
        if (match.Success && text.Length > 0)
        {
            duration = TimeSpan.Zero;
            foreach (Capture part in match.Groups["part"].Captures)
            {
                var unitMatch = PartPattern().Match(part.Value);
                var number = double.Parse(unitMatch.Groups[1].Value, CultureInfo.InvariantCulture);
                duration += unitMatch.Groups[2].Value switch
                {
                    "ms" => TimeSpan.FromMilliseconds(number),
                    "s" => TimeSpan.FromSeconds(number),
                    "m" => TimeSpan.FromMinutes(number),
                    _ => TimeSpan.FromHours(number),
                };
            }

            return true;
        }

        return TimeSpan.TryParseExact(text, @"hh\:mm\:ss", CultureInfo.InvariantCulture, out duration)
            || TimeSpan.TryParseExact(text, @"mm\:ss", CultureInfo.InvariantCulture, out duration);
    }

    [GeneratedRegex(@"^(?<part>\d+(?:\.\d+)?(?:ms|s|m|h))+$", RegexOptions.CultureInvariant)]
    private static partial Regex UnitsPattern();

    [GeneratedRegex(@"^(\d+(?:\.\d+)?)(ms|s|m|h)$", RegexOptions.CultureInvariant)]
    private static partial Regex PartPattern();
}
