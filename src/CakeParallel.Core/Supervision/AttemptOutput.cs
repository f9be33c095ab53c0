using CakeParallel.Model;

namespace CakeParallel.Supervision;

/// <summary>
/// Where each output line of an attempt goes (secrets already masked by the <see cref="SupervisedProcess"/>): the
/// log file and the listener. Without a listener no string is made per line, so a chatty leg makes no garbage.
/// </summary>
internal sealed class AttemptOutput(LegSpec leg, LegLog log, ListenerGate listener)
{
    public void Write(OutputStream stream, ReadOnlySpan<char> line)
    {
        var timestamp = DateTimeOffset.UtcNow;
        log.WriteLine(timestamp, stream, line);
        if (listener.IsActive)
        {
            var outputLine = new OutputLine(stream, new string(line), timestamp);
            listener.Send((leg, outputLine), static (l, s) => l.OutputLine(s.leg, s.outputLine));
        }
    }
}
