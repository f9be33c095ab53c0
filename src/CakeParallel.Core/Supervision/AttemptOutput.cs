namespace CakeParallel.Supervision;

/// <summary>Where each output line of an attempt goes: secrets masked, then the log file, the tail and the listener.</summary>
internal sealed class AttemptOutput(LegSpec leg, LegLog log, OutputTail tail, ListenerGate listener)
{
    private readonly string[] _secrets = leg.SecretValues.Where(s => s.Length > 0).OrderByDescending(s => s.Length).ToArray();

    public OutputTail Tail => tail;

    public void Write(OutputStream stream, string text)
    {
        foreach (var secret in _secrets)
        {
            text = text.Replace(secret, "***", StringComparison.Ordinal);
        }

        var line = new OutputLine(stream, text, DateTimeOffset.UtcNow);
        log.WriteLine(line.Timestamp, stream, text);
        tail.Add(stream, text);
        listener.Send((leg, line), static (l, s) => l.OutputLine(s.leg, s.line));
    }
}
