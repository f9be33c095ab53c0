using System.Text.RegularExpressions;
using CakeParallel.Model;
using CakeParallel.Supervision;

namespace CakeParallel.Services;

/// <summary>
/// Where each output line of a service goes (secrets already masked by its <see cref="SupervisedProcess"/>): its
/// log file (flushed a few times a second by <see cref="ServiceLog"/>, never per line, so a chatty service is not
/// slowed down) and the patterns of its <see cref="OutputProbe"/>s until they matched.
/// </summary>
internal sealed class ServiceOutput
{
    private readonly LegLog _log;
    private readonly Dictionary<string, Regex> _pending;
    private readonly HashSet<string> _matched = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private volatile bool _allMatched;
    private volatile ClockReading _now = new(-1, DateTimeOffset.MinValue);

    public ServiceOutput(ServiceSpec spec, LegLog log)
    {
        _log = log;
        _pending = spec.Probes.OfType<OutputProbe>()
            .Select(p => p.Pattern)
            .Distinct(StringComparer.Ordinal)
            .ToDictionary(p => p, p => new Regex(p, RegexOptions.CultureInvariant), StringComparer.Ordinal);
        _allMatched = _pending.Count == 0;
    }

    public void Write(OutputStream stream, ReadOnlySpan<char> line)
    {
        _log.WriteLine(Now(), stream, line);
        if (_allMatched)
        {
            return;
        }

        lock (_gate)
        {
            foreach (var (pattern, regex) in _pending)
            {
                if (regex.IsMatch(line))
                {
                    _matched.Add(pattern);
                }
            }

            foreach (var pattern in _matched)
            {
                _pending.Remove(pattern);
            }

            _allMatched = _pending.Count == 0;
        }
    }

    /// <summary>
    /// The time for a log line, read from the clock only when the coarse tick count moved on (every few
    /// milliseconds): reading the wall clock per line costs a chatty service more than writing the line. Called by
    /// the stream readers, possibly at once; a torn read of the cache is impossible (one reference).
    /// </summary>
    private DateTimeOffset Now()
    {
        var tick = Environment.TickCount64;
        var cached = _now;
        if (cached.Tick != tick)
        {
            cached = _now = new ClockReading(tick, DateTimeOffset.UtcNow);
        }

        return cached.Time;
    }

    public bool HasMatched(string pattern)
    {
        lock (_gate)
        {
            return _matched.Contains(pattern);
        }
    }
}

/// <summary>A wall-clock time and the coarse tick count it was read at.</summary>
internal sealed record ClockReading(long Tick, DateTimeOffset Time);
