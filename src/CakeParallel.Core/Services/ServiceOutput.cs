using System.Text.RegularExpressions;
using System.Text;
using CakeParallel.Model;
using CakeParallel.Supervision;

namespace CakeParallel.Services;

/// <summary>
/// Where a service's output goes (secrets already masked by its <see cref="SupervisedProcess"/>), in blocks of lines
/// as they were read: its log, as the bytes the service wrote (flushed a few times a second by
/// <see cref="ServiceLog"/>, never per line, so a chatty service is not slowed down), and the patterns of its
/// <see cref="OutputProbe"/>s until they matched (the only reason lines are decoded, or handled one by one, here).
/// </summary>
internal sealed class ServiceOutput
{
    private readonly ServiceLog _log;
    private readonly Dictionary<string, Regex> _pending;
    private readonly HashSet<string> _matched = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private volatile bool _allMatched;

    public ServiceOutput(ServiceSpec spec, ServiceLog log)
    {
        _log = log;
        _pending = spec.Probes.OfType<OutputProbe>()
            .Select(p => p.Pattern)
            .Distinct(StringComparer.Ordinal)
            .ToDictionary(p => p, p => new Regex(p, RegexOptions.CultureInvariant), StringComparer.Ordinal);
        _allMatched = _pending.Count == 0;
    }

    /// <summary>
    /// Writes lines (valid UTF-8, each ending with <c>\n</c>) to the log as they are; they are decoded, one by one,
    /// only while a probe still waits for its pattern.
    /// </summary>
    public void Write(OutputStream stream, ReadOnlySpan<byte> lines)
    {
        _log.WriteLines(stream, lines);
        while (!_allMatched && !lines.IsEmpty)
        {
            var end = lines.IndexOf((byte)'\n');
            var line = lines[..end];
            lines = lines[(end + 1)..];
            Match(Encoding.UTF8.GetString(line.Length > 0 && line[^1] == (byte)'\r' ? line[..^1] : line));
        }
    }

    private void Match(string line)
    {
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

    public bool HasMatched(string pattern)
    {
        lock (_gate)
        {
            return _matched.Contains(pattern);
        }
    }
}
