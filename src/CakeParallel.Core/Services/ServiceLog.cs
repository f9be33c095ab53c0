using System.Globalization;
using System.Runtime.InteropServices;
using CakeParallel.Model;
using CakeParallel.Supervision;

namespace CakeParallel.Services;

/// <summary>
/// A service's log file, owned exclusively: locked against every other writer (another service, another run, in
/// this process or another), capped in size (the last part is kept), and flushed a few times a second rather than
/// per line, so a chatty service is not slowed down while the log can still be read as it grows.
/// </summary>
/// <remarks>
/// The lock is an open-file-description write lock (<c>fcntl(F_OFD_SETLK)</c>): unlike an exclusive
/// <c>flock(2)</c> it does not conflict with the shared flock .NET takes when someone merely reads the log, and
/// unlike a classic POSIX lock it also excludes a second writer in the same process. The kernel drops it when the
/// file is closed, also when the runner is killed.
/// </remarks>
internal sealed partial class ServiceLog : IDisposable
{
    private static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(200);
    private readonly Timer _flush;

    private ServiceLog(LegLog log)
    {
        Log = log;
        _flush = new Timer(static s => ((LegLog)s!).Flush(), log, FlushInterval, FlushInterval);
    }

    /// <summary>The log to write to.</summary>
    public LegLog Log { get; }

    /// <summary>Opens <paramref name="path"/> for <paramref name="service"/>, emptying it only once it is locked.</summary>
    /// <exception cref="InvalidRunException">The file is being written by another service, or cannot be opened.</exception>
    public static ServiceLog Open(string path, ServiceSpec service)
    {
        var field = $"Services['{service.Name}'].LogFile";
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite, 1, FileOptions.None);
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

        file.SetLength(0);
        return new ServiceLog(new LegLog(path, new CappedLogStream(file, service.MaxLogBytes)));
    }

    public void Dispose()
    {
        // Wait for a flush in flight: one that ran after the log closed would throw on a timer thread.
        using (var flushed = new ManualResetEvent(false))
        {
            if (_flush.Dispose(flushed))
            {
                flushed.WaitOne();
            }
        }

        Log.Dispose();
    }

    private static bool TryLock(FileStream file)
    {
        if (!OperatingSystem.IsLinux())
        {
            return true;
        }

        var request = new FileLockRequest { Type = WriteLock, Whence = 0, Start = 0, Length = 0 };
        return Fcntl((int)file.SafeFileHandle.DangerousGetHandle(), OpenFileDescriptionSetLock, ref request) == 0;
    }

    private const int OpenFileDescriptionSetLock = 37; // F_OFD_SETLK
    private const short WriteLock = 1; // F_WRLCK

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
}

/// <summary>
/// The file under a service's log: once it would grow past its cap, the older half is dropped (at a line break)
/// and a note at the top says so, so the log keeps the latest output and never exceeds the cap.
/// </summary>
internal sealed partial class CappedLogStream(FileStream file, long maxBytes) : Stream
{
    private long _length;
    private long _dropped;
    private long _headerLength;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => _length;

    public override long Position
    {
        get => _length;
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (_length + buffer.Length > maxBytes)
        {
            DropOlderHalf();
        }

        file.Write(buffer);
        _length += buffer.Length;
    }

    public override void Flush() => file.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            file.Dispose();
        }

        base.Dispose(disposing);
    }

    private void DropOlderHalf()
    {
        var chunk = new byte[1024 * 1024];
        var from = StartOfLineAfter(_length - (maxBytes / 2), chunk);
        _dropped += from - _headerLength;
        var header = System.Text.Encoding.UTF8.GetBytes(
            $"{DateTimeOffset.UtcNow.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture)} --- this log is capped at {maxBytes / (1024 * 1024)} MB: "
            + $"the first {_dropped.ToString(CultureInfo.InvariantCulture)} bytes (the oldest output) were dropped; the latest output follows\n");

        // The header is far shorter than what is dropped, so copying forward never overwrites unread bytes.
        var to = (long)header.Length;
        var at = from;
        if (at > to)
        {
            // In the kernel where it can (no trip through this process's memory), in pieces that never overlap.
            (at, to) = CopyInKernel(at, to, (int)Math.Min(chunk.Length, at - to));
        }

        while (at < _length)
        {
            file.Position = at;
            var read = file.Read(chunk, 0, (int)Math.Min(chunk.Length, _length - at));
            file.Position = to;
            file.Write(chunk, 0, read);
            at += read;
            to += read;
        }

        file.Position = 0;
        file.Write(header);
        file.SetLength(to);
        file.Position = to;
        _headerLength = header.Length;
        _length = to;
    }

    /// <summary>
    /// Copies the bytes from <paramref name="at"/> to the end of the file down to <paramref name="to"/> with
    /// <c>copy_file_range(2)</c>, in pieces of at most <paramref name="piece"/> bytes; returns how far it got (all
    /// the way, or where the kernel declined, e.g. on a file system or platform without it).
    /// </summary>
    private (long At, long To) CopyInKernel(long at, long to, int piece)
    {
        if (!OperatingSystem.IsLinux())
        {
            return (at, to);
        }

        file.Flush();
        var handle = (int)file.SafeFileHandle.DangerousGetHandle();
        while (at < _length)
        {
            var copied = CopyFileRange(handle, ref at, handle, ref to, (nuint)Math.Min(piece, _length - at), 0);
            if (copied <= 0)
            {
                break;
            }
        }

        return (at, to);
    }

    [LibraryImport("libc", EntryPoint = "copy_file_range", SetLastError = true)]
    private static partial nint CopyFileRange(int fdIn, ref long offsetIn, int fdOut, ref long offsetOut, nuint length, uint flags);

    /// <summary>The offset just after the first line break at or after <paramref name="offset"/>.</summary>
    private long StartOfLineAfter(long offset, byte[] chunk)
    {
        file.Position = offset;
        var read = file.Read(chunk, 0, (int)Math.Min(chunk.Length, _length - offset));
        var newline = Array.IndexOf(chunk, (byte)'\n', 0, read);
        return newline < 0 ? offset : offset + newline + 1;
    }
}
