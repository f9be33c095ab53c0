using System.Runtime.ExceptionServices;

namespace CakeParallel.Supervision;

/// <summary>
/// A file created on a thread-pool thread, so a leg's start does not wait for the file system: creating its log is
/// the slowest step of starting a short leg on some (ext4 without a journal steps over every inode freed in the
/// last half minute). Bytes written before the file exists are kept in memory and reach it first, in order. An
/// error creating the file is thrown by the next write, flush or <see cref="WaitUntilCreated"/>.
/// </summary>
internal sealed class BackgroundOpenedFile : Stream
{
    private readonly Lock _gate = new();
    private readonly Task _creating;
    private MemoryStream? _pending = new();
    private FileStream? _file;
    private Exception? _failure;

    /// <summary>Starts <paramref name="create"/> on the thread pool.</summary>
    public BackgroundOpenedFile(Func<FileStream> create) => _creating = Task.Run(() => Create(create));

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>Waits until the file exists (or could not be created, which this throws).</summary>
    public void WaitUntilCreated()
    {
        _creating.GetAwaiter().GetResult();
        lock (_gate)
        {
            ThrowIfFailed();
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        lock (_gate)
        {
            ThrowIfFailed();
            if (_file is not null)
            {
                _file.Write(buffer);
            }
            else
            {
                _pending!.Write(buffer);
            }
        }
    }

    public override void Flush()
    {
        lock (_gate)
        {
            ThrowIfFailed();
            _file?.Flush();
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            // Never blocks for long: the file was started when the leg was, and the leg has ended.
            _creating.GetAwaiter().GetResult();
            lock (_gate)
            {
                _file?.Dispose();
                _file = null;
            }
        }

        base.Dispose(disposing);
    }

    private void Create(Func<FileStream> create)
    {
        FileStream file;
        try
        {
            file = create();
        }
        catch (Exception exception) when (LegLog.IsWriteFailure(exception))
        {
            lock (_gate)
            {
                _failure = exception;
                _pending = null;
            }

            return;
        }

        lock (_gate)
        {
            try
            {
                file.Write(_pending!.GetBuffer().AsSpan(0, (int)_pending.Length));
                _file = file;
            }
            catch (Exception exception) when (LegLog.IsWriteFailure(exception))
            {
                _failure = exception;
                file.Dispose();
            }

            _pending = null;
        }
    }

    private void ThrowIfFailed()
    {
        if (_failure is not null)
        {
            ExceptionDispatchInfo.Throw(_failure);
        }
    }
}
