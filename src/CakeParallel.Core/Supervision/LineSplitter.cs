using System.Buffers;
using System.IO.Pipes;
using System.Runtime.InteropServices;
using System.Text;

namespace CakeParallel.Supervision;

/// <summary>Receives one line of output; the span is only valid during the call.</summary>
internal delegate void LineHandler(ReadOnlySpan<char> line);

/// <summary>
/// Reads a pipe to its end and hands out complete lines. A line longer than the limit is split (at a UTF-8
/// character boundary) instead of being buffered without bound; invalid UTF-8 decodes to U+FFFD. Lines are
/// decoded into a reused buffer, so reading makes no garbage per line.
/// </summary>
internal sealed partial class LineSplitter : IDisposable
{
    /// <summary>What a reader on a thread of its own asks the pipe for at once: a chatty writer's pipe is emptied in few reads.</summary>
    private const int ThreadReadBytes = 256 * 1024;

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    private readonly int _maxLineBytes;
    private readonly byte[] _buffer;
    private readonly char[] _chars;
    private readonly LineHandler _onLine;
    private int _filled;

    // After a forced split, a newline that follows at once ends that long line; it is not an empty line.
    private bool _afterSplit;

    private LineSplitter(int maxLineBytes, int readBytes, LineHandler onLine)
    {
        _maxLineBytes = Math.Max(maxLineBytes, 64);
        _buffer = ArrayPool<byte>.Shared.Rent(_maxLineBytes + readBytes);

        // UTF-8 never decodes to more chars than it has bytes.
        _chars = ArrayPool<char>.Shared.Rent(_maxLineBytes);
        _onLine = onLine;
    }

    /// <summary>Reads <paramref name="source"/> with asynchronous reads until it ends.</summary>
    public static async Task PumpAsync(Stream source, int maxLineBytes, LineHandler onLine, CancellationToken cancellationToken)
    {
        using var splitter = new LineSplitter(maxLineBytes, 0, onLine);
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
    public static Task PumpOnThread(Stream stdout, LineHandler onStdout, Stream stderr, LineHandler onStderr, int maxLineBytes, CancellationToken cancellationToken)
    {
        if (stdout is not PipeStream outPipe || stderr is not PipeStream errorPipe || !OperatingSystem.IsLinux())
        {
            return Task.WhenAll(PumpAsync(stdout, maxLineBytes, onStdout, cancellationToken), PumpAsync(stderr, maxLineBytes, onStderr, cancellationToken));
        }

        WidenPipe(outPipe);
        WidenPipe(errorPipe);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                using var outLines = new LineSplitter(maxLineBytes, ThreadReadBytes, onStdout);
                using var errorLines = new LineSplitter(maxLineBytes, ThreadReadBytes, onStderr);
                var streams = new (PipeStream Pipe, LineSplitter Lines)[] { (outPipe, outLines), (errorPipe, errorLines) };
                var open = new List<int> { 0, 1 };
                var waiting = new PollRequest[2];
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
                    var ready = open.Where((_, i) => waiting[i].ReturnedEvents != 0).ToList();
                    foreach (var index in ready)
                    {
                        var (pipe, lines) = streams[index];
                        if (!lines.Take(pipe.Read(lines.Free.Span)))
                        {
                            open.Remove(index);
                        }
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
        ArrayPool<char>.Shared.Return(_chars);
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
        while (true)
        {
            var newline = _buffer.AsSpan(scanned, _filled - scanned).IndexOf((byte)'\n');
            var end = newline < 0 ? -1 : scanned + newline;
            var length = (end < 0 ? _filled : end) - start;
            if (length >= _maxLineBytes)
            {
                // A line as long as the limit: emit its first part as a line of its own, cut where no character is split.
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

            if (!(_afterSplit && end == start))
            {
                Emit(start, end - start);
            }

            _afterSplit = false;
            start = end + 1;
            scanned = start;
        }

        if (start > 0)
        {
            Buffer.BlockCopy(_buffer, start, _buffer, 0, _filled - start);
            _filled -= start;
        }

        return true;
    }

    private void Emit(int start, int length)
    {
        var line = _buffer.AsSpan(start, length);
        if (line.Length > 0 && line[^1] == (byte)'\r')
        {
            line = line[..^1];
        }

        var count = Utf8.GetChars(line, _chars);
        _onLine(_chars.AsSpan(0, count));
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
