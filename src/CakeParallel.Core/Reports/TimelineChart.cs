using System.Globalization;
using System.Net;
using System.Text;
using CakeParallel.Model;

namespace CakeParallel.Reports;

/// <summary>
/// The SVG Gantt chart of a run: one row per leg, a bar per attempt coloured by its outcome, the wait for a
/// free slot and the retry waits between attempts, and under it a lane showing how many legs ran at once
/// against the MaxParallel limit; a run on a pool of docker engines adds one lane per engine slot, each showing the
/// attempts that slot ran. Details of every bar are in its <c>&lt;title&gt;</c>, which browsers show on hover.
/// </summary>
internal static class TimelineChart
{
    private const double Width = 1200;
    private const double LabelWidth = 250;
    private const double ChartLeft = LabelWidth + 10;
    private const double ChartRight = Width - 20;
    private const double AxisHeight = 28;
    private const double RowHeight = 26;
    private const double BarHeight = 16;
    private const double LaneGap = 34;
    private const double LaneHeight = 90;

    private static readonly double[] TickSteps = [0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400];

    /// <summary>Renders the chart into <paramref name="svg"/>, which spills into <paramref name="output"/> as it grows.</summary>
    public static void Write(RunResult result, StringBuilder svg, TextWriter output)
    {
        var span = Span(result);
        var rows = result.Legs.Count;
        var rowsBottom = AxisHeight + rows * RowHeight;
        var laneTop = rowsBottom + LaneGap;
        var slotLanes = SlotLanes(result);
        var slotsTop = laneTop + LaneHeight + LaneGap;
        var height = laneTop + LaneHeight + 30 + (slotLanes.Count == 0 ? 0 : LaneGap + slotLanes.Count * RowHeight);
        var scale = new Scale(span);

        svg.Append(CultureInfo.InvariantCulture, $"<svg class=\"timeline\" viewBox=\"0 0 {Width} {N(height)}\" width=\"100%\" role=\"img\" aria-label=\"Timeline of the run\">\n");
        svg.Append("<defs><pattern id=\"retry-hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">")
           .Append("<rect width=\"6\" height=\"6\" class=\"hatch-bg\"/><rect width=\"2.5\" height=\"6\" class=\"hatch-line\"/></pattern></defs>\n");

        Axis(svg, scale, span, rowsBottom, slotLanes.Count == 0 ? laneTop + LaneHeight : slotsTop + slotLanes.Count * RowHeight);
        var slotWaits = SlotWaits.Of(result);
        for (var i = 0; i < rows; i++)
        {
            Row(svg, result, result.Legs[i], AxisHeight + i * RowHeight, i, scale, slotWaits);
            ReportBuffer.Spill(svg, output);
        }

        ConcurrencyLane(svg, output, result, scale, laneTop);
        EngineSlotLanes(svg, output, result, slotLanes, scale, slotsTop);
        svg.Append("</svg>\n");
    }

    /// <summary>Seconds from the run's start to the end of its last attempt (at least the run's wall time).</summary>
    private static double Span(RunResult result)
    {
        var end = result.Duration.TotalSeconds;
        foreach (var attempt in LiveAttempts(result))
        {
            end = Math.Max(end, Offset(result, attempt) + attempt.Duration.TotalSeconds);
        }

        return Math.Max(end, 0.001);
    }

    // Reused legs carry attempts of an earlier run; they are not part of this run's timeline.
    private static IEnumerable<AttemptRecord> LiveAttempts(RunResult result) =>
        result.Legs.Where(l => l.Status != LegStatus.Reused).SelectMany(l => l.Attempts);

    private static double Offset(RunResult result, AttemptRecord attempt) => Math.Max(0, (attempt.StartedAt - result.StartedAt).TotalSeconds);

    private static void Axis(StringBuilder svg, Scale scale, double span, double rowsBottom, double bottom)
    {
        var step = TickSteps.FirstOrDefault(s => span / s <= 10, TickSteps[^1]);
        svg.Append("<g class=\"axis\">\n");
        for (var t = 0.0; t <= span + step / 1000; t += step)
        {
            var x = scale.X(t);
            svg.Append(CultureInfo.InvariantCulture, $"<line class=\"grid\" x1=\"{N(x)}\" y1=\"{N(AxisHeight - 4)}\" x2=\"{N(x)}\" y2=\"{N(bottom)}\"/>")
               .Append(CultureInfo.InvariantCulture, $"<text class=\"tick\" x=\"{N(x)}\" y=\"{N(AxisHeight - 10)}\">{TickLabel(t, step)}</text>\n");
        }

        svg.Append(CultureInfo.InvariantCulture, $"<line class=\"rows-end\" x1=\"0\" y1=\"{N(rowsBottom)}\" x2=\"{N(Width)}\" y2=\"{N(rowsBottom)}\"/>\n");
        svg.Append("</g>\n");
    }

    private static void Row(StringBuilder svg, RunResult result, LegResult leg, double top, int index, Scale scale, SlotWaits? slotWaits)
    {
        var mid = top + RowHeight / 2;
        var barTop = mid - BarHeight / 2;
        svg.Append(CultureInfo.InvariantCulture, $"<g class=\"row status-{StatusClass(leg.Status)}\" data-leg=\"{Attr(leg.Id)}\">\n");
        if (index % 2 == 1)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<rect class=\"stripe\" x=\"0\" y=\"{N(top)}\" width=\"{N(Width)}\" height=\"{N(RowHeight)}\"/>");
        }

        svg.Append(CultureInfo.InvariantCulture, $"<circle class=\"dot\" cx=\"12\" cy=\"{N(mid)}\" r=\"5\"><title>{Text(LegStatusText.Of(leg.Status))}</title></circle>")
           .Append(CultureInfo.InvariantCulture, $"<text class=\"label\" x=\"24\" y=\"{N(mid + 4)}\">{Text(Truncate(leg.Name, 30))}<title>{Text(LegTitle(leg))}</title></text>\n");

        if (leg.Status == LegStatus.Reused)
        {
            var origin = LegText.ReusedFrom(leg)!;
            svg.Append(CultureInfo.InvariantCulture, $"<text class=\"note\" x=\"{N(ChartLeft + 4)}\" y=\"{N(mid + 4)}\">{Text(origin)}<title>{Text(string.Join("\n", leg.Remarks))}</title></text>\n");
        }
        else if (leg.Attempts.Count == 0)
        {
            NeedsWait(svg, result, leg, mid, scale);
            svg.Append(CultureInfo.InvariantCulture, $"<text class=\"note\" x=\"{N(ChartLeft + 4)}\" y=\"{N(mid + 4)}\">{Text(LegStatusText.Of(leg.Status))}<title>{Text(leg.FailureReason ?? string.Join("\n", leg.Remarks))}</title></text>\n");
        }
        else
        {
            var firstStart = Offset(result, leg.Attempts[0]);
            if (firstStart > 0)
            {
                var why = slotWaits?.Waited(leg, firstStart) == true ? " (waiting for a slot)" : leg.NeedsWait is not null ? " (waiting for the legs it needs)" : "";
                svg.Append(CultureInfo.InvariantCulture, $"<line class=\"queued\" x1=\"{N(scale.X(0))}\" y1=\"{N(mid)}\" x2=\"{N(scale.X(firstStart))}\" y2=\"{N(mid)}\"><title>{Text($"{leg.Name}: started {DurationText.Format(TimeSpan.FromSeconds(firstStart))} after the run{why}")}</title></line>\n");
            }

            NeedsWait(svg, result, leg, mid, scale);

            for (var i = 0; i < leg.Attempts.Count; i++)
            {
                var attempt = leg.Attempts[i];
                var start = Offset(result, attempt);
                var end = start + attempt.Duration.TotalSeconds;
                if (i + 1 < leg.Attempts.Count)
                {
                    RetryWait(svg, leg, attempt, end, Offset(result, leg.Attempts[i + 1]), barTop, scale);
                }

                AdmissionWait(svg, leg, attempt, start, mid, scale);
                var x = scale.X(start);
                var width = Math.Max(2, scale.X(end) - x);
                svg.Append(CultureInfo.InvariantCulture, $"<rect class=\"attempt outcome-{OutcomeClass(attempt.Outcome)}\" data-attempt=\"{attempt.Number}\" x=\"{N(x)}\" y=\"{N(barTop)}\" width=\"{N(width)}\" height=\"{N(BarHeight)}\" rx=\"3\"><title>{Text(AttemptTitle(result, leg, attempt))}</title></rect>");
                if (leg.Attempts.Count > 1 && width >= 24)
                {
                    svg.Append(CultureInfo.InvariantCulture, $"<text class=\"bar-label\" x=\"{N(x + width / 2)}\" y=\"{N(mid + 4)}\">#{attempt.Number}</text>");
                }

                svg.Append('\n');
            }
        }

        svg.Append("</g>\n");
    }

    /// <summary>
    /// Whether legs waited for a slot: every slot was held by other legs' attempts at some moment before a leg
    /// started (and after its needs were done: before, it waited for them, holding no place in the line for a slot).
    /// Legs queue from the run's start, so a leg that started late while a slot was free all along was only being
    /// spawned (or waiting for services), not waiting for a slot. One sweep over every attempt serves all legs: a
    /// leg's own attempts start at or after its first start, so they never count towards the slots it waited for.
    /// </summary>
    private sealed class SlotWaits
    {
        private readonly int _limit;

        // Every attempt's start (+1) and end (-1), by time; _held[j] slots are held after the first j changes.
        private readonly double[] _times;
        private readonly int[] _held;

        // The first j' >= j with every slot held after j' changes (int.MaxValue: none).
        private readonly int[] _nextFull;

        private SlotWaits(int limit, List<(double T, int Delta)> changes)
        {
            _limit = limit;
            changes.Sort();
            _times = changes.Select(c => c.T).ToArray();
            _held = new int[changes.Count + 1];
            for (var j = 0; j < changes.Count; j++)
            {
                _held[j + 1] = _held[j] + changes[j].Delta;
            }

            _nextFull = new int[_held.Length + 1];
            _nextFull[_held.Length] = int.MaxValue;
            for (var j = _held.Length - 1; j >= 0; j--)
            {
                _nextFull[j] = _held[j] >= _limit ? j : _nextFull[j + 1];
            }
        }

        public static SlotWaits? Of(RunResult result)
        {
            if (result.Settings?.MaxParallel is not { } limit)
            {
                return null;
            }

            var changes = new List<(double T, int Delta)>();
            foreach (var attempt in LiveAttempts(result))
            {
                var start = Offset(result, attempt);
                changes.Add((start, 1));
                changes.Add((start + attempt.Duration.TotalSeconds, -1));
            }

            return new SlotWaits(limit, changes);
        }

        /// <summary>Whether every slot was held at some moment before <paramref name="start"/> (after the leg's needs were done).</summary>
        public bool Waited(LegResult leg, double start)
        {
            // The slots held just before start are _held[before]; a moment counts once it lasts past the needs' end.
            var before = CountBefore(start, inclusive: false);
            var queuedAt = leg.NeedsWait?.TotalSeconds ?? 0;
            var from = queuedAt == 0 ? 0 : Math.Min(CountBefore(queuedAt, inclusive: true), before);
            return _nextFull[from] <= before;
        }

        /// <summary>How many changes happen before <paramref name="time"/> (or at it, when <paramref name="inclusive"/>).</summary>
        private int CountBefore(double time, bool inclusive)
        {
            int low = 0, high = _times.Length;
            while (low < high)
            {
                var middle = (low + high) / 2;
                if (_times[middle] < time || (inclusive && _times[middle] == time))
                {
                    low = middle + 1;
                }
                else
                {
                    high = middle;
                }
            }

            return low;
        }
    }

    private static void RetryWait(StringBuilder svg, LegResult leg, AttemptRecord attempt, double from, double to, double barTop, Scale scale)
    {
        if (to <= from)
        {
            return;
        }

        var title = $"{leg.Name}: waiting {DurationText.Format(TimeSpan.FromSeconds(to - from))} before attempt {attempt.Number + 1}"
            + (attempt.Decision.Delay is { } delay ? $" (backoff {DurationText.Format(delay)})" : "")
            + $"\nretried because: {attempt.Decision.Reason}";
        var x = scale.X(from);
        var width = Math.Max(1, scale.X(to) - x);
        svg.Append(CultureInfo.InvariantCulture, $"<rect class=\"retry-wait\" x=\"{N(x)}\" y=\"{N(barTop + 3)}\" width=\"{N(width)}\" height=\"{N(BarHeight - 6)}\"><title>{Text(title)}</title></rect>");
    }

    /// <summary>The wait for the legs a leg needs, from the run's start until they were done: it held no slot meanwhile.</summary>
    private static void NeedsWait(StringBuilder svg, RunResult result, LegResult leg, double mid, Scale scale)
    {
        if (leg.NeedsWait is not { } waited || waited <= TimeSpan.Zero)
        {
            return;
        }

        var names = leg.Needs.Select(id => result.Legs.FirstOrDefault(l => l.Id == id)?.Name ?? id);
        var title = $"{leg.Name}: waited {DurationText.Format(waited)} for the legs it needs ({string.Join(", ", names)})";
        svg.Append(CultureInfo.InvariantCulture, $"<line class=\"needs-wait\" x1=\"{N(scale.X(0))}\" y1=\"{N(mid)}\" x2=\"{N(scale.X(waited.TotalSeconds))}\" y2=\"{N(mid)}\"><title>{Text(title)}</title></line>\n");
    }

    /// <summary>The machine-wide admission wait (shared slot, memory, load) right before an attempt, its own kind of wait.</summary>
    private static void AdmissionWait(StringBuilder svg, LegResult leg, AttemptRecord attempt, double start, double mid, Scale scale)
    {
        if (attempt.AdmissionWait <= TimeSpan.Zero)
        {
            return;
        }

        var from = Math.Max(0, start - attempt.AdmissionWait.TotalSeconds);
        var title = $"{leg.Name}: waited {DurationText.Format(attempt.AdmissionWait)} for machine-wide admission (a shared slot, memory or load) before attempt {attempt.Number}";
        svg.Append(CultureInfo.InvariantCulture, $"<line class=\"admission-wait\" x1=\"{N(scale.X(from))}\" y1=\"{N(mid)}\" x2=\"{N(scale.X(start))}\" y2=\"{N(mid)}\"><title>{Text(title)}</title></line>");
    }

    /// <summary>One lane per slot of each engine (as many as its limit, more if attempts overlapped beyond it), each with the attempts it ran; attempts take the first slot free at their start.</summary>
    private static List<(string Label, List<(LegResult Leg, AttemptRecord Attempt)> Attempts)> SlotLanes(RunResult result)
    {
        var lanes = new List<(string Label, List<(LegResult Leg, AttemptRecord Attempt)> Attempts)>();
        foreach (var engine in result.Settings?.Endpoints ?? [])
        {
            var attempts = result.Legs.Where(l => l.Status != LegStatus.Reused)
                .SelectMany(l => l.Attempts.Where(a => a.Endpoint == engine.Name).Select(a => (Leg: l, Attempt: a)))
                .OrderBy(a => a.Attempt.StartedAt)
                .ToList();
            var slots = new List<(DateTimeOffset FreeAt, List<(LegResult Leg, AttemptRecord Attempt)> Attempts)>();
            for (var i = 0; i < engine.MaxParallel; i++)
            {
                slots.Add((DateTimeOffset.MinValue, []));
            }

            foreach (var attempt in attempts)
            {
                var free = slots.FindIndex(s => s.FreeAt <= attempt.Attempt.StartedAt);
                if (free < 0)
                {
                    slots.Add((DateTimeOffset.MinValue, []));
                    free = slots.Count - 1;
                }

                slots[free].Attempts.Add(attempt);
                slots[free] = (attempt.Attempt.StartedAt + attempt.Attempt.Duration, slots[free].Attempts);
            }

            lanes.AddRange(slots.Select((s, i) => ($"{engine.Name} slot {i + 1}", s.Attempts)));
        }

        return lanes;
    }

    private static void EngineSlotLanes(StringBuilder svg, TextWriter output, RunResult result, List<(string Label, List<(LegResult Leg, AttemptRecord Attempt)> Attempts)> lanes, Scale scale, double top)
    {
        if (lanes.Count == 0)
        {
            return;
        }

        svg.Append("<g class=\"engine-slots\">\n")
           .Append(CultureInfo.InvariantCulture, $"<text class=\"lane-label\" x=\"24\" y=\"{N(top - 10)}\">Engine slots</text>\n");
        for (var i = 0; i < lanes.Count; i++)
        {
            var laneTop = top + i * RowHeight;
            var barTop = laneTop + (RowHeight - BarHeight) / 2;
            svg.Append(CultureInfo.InvariantCulture, $"<g class=\"engine-slot\" data-slot=\"{Attr(lanes[i].Label)}\">");
            if (i % 2 == 1)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<rect class=\"stripe\" x=\"0\" y=\"{N(laneTop)}\" width=\"{N(Width)}\" height=\"{N(RowHeight)}\"/>");
            }

            svg.Append(CultureInfo.InvariantCulture, $"<text class=\"label\" x=\"24\" y=\"{N(laneTop + RowHeight / 2 + 4)}\">{Text(Truncate(lanes[i].Label, 30))}</text>\n");
            foreach (var (leg, attempt) in lanes[i].Attempts)
            {
                var start = Offset(result, attempt);
                var x = scale.X(start);
                var width = Math.Max(2, scale.X(start + attempt.Duration.TotalSeconds) - x);
                svg.Append(CultureInfo.InvariantCulture, $"<rect class=\"attempt outcome-{OutcomeClass(attempt.Outcome)}\" data-leg=\"{Attr(leg.Id)}\" x=\"{N(x)}\" y=\"{N(barTop)}\" width=\"{N(width)}\" height=\"{N(BarHeight)}\" rx=\"3\"><title>{Text(AttemptTitle(result, leg, attempt))}</title></rect>");
                ReportBuffer.Spill(svg, output);
            }

            svg.Append("</g>\n");
        }

        svg.Append("</g>\n");
    }

    private static void ConcurrencyLane(StringBuilder svg, TextWriter output, RunResult result, Scale scale, double top)
    {
        var changes = LiveAttempts(result)
            .SelectMany(a => new[] { (T: Offset(result, a), Delta: 1), (T: Offset(result, a) + a.Duration.TotalSeconds, Delta: -1) })
            .OrderBy(e => e.T).ThenBy(e => e.Delta)
            .ToList();
        var limit = result.Settings?.MaxParallel;
        var peak = 0;
        var running = 0;
        foreach (var change in changes)
        {
            running += change.Delta;
            peak = Math.Max(peak, running);
        }

        var ceiling = Math.Max(1, Math.Max(peak, limit ?? 0));
        var bottom = top + LaneHeight;
        double Y(int count) => bottom - count * (LaneHeight - 12) / ceiling;

        var label = limit is { } l ? $"running legs (peak {peak} of MaxParallel {l})" : $"running legs (peak {peak})";
        svg.Append("<g class=\"lane\">\n")
           .Append(CultureInfo.InvariantCulture, $"<text class=\"lane-label\" x=\"24\" y=\"{N(top + 14)}\">Running at once</text>")
           .Append(CultureInfo.InvariantCulture, $"<text class=\"lane-sub\" x=\"24\" y=\"{N(top + 32)}\">peak {peak}{(limit is { } m ? $" of {m}" : "")}</text>\n")
           .Append(CultureInfo.InvariantCulture, $"<rect class=\"lane-bg\" x=\"{N(ChartLeft)}\" y=\"{N(top)}\" width=\"{N(ChartRight - ChartLeft)}\" height=\"{N(LaneHeight)}\"/>\n");

        // The path has two points per change: written out as it grows, not built as one string first.
        svg.Append(CultureInfo.InvariantCulture, $"<path class=\"running\" d=\"M{N(scale.X(0))},{N(bottom)}");
        running = 0;
        foreach (var change in changes)
        {
            var x = scale.X(change.T);
            svg.Append(CultureInfo.InvariantCulture, $" L{N(x)},{N(Y(running))}");
            running += change.Delta;
            svg.Append(CultureInfo.InvariantCulture, $" L{N(x)},{N(Y(running))}");
            ReportBuffer.Spill(svg, output);
        }

        svg.Append(CultureInfo.InvariantCulture, $" L{N(scale.X(Span(result)))},{N(Y(running))} L{N(scale.X(Span(result)))},{N(bottom)} Z");
        svg.Append(CultureInfo.InvariantCulture, $"\"><title>{Text(label)}</title></path>\n");

        for (var count = 1; count <= ceiling; count++)
        {
            if (ceiling <= 8 || count % (int)Math.Ceiling(ceiling / 8.0) == 0 || count == limit)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<text class=\"lane-tick\" x=\"{N(ChartLeft - 6)}\" y=\"{N(Y(count) + 4)}\">{count}</text>");
            }
        }

        if (limit is { } max)
        {
            var y = Y(max);
            svg.Append(CultureInfo.InvariantCulture, $"\n<line class=\"limit\" x1=\"{N(ChartLeft)}\" y1=\"{N(y)}\" x2=\"{N(ChartRight)}\" y2=\"{N(y)}\"><title>MaxParallel = {max}</title></line>")
               .Append(CultureInfo.InvariantCulture, $"<text class=\"limit-label\" x=\"{N(ChartRight - 4)}\" y=\"{N(y - 5)}\">MaxParallel {max}</text>\n");
        }

        svg.Append("</g>\n");
    }

    private static string AttemptTitle(RunResult result, LegResult leg, AttemptRecord attempt)
    {
        var c = CultureInfo.InvariantCulture;
        var title = new StringBuilder();
        title.Append(leg.Name).Append(" — attempt ").Append(attempt.Number.ToString(c)).Append(" of ").Append(leg.Attempts.Count.ToString(c)).Append('\n');
        title.Append(AttemptText.Ending(attempt));

        title.Append("\nstarted at +").Append(DurationText.Format(TimeSpan.FromSeconds(Offset(result, attempt))))
             .Append(" (").Append(attempt.StartedAt.UtcDateTime.ToString("HH:mm:ss.fff", c)).Append(" UTC)");
        if (attempt.Detail is { Length: > 0 } detail)
        {
            title.Append('\n').Append(detail);
        }

        if (attempt.Outcome != AttemptOutcome.Succeeded)
        {
            title.Append('\n').Append(attempt.Decision.WillRetry ? "retried: " : "not retried: ").Append(attempt.Decision.Reason);
        }

        return title.ToString();
    }

    private static string LegTitle(LegResult leg)
    {
        var title = new StringBuilder(leg.Name);
        foreach (var (key, value) in leg.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            title.Append('\n').Append(key).Append(" = ").Append(value);
        }

        title.Append("\nid ").Append(leg.Id).Append(" · ").Append(LegStatusText.Of(leg.Status));
        return title.ToString();
    }

    internal static string StatusClass(LegStatus status) => status switch
    {
        LegStatus.TimedOut => "timed-out",
        LegStatus.NotStarted => "not-started",
        LegStatus.UpToDate => "up-to-date",
        _ => status.ToString().ToLowerInvariant(),
    };

    private static string OutcomeClass(AttemptOutcome outcome) => outcome == AttemptOutcome.TimedOut ? "timed-out" : outcome.ToString().ToLowerInvariant();

    private static string TickLabel(double seconds, double step)
    {
        var c = CultureInfo.InvariantCulture;
        if (step < 1)
        {
            return seconds.ToString("0.0", c) + "s";
        }

        if (step < 60)
        {
            return seconds < 60 ? seconds.ToString("0", c) + "s" : $"{(int)seconds / 60}m{(int)seconds % 60:00}s";
        }

        return seconds < 3600 ? $"{(int)seconds / 60}m" : $"{(int)seconds / 3600}h{(int)seconds % 3600 / 60:00}m";
    }

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..(length - 1)] + "…";

    private static string Text(string text) => WebUtility.HtmlEncode(ReportText.Clean(text));

    private static string Attr(string text) => WebUtility.HtmlEncode(ReportText.OneLine(text));

    private static string N(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    private sealed class Scale(double span)
    {
        public double X(double seconds) => ChartLeft + Math.Clamp(seconds / span, 0, 1) * (ChartRight - ChartLeft);
    }
}
