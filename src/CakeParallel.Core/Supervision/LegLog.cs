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

    public LegLog(string path)
    {
        Path = path;
        _writer = new StreamWriter(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1, FileOptions.None), new UTF8Encoding(false), 64 * 1024);
    }

    public string Path { get; }

    public void WriteLine(DateTimeOffset timestamp, OutputStream stream, ReadOnlySpan<char> text)
    {
        Span<char> stamp = stackalloc char[24];
        timestamp.UtcDateTime.TryFormat(stamp, out var written, "yyyy-MM-ddTHH:mm:ss.fffZ");
        lock (_gate)
        {
            _writer.Write(stamp[..written]);
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
