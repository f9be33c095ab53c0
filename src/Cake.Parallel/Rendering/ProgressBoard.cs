using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using CakeParallel.Model;

namespace Cake.Parallel.Rendering;

/// <summary>
/// What a live progress display shows while a run goes on: how many legs run, wait and are done, the run's elapsed
/// time, and per running leg its elapsed time and last output line (for a docker build, with the step it is at;
/// docker's banners are skipped), each line fitted to the terminal's width.
/// </summary>
internal sealed partial class ProgressBoard : IRunListener
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly DateTimeOffset _startedAt;
    private readonly Dictionary<string, Running> _running = new(StringComparer.Ordinal);
    private int _queued;
    private readonly HashSet<string> _done = new(StringComparer.Ordinal);

    public ProgressBoard(TimeProvider time)
    {
        _time = time;
        _startedAt = time.GetUtcNow();
    }

    /// <summary>Whether the board changed since the last <see cref="Lines"/> (a leg started, printed or ended).</summary>
    public bool Changed { get; private set; }

    /// <summary>Whether the run has legs yet (input is checked, and the docker daemon probed, before they are queued).</summary>
    public bool HasLegs
    {
        get
        {
            lock (_gate)
            {
                return _queued > 0;
            }
        }
    }

    public void LegQueued(LegSpec leg) => Update(() => _queued++);

    public void AttemptStarted(LegSpec leg, int attempt, string logFile) => Update(() =>
    {
        if (_running.TryGetValue(leg.Name, out var running))
        {
            _running[leg.Name] = running with { Attempt = attempt, Waiting = false, Reader = new DockerOutputReader() };
        }
        else
        {
            _running[leg.Name] = new Running(_time.GetUtcNow(), attempt, LastLine: null, Waiting: false, new DockerOutputReader());
        }
    });

    public void OutputLine(LegSpec leg, OutputLine line) => Update(() =>
    {
        if (_running.TryGetValue(leg.Name, out var running) && running.Reader.Read(line.Text, out var startsStep))
        {
            // A line inside a step says which step it belongs to; the step's own line says it already.
            var shown = startsStep || running.Reader.CurrentStep is not { } step ? line.Text : $"[{step.Position}] {line.Text}";
            _running[leg.Name] = running with { LastLine = shown };
        }
    });

    public void RetryScheduled(LegSpec leg, AttemptRecord attempt) => Update(() =>
    {
        if (_running.TryGetValue(leg.Name, out var running))
        {
            _running[leg.Name] = running with { Waiting = true };
        }
    });

    public void LegCompleted(LegResult result) => Update(() =>
    {
        // A leg built again for a leg that needs it completes twice; it is one leg done.
        _running.Remove(result.Name);
        _done.Add(result.Name);
    });

    /// <summary>
    /// The display's lines: a header, then one line per running leg in the order they started, at most
    /// <paramref name="maxLines"/> in all, none wider than <paramref name="width"/> terminal cells.
    /// </summary>
    public IReadOnlyList<string> Lines(int width, int maxLines)
    {
        lock (_gate)
        {
            Changed = false;
            var now = _time.GetUtcNow();
            var waiting = Math.Max(0, _queued - _done.Count - _running.Count);
            var lines = new List<string>
            {
                Fit($"-- {_running.Count} running, {_done.Count} done, {waiting} waiting, {Elapsed(now - _startedAt)} --", width),
            };
            var legs = _running.OrderBy(r => r.Value.StartedAt).ToArray();
            var nameWidth = legs.Length == 0 ? 0 : legs.Max(l => l.Key.Length);
            var shown = legs.Length <= maxLines - 1 ? legs.Length : Math.Max(0, maxLines - 2);
            foreach (var (name, running) in legs.Take(shown))
            {
                var attempt = running.Attempt > 1 ? $" (attempt {running.Attempt})" : "";
                var last = running.Waiting ? "waiting to retry" : running.LastLine is { } text ? Printable(text) : "";
                lines.Add(Fit($"   {name.PadRight(nameWidth)}  {Elapsed(now - running.StartedAt),7}{attempt}  {last}", width));
            }

            if (shown < legs.Length)
            {
                lines.Add(Fit($"   ... and {legs.Length - shown} more", width));
            }

            return lines;
        }
    }

    /// <summary>Whole seconds, e.g. <c>7s</c>, <c>2m 05s</c>, <c>1h 02m</c>: the display redraws once a second.</summary>
    internal static string Elapsed(TimeSpan elapsed)
    {
        var c = CultureInfo.InvariantCulture;
        if (elapsed < TimeSpan.Zero)
        {
            elapsed = TimeSpan.Zero;
        }

        return elapsed.TotalHours >= 1 ? string.Format(c, "{0}h {1:00}m", (int)elapsed.TotalHours, elapsed.Minutes)
            : elapsed.TotalMinutes >= 1 ? string.Format(c, "{0}m {1:00}s", (int)elapsed.TotalMinutes, elapsed.Seconds)
            : string.Format(c, "{0}s", (int)elapsed.TotalSeconds);
    }

    /// <summary>
    /// Cuts <paramref name="text"/> to fewer than <paramref name="width"/> terminal cells (counting wide characters
    /// as two), so no line wraps and the display knows exactly how many rows it occupies.
    /// </summary>
    internal static string Fit(string text, int width)
    {
        var cells = 0;
        var result = new StringBuilder();
        foreach (var rune in text.EnumerateRunes())
        {
            var w = rune.Value >= 0x1100 ? 2 : 1;
            if (cells + w > width - 1)
            {
                break;
            }

            cells += w;
            result.Append(rune.ToString());
        }

        return result.ToString();
    }

    /// <summary>A leg's output line without escape sequences and control characters, which would move the cursor.</summary>
    internal static string Printable(string text)
    {
        var plain = EscapeSequence().Replace(text, "");
        return string.Concat(plain.Select(ch => char.IsControl(ch) ? ' ' : ch)).Trim();
    }

    private void Update(Action change)
    {
        lock (_gate)
        {
            change();
            Changed = true;
        }
    }

    [GeneratedRegex(@"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)?|[@-Z\\-_])")]
    private static partial Regex EscapeSequence();

    private sealed record Running(DateTimeOffset StartedAt, int Attempt, string? LastLine, bool Waiting, DockerOutputReader Reader);
}
