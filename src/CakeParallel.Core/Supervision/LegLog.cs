using System.Text;
using CakeParallel.Model;

namespace CakeParallel.Supervision;

/// <summary>
/// A leg's complete log file: every attempt, both streams, one timestamped line per output line, e.g.
/// <c>2026-11-29T03:25:42.123Z err something went wrong</c>. Written through a buffer; safe to call from both
/// stream readers at once.
/// </summary>
internal sealed class LegLog : IDisposable
{
    private readonly StreamWriter _writer;
    private readonly Lock _gate = new();
    private readonly char[] _stamp = new char[24];
    private long _stampMillisecond = -1;
    private int _stampLength;

    public LegLog(string path)
        : this(path, new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1, FileOptions.None))
    {
    }

    /// <summary>A log written into <paramref name="file"/> (owned from now on), e.g. one that is locked or capped.</summary>
    public LegLog(string path, Stream file)
    {
        Path = path;
        _writer = new StreamWriter(file, new UTF8Encoding(false), 64 * 1024);
    }

    public string Path { get; }

    public void WriteLine(DateTimeOffset timestamp, OutputStream stream, ReadOnlySpan<char> text)
    {
        lock (_gate)
        {
            // Formatting a timestamp costs more than writing a short line: chatty output reuses it within a millisecond.
            var millisecond = timestamp.UtcTicks / TimeSpan.TicksPerMillisecond;
            if (millisecond != _stampMillisecond)
            {
                timestamp.UtcDateTime.TryFormat(_stamp, out _stampLength, "yyyy-MM-ddTHH:mm:ss.fffZ");
                _stampMillisecond = millisecond;
            }

            _writer.Write(_stamp, 0, _stampLength);
            _writer.Write(stream == OutputStream.Stdout ? " out " : " err ");
            _writer.Write(text);
            _writer.Write('\n');
        }
    }

    /// <summary>A line from the runner itself (attempt start, exit, termination), marked <c>---</c>.</summary>
    public void WriteNote(string text)
    {
        Span<char> stamp = stackalloc char[24];
        DateTimeOffset.UtcNow.UtcDateTime.TryFormat(stamp, out var written, "yyyy-MM-ddTHH:mm:ss.fffZ");
        lock (_gate)
        {
            _writer.Write(stamp[..written]);
            _writer.Write(" --- ");
            _writer.Write(text);
            _writer.Write('\n');
            _writer.Flush();
        }
    }

    /// <summary>Notes what clearing the group after the main process's exit took, if anything (owner: "leg" or "service").</summary>
    public void WriteGroupNotes(ProcessExit exit, TimeSpan drainTimeout, string owner)
    {
        if (exit.Leftovers.LastSignal is not null)
        {
            WriteNote($"terminated processes the {owner} left in its group; {exit.Leftovers.Describe()}");
        }

        if (exit.Escaped is { } escaped)
        {
            WriteNote(escaped.Text);
        }

        if (exit.OutputAbandoned)
        {
            WriteNote($"stopped reading output after {DurationText.Format(drainTimeout)}: a process outside the {owner}'s group still holds its pipe");
        }
    }

    /// <summary>Writes buffered lines to the file, for logs that are read while their process still runs (services).</summary>
    public void Flush()
    {
        lock (_gate)
        {
            _writer.Flush();
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _writer.Dispose();
        }
    }
}
