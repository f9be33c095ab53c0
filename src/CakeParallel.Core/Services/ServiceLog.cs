using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using CakeParallel.Model;
using CakeParallel.Supervision;
using Microsoft.Win32.SafeHandles;

namespace CakeParallel.Services;

/// <summary>
/// A service's log file, owned exclusively: locked against every other writer (another service, another run, in
/// this process or another), one timestamped line per output line (<c>2026-11-29T03:25:42.123Z out listening</c>)
/// and per note of the runner (<c>--- </c>), capped in size (the last part is kept, a note at the top says what was
/// dropped), and flushed a few times a second rather than per line, so a chatty service is not slowed down while
/// the log can still be read (and followed with <c>tail -f</c>) as it grows.
/// <para>
/// Past the cap the older half is dropped without moving the rest: its disk blocks are freed where it lay (a hole,
/// <c>fallocate(FALLOC_FL_PUNCH_HOLE)</c>, which reads as zero bytes) and the note is written over the top, so the
/// file takes at most the cap on disk and a reader following it is not disturbed. When the log is closed, the kept
/// part is moved up to just after the note, once: the final file is the note and the latest output, within the cap.
/// Where holes cannot be made (another platform or file system), and once the hole grows past
/// <see cref="MostHoleCaps"/> caps, the kept part is moved up at once instead.
/// </para>
/// <para>
/// Writing never fails: the first IO error (a full disk, a deleted folder) ends the log's output and is noted at its
/// end if possible, so supervision goes on regardless.
/// </para>
/// </summary>
/// <remarks>
/// The lock is an open-file-description write lock (<c>fcntl(F_OFD_SETLK)</c>): unlike an exclusive
/// <c>flock(2)</c> it does not conflict with the shared flock .NET takes when someone merely reads the log, and
/// unlike a classic POSIX lock it also excludes a second writer in the same process. The kernel drops it when the
/// file is closed, also when the runner is killed.
/// </remarks>
internal sealed partial class ServiceLog : IDisposable
{
    /// <summary>How large the hole before the kept output may grow, in caps, before it is closed by moving the kept part up.</summary>
    private const int MostHoleCaps = 16;

    private const int BufferBytes = 256 * 1024;
    private const int StampBytes = 24; // yyyy-MM-ddTHH:mm:ss.fffZ
    private static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(200);

    private readonly Lock _gate = new();
    private readonly SafeFileHandle _file;
    private readonly long _maxBytes;
    private readonly Timer _flush;
    private readonly byte[] _prefix = new byte[StampBytes + 5];
    private byte[]? _buffer;
    private int _filled;
    private long _end;
    private long _keptFrom;
    private int _noteLength;
    private long _dropped;
    private long _stampMillisecond = -1;
    private bool _holesFailed;
    private bool _dirty;
    private bool _closed;
    private string? _incomplete;

    private ServiceLog(string path, SafeFileHandle file, long maxBytes)
    {
        Path = path;
        _file = file;
        _maxBytes = maxBytes;
        _flush = new Timer(static s => ((ServiceLog)s!).Flush(), this, FlushInterval, FlushInterval);
    }

    public string Path { get; }

    /// <summary>Opens <paramref name="path"/> for <paramref name="service"/>, emptying it only once it is locked.</summary>
    /// <exception cref="InvalidRunException">The file is being written by another service, or cannot be opened.</exception>
    public static ServiceLog Open(string path, ServiceSpec service)
    {
        var field = $"Services['{service.Name}'].LogFile";
        SafeFileHandle file;
        try
        {
            file = File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new InvalidRunException([new ValidationError(ErrorCodes.LogDirectoryUnusable, null, field, $"cannot open '{path}': {exception.Message}")]);
        }

        if (!TryLock(file))
        {
            file.Dispose();
            throw new InvalidRunException([new ValidationError(ErrorCodes.ServiceLogInUse, null, field,
                $"'{path}' is being written by another service (of this or another run); give each service its own log file.")]);
        }

        RandomAccess.SetLength(file, 0);
        return new ServiceLog(path, file, service.MaxLogBytes);
    }

    /// <summary>
    /// Writes a block of output lines (valid UTF-8, each ending with <c>\n</c>; a <c>\r</c> before it is dropped),
    /// all stamped with the time they were read.
    /// </summary>
    public void WriteLines(OutputStream stream, ReadOnlySpan<byte> lines)
    {
        var now = DateTimeOffset.UtcNow;
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }

            try
            {
                var prefix = Prefix(now, stream);
                while (!lines.IsEmpty)
                {
                    var end = lines.IndexOf((byte)'\n');
                    var line = lines[..end];
                    lines = lines[(end + 1)..];
                    if (line.Length > 0 && line[^1] == (byte)'\r')
                    {
                        line = line[..^1];
                    }

                    var length = prefix.Length + line.Length + 1;
                    var buffer = _buffer ??= ArrayPool<byte>.Shared.Rent(BufferBytes);
                    if (buffer.Length - _filled < length)
                    {
                        WriteBuffer();
                        if (buffer.Length < length)
                        {
                            // A line longer than the buffer (a service with a large MaxLineBytes): in parts.
                            Append(prefix);
                            Append(line);
                            Append("\n"u8);
                            continue;
                        }
                    }

                    var free = buffer.AsSpan(_filled, length);
                    prefix.CopyTo(free);
                    line.CopyTo(free[prefix.Length..]);
                    free[^1] = (byte)'\n';
                    _filled += length;
                }

                _dirty = true;
            }
            catch (Exception exception) when (LegLog.IsWriteFailure(exception))
            {
                Fail(exception);
            }
        }
    }

    /// <summary>A line from the runner itself (start, readiness, exit, termination), marked <c>---</c>; written at once.</summary>
    public void WriteNote(string text)
    {
        var line = Encoding.UTF8.GetBytes($"{FormatStamp(DateTimeOffset.UtcNow)} --- {text}\n");
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }

            try
            {
                Append(line);
                WriteBuffer();
            }
            catch (Exception exception) when (LegLog.IsWriteFailure(exception))
            {
                Fail(exception);
            }
        }
    }

    /// <summary>Notes what clearing the group after the main process's exit took, if anything.</summary>
    public void WriteGroupNotes(ProcessExit exit, TimeSpan drainTimeout)
    {
        foreach (var note in LegLog.GroupNotes(exit, drainTimeout, "service"))
        {
            WriteNote(note);
        }
    }

    /// <summary>Writes buffered lines to the file (a few times a second), so the log can be read as it grows.</summary>
    public void Flush()
    {
        lock (_gate)
        {
            if (_closed || !_dirty)
            {
                return;
            }

            try
            {
                WriteBuffer();
            }
            catch (Exception exception) when (LegLog.IsWriteFailure(exception))
            {
                Fail(exception);
            }
        }
    }

    /// <summary>Closes the log: what is buffered is written, a hole is closed, an incomplete log says so in its last line if it can.</summary>
    public void Dispose()
    {
        // Wait for a flush in flight: one that ran after the log closed would find it closed, but not yet its handle.
        using (var flushed = new ManualResetEvent(false))
        {
            if (_flush.Dispose(flushed))
            {
                flushed.WaitOne();
            }
        }

        lock (_gate)
        {
            if (_closed && _file.IsClosed)
            {
                return;
            }

            try
            {
                if (!_closed)
                {
                    WriteBuffer();
                    if (_keptFrom > _noteLength)
                    {
                        MoveKeptUp();
                    }
                }
            }
            catch (Exception exception) when (LegLog.IsWriteFailure(exception))
            {
                Fail(exception);
            }

            if (_incomplete is not null)
            {
                try
                {
                    RandomAccess.Write(_file, Encoding.UTF8.GetBytes($"{FormatStamp(DateTimeOffset.UtcNow)} --- {_incomplete}\n"), _end);
                }
                catch (Exception exception) when (LegLog.IsWriteFailure(exception))
                {
                    // Where possible only: the disk may still be full or the folder gone.
                }
            }

            _closed = true;
            Return();
            _file.Dispose();
        }
    }

    private static string FormatStamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

    /// <summary>
    /// What goes before each line: the stamp for <paramref name="time"/> (formatted again only when the millisecond
    /// moved on) and the stream, e.g. <c>2026-11-29T03:25:42.123Z out </c>.
    /// </summary>
    private ReadOnlySpan<byte> Prefix(DateTimeOffset time, OutputStream stream)
    {
        var millisecond = time.UtcTicks / TimeSpan.TicksPerMillisecond;
        if (millisecond != _stampMillisecond)
        {
            time.UtcDateTime.TryFormat(_prefix, out _, "yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
            _stampMillisecond = millisecond;
        }

        (stream == OutputStream.Stdout ? " out "u8 : " err "u8).CopyTo(_prefix.AsSpan(StampBytes));
        return _prefix;
    }

    /// <summary>Adds bytes to the buffer, writing it out whenever it is full.</summary>
    private void Append(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            var buffer = _buffer ??= ArrayPool<byte>.Shared.Rent(BufferBytes);
            if (_filled == buffer.Length)
            {
                WriteBuffer();
            }

            var count = Math.Min(bytes.Length, buffer.Length - _filled);
            bytes[..count].CopyTo(buffer.AsSpan(_filled));
            _filled += count;
            bytes = bytes[count..];
        }
    }

    /// <summary>Writes the buffer at the end of the file, in pieces that keep it within the cap.</summary>
    private void WriteBuffer()
    {
        var written = 0;
        while (written < _filled)
        {
            var piece = (int)Math.Min(_filled - written, Math.Max(_maxBytes / 4, 1));
            if (_noteLength + (_end - _keptFrom) + piece > _maxBytes)
            {
                DropOlderHalf();
            }

            RandomAccess.Write(_file, _buffer.AsSpan(written, piece), _end);
            _end += piece;
            written += piece;
        }

        _filled = 0;
        _dirty = false;
    }

    /// <summary>
    /// Drops the older half of the kept output (up to a line start), writes the note over the top and frees what lies
    /// between them; where that cannot be done, or the hole has grown too large, the kept part is moved up at once.
    /// </summary>
    private void DropOlderHalf()
    {
        var from = StartOfLineAfter(Math.Max(_keptFrom, _end - (_maxBytes / 2)));
        _dropped += from - _keptFrom;
        var note = Encoding.UTF8.GetBytes(
            $"{FormatStamp(DateTimeOffset.UtcNow)} --- this log is capped at {_maxBytes / (1024 * 1024)} MB: "
            + $"the first {_dropped.ToString(CultureInfo.InvariantCulture)} bytes (the oldest output) were dropped; the latest output follows\n");

        // Far less than what is dropped (half the cap), so the note never reaches the kept output; never shorter
        // than the note before it (the count only grows), so only what was dropped now is left to free.
        RandomAccess.Write(_file, note, 0);
        _noteLength = note.Length;
        var freeFrom = Math.Max(_noteLength, _keptFrom);
        _keptFrom = from;
        if (!_holesFailed && from <= MostHoleCaps * _maxBytes)
        {
            if (PunchHole(freeFrom, from - freeFrom))
            {
                return;
            }

            _holesFailed = true;
        }

        MoveKeptUp();
    }

    /// <summary>Frees the bytes in the range (they then read as zeros); false where the platform or file system cannot.</summary>
    private bool PunchHole(long offset, long length) =>
        OperatingSystem.IsLinux() && Fallocate((int)_file.DangerousGetHandle(), PunchHoleKeepSize, offset, length) == 0;

    /// <summary>Moves the kept output up to just after the note and cuts the file there.</summary>
    private void MoveKeptUp()
    {
        var at = _keptFrom;
        var to = (long)_noteLength;

        // Pieces no longer than the distance moved never overlap: in the kernel where it can (no trip through this
        // process's memory), else through a buffer.
        var piece = (int)Math.Min(1024 * 1024, at - to);
        while (at < _end && OperatingSystem.IsLinux())
        {
            var copied = CopyFileRange((int)_file.DangerousGetHandle(), ref at, (int)_file.DangerousGetHandle(), ref to, (nuint)Math.Min(piece, _end - at), 0);
            if (copied <= 0)
            {
                break;
            }
        }

        if (at < _end)
        {
            var chunk = ArrayPool<byte>.Shared.Rent(piece);
            try
            {
                while (at < _end)
                {
                    var read = RandomAccess.Read(_file, chunk.AsSpan(0, (int)Math.Min(piece, _end - at)), at);
                    RandomAccess.Write(_file, chunk.AsSpan(0, read), to);
                    at += read;
                    to += read;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(chunk);
            }
        }

        RandomAccess.SetLength(_file, to);
        _end = to;
        _keptFrom = _noteLength;
    }

    /// <summary>The offset just after the first line break at or after <paramref name="offset"/> (or the offset, for a very long line).</summary>
    private long StartOfLineAfter(long offset)
    {
        var chunk = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            var read = RandomAccess.Read(_file, chunk.AsSpan(0, (int)Math.Min(64 * 1024, _end - offset)), offset);
            var newline = chunk.AsSpan(0, read).IndexOf((byte)'\n');
            return newline < 0 ? offset : offset + newline + 1;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    /// <summary>Records the first failure; the log's output ends there.</summary>
    private void Fail(Exception exception)
    {
        _incomplete ??= LegLog.Describe(exception);
        _closed = true;
        _filled = 0;
        _dirty = false;
    }

    private void Return()
    {
        if (_buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = null;
        }
    }

    private static bool TryLock(SafeFileHandle file)
    {
        if (!OperatingSystem.IsLinux())
        {
            return true;
        }

        var request = new FileLockRequest { Type = WriteLock, Whence = 0, Start = 0, Length = 0 };
        return Fcntl((int)file.DangerousGetHandle(), OpenFileDescriptionSetLock, ref request) == 0;
    }

    private const int OpenFileDescriptionSetLock = 37; // F_OFD_SETLK
    private const short WriteLock = 1; // F_WRLCK
    private const int PunchHoleKeepSize = 0x02 | 0x01; // FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE

    /// <summary>Linux's <c>struct flock</c> (the same layout on x86-64 and arm64).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct FileLockRequest
    {
        public short Type;
        public short Whence;
        public long Start;
        public long Length;
        public int ProcessId;
    }

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int Fcntl(int fd, int command, ref FileLockRequest request);

    [LibraryImport("libc", EntryPoint = "fallocate", SetLastError = true)]
    private static partial int Fallocate(int fd, int mode, long offset, long length);

    [LibraryImport("libc", EntryPoint = "copy_file_range", SetLastError = true)]
    private static partial nint CopyFileRange(int fdIn, ref long offsetIn, int fdOut, ref long offsetOut, nuint length, uint flags);
}
