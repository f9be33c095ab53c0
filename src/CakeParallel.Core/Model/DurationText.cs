using System.Globalization;

namespace CakeParallel.Model;

/// <summary>Durations as people read them in logs: <c>850 ms</c>, <c>3.2 s</c>, <c>2m 05s</c>, <c>1h 02m</c>.</summary>
public static class DurationText
{
    /// <summary>Formats <paramref name="duration"/> compactly.</summary>
    /// <param name="duration">The duration.</param>
    public static string Format(TimeSpan duration)
    {
        var c = CultureInfo.InvariantCulture;
        if (duration < TimeSpan.FromSeconds(1))
        {
            return ((int)duration.TotalMilliseconds).ToString(c) + " ms";
        }

        if (duration < TimeSpan.FromMinutes(1))
        {
            return duration.TotalSeconds.ToString("0.0", c) + " s";
        }

        if (duration < TimeSpan.FromHours(1))
        {
            return string.Format(c, "{0}m {1:00}s", (int)duration.TotalMinutes, duration.Seconds);
        }

        return string.Format(c, "{0}h {1:00}m", (int)duration.TotalHours, duration.Minutes);
    }
}
