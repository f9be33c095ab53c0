using System.Text.RegularExpressions;
using CakeParallel.Supervision;
using CakeParallel.Model;

namespace CakeParallel.Services;

/// <summary>
/// Where each output line of a service goes: secrets masked, then its log file (flushed, so the log can be read
/// while the service runs), its tail, and the patterns of its <see cref="OutputProbe"/>s until it is ready.
/// </summary>
internal sealed class ServiceOutput
{
    private readonly LegLog _log;
    private readonly SecretMask _mask;
    private readonly Dictionary<string, Regex> _pending;
    private readonly HashSet<string> _matched = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public ServiceOutput(ServiceSpec spec, LegLog log)
    {
        _log = log;
        _mask = new SecretMask(spec.SecretValues);
        Tail = new OutputTail(spec.OutputTailLines);
        _pending = spec.Probes.OfType<OutputProbe>()
            .Select(p => p.Pattern)
            .Distinct(StringComparer.Ordinal)
            .ToDictionary(p => p, p => new Regex(p, RegexOptions.CultureInvariant), StringComparer.Ordinal);
    }

    public OutputTail Tail { get; }

    public void Write(OutputStream stream, string text)
    {
        text = _mask.Apply(text);

        _log.WriteLine(DateTimeOffset.UtcNow, stream, text);
        _log.Flush();
        Tail.Add(stream, text);
        lock (_gate)
        {
            foreach (var (pattern, regex) in _pending)
            {
                if (regex.IsMatch(text))
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
