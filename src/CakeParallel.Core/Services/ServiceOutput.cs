using System.Text.RegularExpressions;
using CakeParallel.Model;
using CakeParallel.Supervision;

namespace CakeParallel.Services;

/// <summary>
/// Where each output line of a service goes (secrets already masked by its <see cref="SupervisedProcess"/>): its
/// log file (flushed, so the log can be read while the service runs) and the patterns of its
/// <see cref="OutputProbe"/>s until they matched.
/// </summary>
internal sealed class ServiceOutput
{
    private readonly LegLog _log;
    private readonly Dictionary<string, Regex> _pending;
    private readonly HashSet<string> _matched = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public ServiceOutput(ServiceSpec spec, LegLog log)
    {
        _log = log;
        _pending = spec.Probes.OfType<OutputProbe>()
            .Select(p => p.Pattern)
            .Distinct(StringComparer.Ordinal)
            .ToDictionary(p => p, p => new Regex(p, RegexOptions.CultureInvariant), StringComparer.Ordinal);
    }

    public void Write(OutputStream stream, ReadOnlySpan<char> line)
    {
        _log.WriteLine(DateTimeOffset.UtcNow, stream, line);
        _log.Flush();
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
