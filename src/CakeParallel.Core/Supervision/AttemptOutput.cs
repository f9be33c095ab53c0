using CakeParallel.Model;

namespace CakeParallel.Supervision;

/// <summary>
/// Where each output line of an attempt goes: secrets masked, then the log file, the tail and the listener.
/// Without secrets and listener no string is made per line, so a chatty leg makes no garbage.
/// </summary>
internal sealed class AttemptOutput(LegSpec leg, LegLog log, OutputTail tail, ListenerGate listener)
{
    private readonly SecretMask? _mask = leg.SecretValues.Count > 0 ? new SecretMask(leg.SecretValues) : null;

    public OutputTail Tail => tail;

    public void Write(OutputStream stream, ReadOnlySpan<char> line)
    {
        string? text = null;
        if (_mask is not null)
        {
            text = _mask.Apply(new string(line));
            line = text;
        }

        var timestamp = DateTimeOffset.UtcNow;
        log.WriteLine(timestamp, stream, line);
        tail.Add(stream, line);
        if (listener.IsActive)
        {
            var outputLine = new OutputLine(stream, text ?? new string(line), timestamp);
            listener.Send((leg, outputLine), static (l, s) => l.OutputLine(s.leg, s.outputLine));
        }
    }
}
