using System.Globalization;
using System.Text.RegularExpressions;

namespace CakeParallel.Docker;

/// <summary>Parses durations as build engineers write them: <c>90s</c>, <c>5m</c>, <c>1h30m</c>, <c>500ms</c>, or <c>00:05:00</c>.</summary>
internal static partial class DurationParser
{
    /// <summary>The longest duration accepted anywhere: 365 days (longer is surely a typo, and TimeSpan's range is finite).</summary>
    public const double MaxSeconds = 365 * 24 * 3600;

    public static bool TryParse(string text, out TimeSpan duration)
    {
        text = text.Trim();
        var match = UnitsPattern().Match(text);
        if (match.Success && text.Length > 0)
        {
            // Summed in seconds as a double, so "99999999999999h" is refused instead of overflowing TimeSpan.
            var seconds = 0.0;
            foreach (Capture part in match.Groups["part"].Captures)
            {
                var unitMatch = PartPattern().Match(part.Value);
                var number = double.Parse(unitMatch.Groups[1].Value, CultureInfo.InvariantCulture);
                seconds += number * unitMatch.Groups[2].Value switch
                {
                    "ms" => 0.001,
                    "s" => 1,
                    "m" => 60,
                    _ => 3600,
                };
            }

            duration = seconds <= MaxSeconds ? TimeSpan.FromSeconds(seconds) : TimeSpan.Zero;
            return seconds <= MaxSeconds;
        }

        return TimeSpan.TryParseExact(text, @"hh\:mm\:ss", CultureInfo.InvariantCulture, out duration)
            || TimeSpan.TryParseExact(text, @"mm\:ss", CultureInfo.InvariantCulture, out duration);
    }

    [GeneratedRegex(@"^(?<part>\d+(?:\.\d+)?(?:ms|s|m|h))+$", RegexOptions.CultureInvariant)]
    private static partial Regex UnitsPattern();

    [GeneratedRegex(@"^(\d+(?:\.\d+)?)(ms|s|m|h)$", RegexOptions.CultureInvariant)]
    private static partial Regex PartPattern();
}
