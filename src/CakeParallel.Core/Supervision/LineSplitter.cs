using System.Buffers;
using System.IO.Pipes;
using System.Runtime.InteropServices;

namespace CakeParallel.Supervision;

/// <summary>Receives one line of output as the process wrote it (UTF-8, not validated); the span is only valid during the call.</summary>
internal delegate void LineHandler(ReadOnlySpan<byte> line);

/// <summary>
/// Receives one or more complete lines of output as the process wrote them (UTF-8, not validated), each ending with
/// <c>\n</c>; a <c>\r</c> just before it belongs to the line end, not to the line. No line is longer than the limit.
/// The span is only valid during the call.
/// </summary>
internal delegate void LineBlockHandler(ReadOnlySpan<byte> lines);

/// <summary>
/// Reads a pipe to its end and hands out complete lines, as bytes: decoding is left to whoever needs text, so a
/// line that only goes to a log is never decoded. A line longer than the limit is split (at a UTF-8 character
/// boundary) instead of being buffered without bound. Reading makes no garbage per line. Lines are handed out one
/// by one, or in blocks of consecutive lines as read (one call per read instead of one per line, for a reader that
/// can take them so, like a service's log).
/// </summary>
internal sealed partial class LineSplitter : IDisposable
{
    /// <summary>What a reader on a thread of its own asks the pipe for at once: a chatty writer's pipe is emptied in few reads.</summary>
    private const int ThreadReadBytes = 256 * 1024;

    private readonly int _maxLineBytes;
    private readonly byte[] _buffer;
    private readonly LineHandler? _onLine;
    private readonly LineBlockHandler? _onBlock;
    private byte[]? _unterminated;
    private int _filled;

    // After a forced split, a newline that follows at once ends that long line; it is not an empty line.
    private bool _afterSplit;

    private LineSplitter(int maxLineBytes, int readBytes, LineHandler? onLine, LineBlockHandler? onBlock)
    {
        _maxLineBytes = Math.Max(maxLineBytes, 64);
        _buffer = ArrayPool<byte>.Shared.Rent(_maxLineBytes + readBytes);
        _onLine = onLine;
        _onBlock = onBlock;
    }

    /// <summary>Reads <paramref name="source"/> with asynchronous reads until it ends.</summary>
    public static Task PumpAsync(Stream source, int maxLineBytes, LineHandler onLine, CancellationToken cancellationToken) =>
        PumpAsync(source, () => new LineSplitter(maxLineBytes, 0, onLine, null), cancellationToken);

    /// <summary>Reads <paramref name="source"/> with asynchronous reads until it ends; lines are handed out in blocks.</summary>
    public static Task PumpAsync(Stream source, int maxLineBytes, LineBlockHandler onLines, CancellationToken cancellationToken) =>
        PumpAsync(source, () => new LineSplitter(maxLineBytes, 0, null, onLines), cancellationToken);

    /// <summary>
    /// Reads both output streams of a process on one thread of its own (see the other overload); lines are handed
    /// out in blocks, one call per read.
    /// </summary>
    public static Task PumpOnThread(Stream stdout, LineBlockHandler onStdout, Stream stderr, LineBlockHandler onStderr, int maxLineBytes, CancellationToken cancellationToken) =>
        PumpOnThread(
            stdout,
            stderr,
            () => new LineSplitter(maxLineBytes, ThreadReadBytes, null, onStdout),
            () => new LineSplitter(maxLineBytes, ThreadReadBytes, null, onStderr),
            () => Task.WhenAll(PumpAsync(stdout, maxLineBytes, onStdout, cancellationToken), PumpAsync(stderr, maxLineBytes, onStderr, cancellationToken)),
            cancellationToken);

    private static async Task PumpAsync(Stream source, Func<LineSplitter> create, CancellationToken cancellationToken)
    {
        using var splitter = create();
        while (true)
        {
            var read = await source.ReadAsync(splitter.Free, cancellationToken).ConfigureAwait(false);
            if (!splitter.Take(read))
            {
                return;
            }
        }
    }

    /// <summary>
    /// Reads both output streams of a process on one thread of its own, with large blocking reads and no hand-off
    /// per read, so a process writing hundreds of megabytes is not slowed down by its reader; when both have output
    /// waiting, stdout is read first. The task completes when both streams ended, or as cancelled when
    /// <paramref name="cancellationToken"/> fires first: the thread is then left to end with the pipes (a blocking
    /// wait cannot be abandoned), and lines it still reads are handed out as before.
    /// </summary>
    public static Task PumpOnThread(Stream stdout, LineHandler onStdout, Stream stderr, LineHandler onStderr, int maxLineBytes, CancellationToken cancellationToken) =>
        PumpOnThread(
            stdout,
            stderr,
            () => new LineSplitter(maxLineBytes, ThreadReadBytes, onStdout, null),
            () => new LineSplitter(maxLineBytes, ThreadReadBytes, onStderr, null),
            () => Task.WhenAll(PumpAsync(stdout, maxLineBytes, onStdout, cancellationToken), PumpAsync(stderr, maxLineBytes, onStderr, cancellationToken)),
            cancellationToken);

    private static Task PumpOnThread(Stream stdout, Stream stderr, Func<LineSplitter> createOut, Func<LineSplitter> createError, Func<Task> elsewhere, CancellationToken cancellationToken)
    {
        if (stdout is not PipeStream outPipe || stderr is not PipeStream errorPipe || !OperatingSystem.IsLinux())
        {
            return elsewhere();
        }

        WidenPipe(outPipe);
        WidenPipe(errorPipe);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                using var outLines = createOut();
                using var errorLines = createError();
                var streams = new (PipeStream Pipe, LineSplitter Lines)[] { (outPipe, outLines), (errorPipe, errorLines) };
                var open = new List<int> { 0, 1 };
                var waiting = new PollRequest[2];
                var ready = new bool[2];
                while (open.Count > 0)
                {
                    for (var i = 0; i < open.Count; i++)
                    {
                        waiting[i] = new PollRequest { Descriptor = (int)streams[open[i]].Pipe.SafePipeHandle.DangerousGetHandle(), Events = PollIn };
                    }

                    if (Poll(waiting, (nuint)open.Count, -1) < 0)
                    {
                        continue; // EINTR: a signal arrived; wait again.
                    }

                    // In order, so stdout is read first when both have output waiting.
                    var polled = open.Count;
                    var most = 0;
                    for (var i = polled - 1; i >= 0; i--)
                    {
                        ready[i] = waiting[i].ReturnedEvents != 0;
                    }

                    for (int i = 0, index = 0; i < polled; i++)
                    {
                        var (pipe, lines) = streams[open[index]];
                        if (!ready[i])
                        {
                            index++;
                            continue;
                        }

                        var read = pipe.Read(lines.Free.Span);
                        most = Math.Max(most, read);
                        if (lines.Take(read))
                        {
                            index++;
                        }
                        else
                        {
                            open.RemoveAt(index);
                        }
                    }

                    if (most is > 0 and < ThreadReadBytes / 4)
                    {
                        // The writer is slower than this reader: let its output gather in the pipe for a moment, so
                        // that it is taken in a few large reads instead of one read (and one wake-up) per write.
                        Thread.Sleep(1);
                    }
                }

                done.TrySetResult();
            }
            catch (Exception exception)
            {
                done.TrySetException(exception);
            }
        })
        {
            IsBackground = true,
            Name = "CakeParallel output reader",
        };
        thread.Start();
        if (cancellationToken.CanBeCanceled)
        {
            var registration = cancellationToken.Register(static d => ((TaskCompletionSource)d!).TrySetCanceled(), done);
            done.Task.ContinueWith(_ => registration.Dispose(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        return done.Task;
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
    }

    /// <summary>Where the next read goes.</summary>
    private Memory<byte> Free => _buffer.AsMemory(_filled);

    /// <summary>Hands out the lines completed by <paramref name="read"/> more bytes; false (after the last line) when the stream ended.</summary>
    private bool Take(int read)
    {
        if (read == 0)
        {
            if (_filled > 0)
            {
                Emit(0, _filled);
            }

            return false;
        }

        // Bytes before 'scanned' hold no newline: the rest of a line that is still being read.
        var scanned = _filled;
        _filled += read;
        var start = 0;

        // In blocks: where the complete lines not handed out yet begin (-1: none).
        var block = -1;
        while (true)
        {
            var newline = _buffer.AsSpan(scanned, _filled - scanned).IndexOf((byte)'\n');
            var end = newline < 0 ? -1 : scanned + newline;
            var length = (end < 0 ? _filled : end) - start;
            if (length >= _maxLineBytes)
            {
                // A line as long as the limit: emit its first part as a line of its own, cut where no character is split.
                EmitBlock(ref block, start);
                var cut = Utf8Boundary(_buffer.AsSpan(start, _maxLineBytes));
                Emit(start, cut);
                start += cut;
                _afterSplit = true;
                scanned = end < 0 ? _filled : start;
                continue;
            }

            if (end < 0)
            {
                break;
            }

            if (_afterSplit && end == start)
            {
                EmitBlock(ref block, start);
            }
            else if (_onBlock is null)
            {
                Emit(start, end - start);
            }
            else if (block < 0)
            {
                block = start;
            }

            _afterSplit = false;
            start = end + 1;
            if (_onBlock is not null)
            {
                // In blocks, lines need not be found one by one, only shown to be shorter than the limit: while a
                // newline lies within the limit ahead, every line up to it is.
                while (_filled - start > _maxLineBytes)
                {
                    var last = _buffer.AsSpan(start, _maxLineBytes).LastIndexOf((byte)'\n');
                    if (last < 0)
                    {
                        break;
                    }

                    block = block < 0 ? start : block;
                    start += last + 1;
                }
            }

            scanned = start;
        }

        EmitBlock(ref block, start);
        if (start > 0)
        {
            Buffer.BlockCopy(_buffer, start, _buffer, 0, _filled - start);
            _filled -= start;
        }

        return true;
    }

    /// <summary>Hands out the complete lines from <paramref name="block"/> up to <paramref name="end"/> in one call, if any.</summary>
    private void EmitBlock(ref int block, int end)
    {
        if (block >= 0)
        {
            _onBlock!(_buffer.AsSpan(block, end - block));
            block = -1;
        }
    }

    /// <summary>
    /// Hands out one line; in blocks only a line that is not followed by its newline in the buffer (a forced split,
    /// the last line of the stream) comes here, and goes out as a copy with one.
    /// </summary>
    private void Emit(int start, int length)
    {
        var line = _buffer.AsSpan(start, length);
        if (_onBlock is not null)
        {
            // Rare (only long lines and a last line without a newline): a copy ending in the newline a block has.
            _unterminated ??= new byte[_maxLineBytes + 1];
            line.CopyTo(_unterminated);
            _unterminated[length] = (byte)'\n';
            _onBlock(_unterminated.AsSpan(0, length + 1));
            return;
        }

        if (line.Length > 0 && line[^1] == (byte)'\r')
        {
            line = line[..^1];
        }

        _onLine!(line);
    }

    /// <summary>
    /// Grows the pipe's kernel buffer from 64 KB to 1 MB (the unprivileged maximum) where the platform allows, so
    /// a chatty writer blocks less often and each read takes more at once; where it cannot, the pipe stays as it is.
    /// </summary>
    private static void WidenPipe(PipeStream pipe) =>
        _ = Fcntl((int)pipe.SafePipeHandle.DangerousGetHandle(), SetPipeSize, 1024 * 1024);

    private const int SetPipeSize = 1031; // F_SETPIPE_SZ
    private const short PollIn = 1; // POLLIN; POLLHUP and POLLERR are reported without asking

    /// <summary>Linux's <c>struct pollfd</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct PollRequest
    {
        public int Descriptor;
        public short Events;
        public short ReturnedEvents;
    }

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static partial int Poll([In, Out] PollRequest[] requests, nuint count, int timeout);

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int Fcntl(int fd, int command, int size);

    /// <summary>The largest cut ≤ length that does not split a UTF-8 sequence (falls back to length for invalid data).</summary>
    private static int Utf8Boundary(ReadOnlySpan<byte> data)
    {
        for (var back = 0; back < 4 && back < data.Length; back++)
        {
            var b = data[data.Length - 1 - back];
            if ((b & 0xC0) != 0x80)
            {
                // b starts a sequence (or is ASCII): keep it only if the sequence is complete.
                var needed = b < 0x80 ? 1 : (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3 : (b & 0xF8) == 0xF0 ? 4 : 1;
                return back + 1 >= needed ? data.Length : data.Length - 1 - back;
            }
        }

        return data.Length;
    }
}
