using System.Globalization;
using CakeParallel.Model;

namespace Cake.Parallel.Rendering;

/// <summary>
/// The run's summary as an aligned text table: leg, status, attempts, duration, exit code/signal, image id (a reused
/// leg keeps its image id; the rest of its row is "-", as nothing of it ran in this run).
/// </summary>
internal static class SummaryTable
{
    public static IReadOnlyList<string> Lines(RunResult run)
    {
        var withImages = run.Legs.Any(l => l.ImageId is not null);
        var header = withImages
            ? new[] { "Leg", "Status", "Attempts", "Duration", "Exit", "Image" }
            : ["Leg", "Status", "Attempts", "Duration", "Exit"];
        var rows = new List<string[]> { header };
        foreach (var leg in run.Legs)
        {
            // A reused leg ran in an earlier run: its attempts, duration and exit belong to that run, not this one.
            var ranNow = leg.Status != LegStatus.Reused;
            var row = new List<string>
            {
                leg.Name,
                LegStatusText.Of(leg.Status),
                ranNow ? leg.Attempts.Count.ToString(CultureInfo.InvariantCulture) : "-",
                ranNow && leg.Status != LegStatus.NotStarted ? DurationText.Format(leg.Duration) : "-",
                ranNow && leg.ExitDisplay.Length > 0 ? leg.ExitDisplay : "-",
            };
            if (withImages)
            {
                row.Add(ShortImageId(leg.ImageId));
            }

            rows.Add(row.ToArray());
        }

        var widths = Enumerable.Range(0, header.Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        return rows.Select(r => string.Join("  ", r.Select((cell, c) => cell.PadRight(widths[c]))).TrimEnd()).ToArray();
    }

    private static string ShortImageId(string? imageId)
    {
        if (imageId is null)
        {
            return "-";
        }

        var hex = imageId.StartsWith("sha256:", StringComparison.Ordinal) ? imageId["sha256:".Length..] : imageId;
        return hex.Length > 12 ? hex[..12] : hex;
    }
}
