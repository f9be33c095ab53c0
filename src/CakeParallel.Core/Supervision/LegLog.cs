using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using CakeParallel.Model;
using Microsoft.Win32.SafeHandles;

namespace CakeParallel.Supervision;

/// <summary>
/// A leg's complete log file: every attempt, both streams, one timestamped line per output line, e.g.
/// <c>2026-11-29T03:25:42.123Z err something went wrong</c>. Written through a buffer that reaches the disk at
/// least every <see cref="FlushInterval"/> (so a crashed runner leaves a trace); safe to call from both stream
/// readers at once.
/// <para>
/// Writing never fails: the first IO error (a full disk, a deleted or read-only folder) is recorded in
/// <see cref="Incomplete"/> and later lines are dropped, so supervision (reading output, timeouts, termination)
/// goes on regardless. With a size cap the log keeps its first half and its last lines, and states the cut.
/// </para>
/// </summary>
internal sealed partial class LegLog : IDisposable
{
    /// <summary>How long a written line may stay in the buffer at most.</summary>
    public static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(500);

    private static readonly ConcurrentDictionary<LegLog, byte> Open = new();
    private static readonly Timer Flusher = new(_ => FlushOpenLogs(), null, FlushInterval, FlushInterval);

    private readonly Lock _gate = new();
    private readonly long _headLimit;
    private readonly long _segmentLimit;
    private readonly byte[] _stamp = new byte[24];
    private Utf8LogWriter? _writer;
    private Utf8LogWriter? _segment;
    private string? _olderSegment;
    private long _written;
    private long _segmentWritten;
    private long _cutBytes;
    private int _segmentNumber;
    private bool _dirty;
    private bool _disposed;
    private long _stampMillisecond = -1;
    private int _stampLength;

    /// <summary>Opens (creates or truncates) the log; never throws for an IO reason (see <see cref="Incomplete"/>).</summary>
    /// <param name="path">The log file.</param>
    /// <param name="maxBytes">The size cap in bytes, or <see langword="null"/> (or 0 or less) for none.</param>
    /// <param name="append">Goes on after what the file holds (a leg run once more) instead of truncating it.</param>
    public LegLog(string path, long? maxBytes = null, bool append = false)
        : this(path, maxBytes, () => Create(path, append))
    {
    }

    private LegLog(string path, long? maxBytes, Func<Utf8LogWriter> open)
    {
        Path = path;
        GC.KeepAlive(Flusher); // starts the one timer that flushes every open log
        _headLimit = maxBytes is > 0 ? maxBytes.Value / 2 : long.MaxValue;
        _segmentLimit = maxBytes is > 0 ? Math.Max(maxBytes.Value / 4, 1) : long.MaxValue;
        try
        {
            _writer = open();
            Open.TryAdd(this, 0);
        }
        catch (Exception exception) when (IsWriteFailure(exception))
        {
            Incomplete = Describe(exception);
        }
    }

    public string Path { get; }

    /// <summary>
    /// <see langword="null"/> while every line reached the file; else when and why the log stopped, e.g.
    /// <c>log incomplete from 12:03:04: No space left on device</c> (a remark on the leg).
    /// </summary>
    public string? Incomplete { get; private set; }

    /// <summary>The runner's own <see cref="Exception"/>s that mean "the log cannot be written", as opposed to bugs.</summary>
    public static bool IsWriteFailure(Exception exception) => exception is IOException or UnauthorizedAccessException or ObjectDisposedException;

    public void WriteLine(DateTimeOffset timestamp, OutputStream stream, ReadOnlySpan<char> text)
    {
        lock (_gate)
        {
            Stamp(timestamp);
            var target = Target(_stampLength + 6 + Encoding.UTF8.GetByteCount(text));
            if (target is null)
            {
                return;
            }

            try
            {
                target.Write(_stamp.AsSpan(0, _stampLength));
                target.Write(stream == OutputStream.Stdout ? " out "u8 : " err "u8);
                target.Write(text);
                target.Write("\n"u8);
                _dirty = true;
            }
            catch (Exception exception) when (IsWriteFailure(exception))
            {
                Fail(exception);
            }
        }
    }

    /// <summary>A line from the runner itself (attempt start, exit, termination), marked <c>---</c>; written at once.</summary>
    public void WriteNote(string text)
    {
        Span<char> stamp = stackalloc char[24];
        DateTimeOffset.UtcNow.UtcDateTime.TryFormat(stamp, out var written, "yyyy-MM-ddTHH:mm:ss.fffZ");
        lock (_gate)
        {
            var target = Target(written + 6 + Encoding.UTF8.GetByteCount(text));
            if (target is null)
            {
                return;
            }

            try
            {
                target.Write(stamp[..written]);
                target.Write(" --- "u8);
                target.Write(text);
                target.Write("\n"u8);
                target.Flush();
            }
            catch (Exception exception) when (IsWriteFailure(exception))
            {
                Fail(exception);
            }
        }
    }

    /// <summary>Notes what clearing the group after the main process's exit took, if anything (owner: "leg" or "service").</summary>
    public void WriteGroupNotes(ProcessExit exit, TimeSpan drainTimeout, string owner)
    {
        foreach (var note in GroupNotes(exit, drainTimeout, owner))
        {
            WriteNote(note);
        }
    }

    /// <summary>What clearing the group after the main process's exit took, if anything, as notes for a log (owner: "leg" or "service").</summary>
    public static IEnumerable<string> GroupNotes(ProcessExit exit, TimeSpan drainTimeout, string owner)
    {
        if (exit.Leftovers.LastSignal is not null)
        {
            yield return $"terminated processes the {owner} left in its group; {exit.Leftovers.Describe()}";
        }

        if (exit.Escaped is { } escaped)
        {
            yield return escaped.Text;
        }

        if (exit.OutputAbandoned)
        {
            yield return $"stopped reading output after {DurationText.Format(drainTimeout)}: a process outside the {owner}'s group still holds its pipe";
        }
    }

    /// <summary>
    /// Writes buffered lines to the file, for logs that are read while their process still runs.
    /// </summary>
    public void Flush()
    {
        lock (_gate)
        {
            FlushCore();
        }
    }

    /// <summary>Closes the log: a cut log gets its kept end back; an incomplete one says so in its last line if it can.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            Open.TryRemove(this, out _);
            try
            {
                JoinSegments();
                _writer?.Dispose();
            }
            catch (Exception exception) when (IsWriteFailure(exception))
            {
                Fail(exception);
            }

            _writer = null;
            if (Incomplete is not null)
            {
                try
                {
                    File.AppendAllText(Path, $"{DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture)} --- {Incomplete}\n");
                }
                catch (Exception exception) when (IsWriteFailure(exception))
                {
                    // Where possible only: the disk may still be full or the folder gone.
                }
            }
        }
    }

    /// <summary>
    /// Formats <paramref name="timestamp"/> into the stamp, unless it is the same millisecond as the last one:
    /// formatting a timestamp costs more than writing a short line.
    /// </summary>
    private void Stamp(DateTimeOffset timestamp)
    {
        var millisecond = timestamp.UtcTicks / TimeSpan.TicksPerMillisecond;
        if (millisecond != _stampMillisecond)
        {
            timestamp.UtcDateTime.TryFormat(_stamp, out _stampLength, "yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
            _stampMillisecond = millisecond;
        }
    }

    private static Utf8LogWriter Create(string path, bool append) => new(CreateFile(path, append));

    /// <summary>
    /// Creates (or empties) a log. On Linux with one <c>open(O_CREAT|O_TRUNC)</c>: <see cref="FileMode.Create"/>
    /// adds a lock and an <c>ftruncate</c>, and on ext4 truncating even an empty new file makes its close start
    /// writing the file out (the "replace by truncate" safeguard), which cost every short leg a block allocation.
    /// Where that open fails, the FileStream's own open says why, in its words.
    /// </summary>
    private static FileStream CreateFile(string path, bool append)
    {
        if (!append && OperatingSystem.IsLinux())
        {
            var fd = OpenFile(path, WriteOnly | CreateFlag | TruncateFlag | CloseOnExec, 0x1b6 /* 0666, less the umask */);
            if (fd >= 0)
            {
                return new FileStream(new SafeFileHandle(fd, ownsHandle: true), FileAccess.Write, 1);
            }
        }

        return new(path, append ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.Read, 1, FileOptions.None);
    }

    private const int WriteOnly = 0x1; // O_WRONLY
    private const int CreateFlag = 0x40; // O_CREAT
    private const int TruncateFlag = 0x200; // O_TRUNC
    private const int CloseOnExec = 0x80000; // O_CLOEXEC

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int OpenFile(string path, int flags, int mode);

    private static void FlushOpenLogs()
    {
        foreach (var log in Open.Keys)
        {
            if (log._dirty)
            {
                log.Flush();
            }
        }
    }

    private static string FormatBytes(long bytes) => bytes switch
    {
        >= 1024 * 1024 => (bytes / (1024.0 * 1024)).ToString("0.#", CultureInfo.InvariantCulture) + " MB",
        >= 1024 => (bytes / 1024.0).ToString("0.#", CultureInfo.InvariantCulture) + " KB",
        _ => bytes.ToString(CultureInfo.InvariantCulture) + " bytes",
    };

    /// <summary>When and why a log stopped, e.g. <c>log incomplete from 12:03:04: No space left on device</c>.</summary>
    public static string Describe(Exception exception)
    {
        var message = exception.Message;
        // "No space left on device : '/path/x.log'": the reason is what a reader needs; the path is the leg's log.
        var pathStart = message.IndexOf(" : '", StringComparison.Ordinal);
        return $"log incomplete from {DateTime.UtcNow.ToString("HH:mm:ss", CultureInfo.InvariantCulture)}: {(pathStart > 0 ? message[..pathStart] : message)}";
    }

    /// <summary>Where a line of <paramref name="bytes"/> goes: the head of the log, then alternating tail segments once the head is full.</summary>
    private Utf8LogWriter? Target(long bytes)
    {
        if (_writer is null || _disposed)
        {
            return null;
        }

        if (_segment is null && _written + bytes <= _headLimit)
        {
            _written += bytes;
            return _writer;
        }

        try
        {
            if (_segment is null || _segmentWritten + bytes > _segmentLimit)
            {
                NextSegment();
            }
        }
        catch (Exception exception) when (IsWriteFailure(exception))
        {
            Fail(exception);
            return null;
        }

        _segmentWritten += bytes;
        return _segment;
    }

    /// <summary>Starts a new tail segment; the one before the previous is dropped, and its size is what the cut removes.</summary>
    private void NextSegment()
    {
        string? previous = null;
        if (_segment is not null)
        {
            _segment.Dispose();
            previous = SegmentPath(_segmentNumber - 1);
        }
        else
        {
            _writer!.Flush();
        }

        if (_olderSegment is not null)
        {
            _cutBytes += new FileInfo(_olderSegment).Length;
            File.Delete(_olderSegment);
        }

        _olderSegment = previous;
        _segment = Create(SegmentPath(_segmentNumber++), append: false);
        _segmentWritten = 0;
    }

    private string SegmentPath(int number) => $"{Path}.tail-{number % 2}";

    /// <summary>Appends the kept tail segments to the head, after a line stating how much was cut between them.</summary>
    private void JoinSegments()
    {
        if (_segment is null || _writer is null)
        {
            return;
        }

        _segment.Dispose();
        var current = SegmentPath(_segmentNumber - 1);
        if (_cutBytes > 0)
        {
            _writer.Write($"{DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture)} --- … {FormatBytes(_cutBytes)} cut here (MaxLogBytes) …\n");
        }

        _writer.Flush();
        foreach (var segment in new[] { _olderSegment, current })
        {
            if (segment is null)
            {
                continue;
            }

            using (var source = new FileStream(segment, FileMode.Open, FileAccess.Read))
            {
                source.CopyTo(_writer.BaseStream);
            }

            File.Delete(segment);
        }

        _segment = null;
        _olderSegment = null;
    }

    private void FlushCore()
    {
        if (!_dirty)
        {
            return;
        }

        try
        {
            _writer?.Flush();
            _segment?.Flush();
            _dirty = false;
        }
        catch (Exception exception) when (IsWriteFailure(exception))
        {
            Fail(exception);
        }
    }

    /// <summary>Records the first failure and lets go of the files; later lines are dropped.</summary>
    private void Fail(Exception exception)
    {
        Incomplete ??= Describe(exception);
        _dirty = false;
        foreach (var writer in new[] { _segment, _writer })
        {
            try
            {
                writer?.Dispose();
            }
            catch (Exception again) when (IsWriteFailure(again))
            {
                // The buffer cannot reach the disk either; it is given up with the rest.
            }
        }

        _segment = null;
        _writer = null;
        Open.TryRemove(this, out _);
    }
}
