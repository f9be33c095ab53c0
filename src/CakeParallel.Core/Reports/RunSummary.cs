using System.Globalization;
using CakeParallel.Model;

namespace CakeParallel.Reports;

/// <summary>One leg's row in a run's summary, as every summary shows it (Cake and MSBuild logs, Markdown, HTML).</summary>
/// <param name="Name">The leg's name.</param>
/// <param name="Status">The leg's status.</param>
/// <param name="StatusText">The status in words, e.g. <c>timed out</c>.</param>
/// <param name="Attempts">The attempts this run made, e.g. <c>2</c>; empty for a reused leg (nothing of it ran in this run).</param>
/// <param name="Duration">E.g. <c>1m 30s</c>; empty for a leg that did not run in this run (not started or reused).</param>
/// <param name="Exit">The last exit code and signal, e.g. <c>137 (SIGKILL)</c>; empty when none, and for a reused leg.</param>
/// <param name="Image">The short image id of a docker build leg (the 12 hex digits <c>docker images</c> shows), kept for a reused leg; empty otherwise.</param>
public sealed record LegSummaryRow(string Name, LegStatus Status, string StatusText, string Attempts, string Duration, string Exit, string Image)
{
    /// <summary>The docker engine of the leg's last attempt, followed by the engines of attempts lost to an engine that went away (e.g. <c>b (lost on a)</c>); empty when the run had no endpoints.</summary>
    public string Engine { get; init; } = "";

    /// <summary>Why a leg that did not start did not, e.g. <c>needs base-alpine, which failed</c> (see <see cref="LegText.NotStartedReason"/>); empty for other legs.</summary>
    public string NotStartedReason { get; init; } = "";
}

/// <summary>
/// The summary of a run, computed once: one <see cref="LegSummaryRow"/> per leg, and the same rows as an aligned text
/// table for logs. Renderers (Markdown, HTML, the Cake and MSBuild logs) only lay the rows out.
/// </summary>
public static class RunSummary
{
    /// <summary>The rows of <paramref name="run"/>, one per leg, in input order.</summary>
    /// <param name="run">The run's result.</param>
    public static IReadOnlyList<LegSummaryRow> Rows(RunResult run) => run.Legs.Select(Row).ToArray();

    /// <summary>The row of one leg.</summary>
    /// <param name="leg">The leg's result.</param>
    public static LegSummaryRow Row(LegResult leg)
    {
        // A reused leg ran in an earlier run: its attempts, duration and exit belong to that run, not this one.
        var ranNow = leg.Status != LegStatus.Reused;
        return new LegSummaryRow(
            leg.Name,
            leg.Status,
            LegStatusText.Of(leg.Status),
            ranNow ? leg.Attempts.Count.ToString(CultureInfo.InvariantCulture) : "",
            ranNow && (leg.Attempts.Count > 0 || leg.Status == LegStatus.UpToDate) ? DurationText.Format(leg.Duration) : "",
            ranNow ? leg.ExitDisplay : "",
            leg.ImageId is { } image ? ShortImageId(image) : "")
        {
            Engine = EngineText(leg),
            NotStartedReason = LegText.NotStartedReason(leg) ?? "",
        };
    }

    /// <summary>The engine cell of a leg: its last attempt's engine, and where attempts were lost, e.g. <c>b (lost on a)</c>.</summary>
    /// <param name="leg">The leg's result.</param>
    public static string EngineText(LegResult leg)
    {
        if (leg.Endpoint is null)
        {
            return "";
        }

        var lost = leg.Attempts.Where(a => a.EndpointLost && a.Endpoint is not null).Select(a => a.Endpoint!).Distinct().ToArray();
        return lost.Length == 0 ? leg.Endpoint : $"{leg.Endpoint} (lost on {string.Join(", ", lost)})";
    }

    /// <summary>
    /// The rows as an aligned text table with a header (leg, status, attempts, duration, exit, the engine when the run
    /// had endpoints, and image when a leg has one); empty cells show <c>-</c>.
    /// </summary>
    /// <param name="run">The run's result.</param>
    public static IReadOnlyList<string> TableLines(RunResult run)
    {
        var rows = Rows(run);
        var withImages = rows.Any(r => r.Image.Length > 0);
        var withEngines = rows.Any(r => r.Engine.Length > 0);
        var header = new List<string> { "Leg", "Status", "Attempts", "Duration", "Exit" };
        if (withEngines)
        {
            header.Add("Engine");
        }

        if (withImages)
        {
            header.Add("Image");
        }

        var cells = new List<string[]> { header.ToArray() };
        foreach (var row in rows)
        {
            var line = new List<string> { row.Name, row.StatusText, row.Attempts, row.Duration, row.Exit };
            if (withEngines)
            {
                line.Add(row.Engine);
            }

            if (withImages)
            {
                line.Add(row.Image);
            }

            cells.Add(line.Select(c => c.Length == 0 ? "-" : c).ToArray());
        }

        var widths = Enumerable.Range(0, header.Count).Select(c => cells.Max(r => r[c].Length)).ToArray();
        return cells.Select(r => string.Join("  ", r.Select((cell, c) => cell.PadRight(widths[c]))).TrimEnd()).ToArray();
    }

    /// <summary>
    /// The outcome of the run's all-or-nothing publish in one line, e.g. <c>published 6 tags</c>, <c>publish held
    /// back by: app-alpine-20 (failed), app-debian-22 (timed out)</c> or <c>publish failed: …</c>, with the staging
    /// tags the registry kept; <see langword="null"/> when the run had no such publish.
    /// </summary>
    /// <param name="run">The run's result.</param>
    public static string? PublishLine(RunResult run)
    {
        if (run.Publish is not { } publish)
        {
            return null;
        }

        var kept = publish.Outcome == PublishOutcome.Published && publish.StagingTags.Count(s => !s.Removed) is > 0 and var count
            ? $" ({count} staging tag{(count == 1 ? "" : "s")} kept: the registry cannot delete a tag alone)"
            : "";
        var written = publish.Tags.Count(t => t.Written);
        return publish.Outcome switch
        {
            PublishOutcome.Published => $"published {written} tag{(written == 1 ? "" : "s")}{kept}",
            PublishOutcome.HeldBack => "publish held back by: " + string.Join(", ", publish.HeldBackBy.Select(h => $"{h.Leg} ({LegStatusText.Of(h.Status)})")),
            _ => $"publish failed [{publish.Code}]: {publish.Error}",
        };
    }

    /// <summary>An image id as <c>docker images</c> shows it: the first 12 hex digits, without <c>sha256:</c>.</summary>
    /// <param name="imageId">The full image id, e.g. <c>sha256:3682d4f4…</c>.</param>
    public static string ShortImageId(string imageId)
    {
        var colon = imageId.IndexOf(':', StringComparison.Ordinal);
        var hex = colon >= 0 ? imageId[(colon + 1)..] : imageId;
        return hex.Length > 12 ? hex[..12] : hex;
    }
}
