using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace CakeParallel.Supervision;

/// <summary>
/// Reads a process's stdout and stderr pipes to their ends, each into its own <see cref="LineSplitter"/>, and
/// completes <see cref="Ended"/> when both ended. A leg's pipes are read with non-blocking reads on the thread pool
/// whenever the <see cref="ReadinessLoop"/> finds them readable: no thread waits per pipe, and nothing is allocated
/// per read (the runtime's pipe streams bring a socket, its asynchronous context and a state machine per pipe, a
/// sixth of what a leg allocated). A chatty process's pipes are read on a thread of their own instead, with large
/// blocking reads (<see cref="ReadOnThread"/>).
/// </summary>
internal sealed unsafe partial class OutputPipes
{
    /// <summary>What a reader on a thread of its own asks the pipe for at once: a chatty writer's pipe is emptied in few reads.</summary>
    public const int ThreadReadBytes = 256 * 1024;

    /// <summary>Reads of one pipe in a row before it waits its turn again, so one chatty leg does not hold a pool thread.</summary>
    private const int ReadsInARow = 16;

    private const int Eintr = 4;
    private const int Eagain = 11;
    private const int SetStatusFlags = 4; // F_SETFL
    private const int NonBlocking = 0x800; // O_NONBLOCK
    private const int SetPipeSize = 1031; // F_SETPIPE_SZ
    private const short PollIn = 1; // POLLIN; POLLHUP and POLLERR are reported without asking

    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Pipe _stdout;
    private readonly Pipe _stderr;
    private Exception? _failure;
    private int _open = 2;
    private bool _onThread;

    private OutputPipes(SafePipeHandle stdout, LineSplitter stdoutLines, SafePipeHandle stderr, LineSplitter stderrLines)
    {
        _stdout = new Pipe(this, stdout, stdoutLines);
        _stderr = new Pipe(this, stderr, stderrLines);
    }

    /// <summary>
    /// Completes when both pipes ended (every line handed out), faulted when reading one failed, or cancelled once
    /// <see cref="Abandon"/> was called first.
    /// </summary>
    public Task Ended => _ended.Task;

    /// <summary>Reads both pipes whenever they are readable, on the thread pool.</summary>
    public static OutputPipes Read(SafePipeHandle stdout, LineSplitter stdoutLines, SafePipeHandle stderr, LineSplitter stderrLines)
    {
        var pipes = new OutputPipes(stdout, stdoutLines, stderr, stderrLines);
        pipes._stdout.Watch();
        pipes._stderr.Watch();
        return pipes;
    }

    /// <summary>
    /// Reads both pipes on one thread of its own, with large blocking reads and no hand-off per read, so a process
    /// writing hundreds of megabytes is not slowed down by its reader; when both have output waiting, stdout is read
    /// first. Once <see cref="Abandon"/> was called the thread is left to end with the pipes (a blocking wait cannot
    /// be abandoned), and lines it still reads are handed out as before.
    /// </summary>
    public static OutputPipes ReadOnThread(SafePipeHandle stdout, LineSplitter stdoutLines, SafePipeHandle stderr, LineSplitter stderrLines)
    {
        var pipes = new OutputPipes(stdout, stdoutLines, stderr, stderrLines) { _onThread = true };

        // The thread may outlive an abandoned read, and the process's disposal: its fds stay ours until it ends.
        var stdoutAdded = false;
        var stderrAdded = false;
        stdout.DangerousAddRef(ref stdoutAdded);
        stderr.DangerousAddRef(ref stderrAdded);
        var thread = new Thread(() =>
        {
            try
            {
                pipes.ReadBothOnThisThread();
            }
            finally
            {
                stdout.DangerousRelease();
                stderr.DangerousRelease();
            }
        })
        {
            IsBackground = true,
            Name = "CakeParallel output reader",
        };
        thread.Start();
        return pipes;
    }

    /// <summary>Stops reading (lines that were not handed out yet are lost); <see cref="Ended"/> is cancelled unless it completed.</summary>
    public void Abandon()
    {
        if (!_onThread)
        {
            _stdout.Abandon();
            _stderr.Abandon();
        }

        _ended.TrySetCanceled();
    }

    private void PipeEnded(Exception? failure)
    {
        if (failure is not null)
        {
            Interlocked.CompareExchange(ref _failure, failure, null);
        }

        if (Interlocked.Decrement(ref _open) == 0)
        {
            _ = _failure is { } first ? _ended.TrySetException(first) : _ended.TrySetResult();
        }
    }

    private void ReadBothOnThisThread()
    {
        try
        {
            _stdout.Widen();
            _stderr.Widen();
            var open = new List<Pipe> { _stdout, _stderr };
            var waiting = new PollRequest[2];
            var ready = new bool[2];
            while (open.Count > 0)
            {
                for (var i = 0; i < open.Count; i++)
                {
                    waiting[i] = new PollRequest { Descriptor = open[i].Descriptor, Events = PollIn };
                }

                if (Poll(waiting, (nuint)open.Count, -1) < 0)
                {
                    continue; // EINTR: a signal arrived; wait again.
                }

                // In order, so stdout is read first when both have output waiting.
                var polled = open.Count;
                var most = 0;
                for (var i = 0; i < polled; i++)
                {
                    ready[i] = waiting[i].ReturnedEvents != 0;
                }

                for (int i = 0, index = 0; i < polled; i++)
                {
                    var pipe = open[index];
                    if (!ready[i])
                    {
                        index++;
                        continue;
                    }

                    var read = pipe.ReadBlocking();
                    most = Math.Max(most, read);
                    if (read > 0)
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
        }
        catch (Exception exception)
        {
            _stdout.EndUnlessEnded(exception);
            _stderr.EndUnlessEnded(exception);
        }
    }

    /// <summary>One of the two pipes: its lines, and whether it has ended.</summary>
    private sealed class Pipe(OutputPipes owner, SafePipeHandle handle, LineSplitter lines) : IReadinessWaiter, IThreadPoolWorkItem
    {
        private readonly int _fd = (int)handle.DangerousGetHandle();

        // Bytes the loop's thread read into the lines' buffer and left to the thread pool to take.
        private int _readAhead;
        private bool _ended;
        private bool _watched;

        public int Descriptor => _fd;

        public void Watch()
        {
            // A new pipe's read end has no other status flag to keep.
            if (Fcntl(_fd, SetStatusFlags, NonBlocking) < 0)
            {
                throw new InvalidOperationException($"fcntl(O_NONBLOCK) on an output pipe failed: errno {Marshal.GetLastPInvokeError()}");
            }

            ReadinessLoop.Watch(_fd, this);
            _watched = true;
        }

        /// <summary>
        /// On the loop's thread. A pipe that ended with no part of a line left (every leg's pipes, once it exits) ends
        /// right here; anything with bytes to hand out goes to the thread pool, where the handlers may take their time.
        /// </summary>
        public void OnReady()
        {
            // The pipe's own monitor guards its state (a Lock object a pipe would be garbage a leg need not make).
            if (!Monitor.TryEnter(this))
            {
                // A pool thread is reading it now (this readiness may be another fd's of the same number, closed since).
                ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
                return;
            }

            try
            {
                if (_ended || _readAhead > 0)
                {
                    return;
                }

                if (!lines.IsEmpty)
                {
                    ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
                    return;
                }

                var read = ReadSome();
                if (read > 0)
                {
                    _readAhead = read;
                    ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
                }
                else if (read == 0)
                {
                    End(null);
                }
                else
                {
                    Continue(read);
                }
            }
            catch (Exception exception)
            {
                End(exception);
            }
            finally
            {
                Monitor.Exit(this);
            }
        }

        /// <summary>On the thread pool: takes what is waiting in the pipe, a few reads at a time.</summary>
        public void Execute()
        {
            lock (this)
            {
                if (_ended)
                {
                    return;
                }

                try
                {
                    if (_readAhead > 0)
                    {
                        lines.Take(_readAhead);
                        _readAhead = 0;
                    }

                    for (var reads = 0; reads < ReadsInARow; reads++)
                    {
                        var read = ReadSome();
                        if (read > 0)
                        {
                            lines.Take(read);
                            continue;
                        }

                        if (read == 0)
                        {
                            lines.Take(0);
                            End(null);
                        }
                        else
                        {
                            Continue(read);
                        }

                        return;
                    }

                    // Readiness is level-triggered: watched again, a pipe with more waiting comes back at once, behind others.
                    ReadinessLoop.WatchAgain(_fd);
                }
                catch (Exception exception)
                {
                    End(exception);
                }
            }
        }

        /// <summary>On the reader's own thread: one blocking read, its lines handed out; 0 once the pipe has ended.</summary>
        public int ReadBlocking()
        {
            var read = ReadSome();
            if (read < 0)
            {
                throw new IOException($"Reading an output pipe failed: errno {-read}");
            }

            if (!lines.Take(read))
            {
                End(null);
            }

            return read;
        }

        /// <summary>On the reader's own thread, when reading failed: the pipe ends with the failure, unless it has ended.</summary>
        public void EndUnlessEnded(Exception failure)
        {
            if (!_ended)
            {
                End(failure);
            }
        }

        /// <summary>
        /// Grows the pipe's kernel buffer from 64 KB to 1 MB (the unprivileged maximum) where the platform allows, so
        /// a chatty writer blocks less often and each read takes more at once; where it cannot, the pipe stays as it is.
        /// </summary>
        public void Widen() => _ = Fcntl(_fd, SetPipeSize, 1024 * 1024);

        public void Abandon()
        {
            lock (this)
            {
                if (!_ended)
                {
                    _ended = true;
                    ReadinessLoop.Forget(_fd);
                    _watched = false;
                    lines.Dispose();
                }
            }
        }

        /// <summary>Bytes read (0 at the end), or minus errno; interrupted reads are read again.</summary>
        private int ReadSome()
        {
            while (true)
            {
                var read = (int)ReadInto(_fd, lines.Free);
                if (read >= 0)
                {
                    return read;
                }

                var errno = Marshal.GetLastPInvokeError();
                if (errno != Eintr)
                {
                    return -errno;
                }
            }
        }

        /// <summary>After a failed read: waits for more when the pipe is empty, else ends with the error.</summary>
        private void Continue(int negatedErrno)
        {
            if (negatedErrno == -Eagain)
            {
                ReadinessLoop.WatchAgain(_fd);
                return;
            }

            End(new IOException($"Reading an output pipe failed: errno {-negatedErrno}"));
        }

        private void End(Exception? failure)
        {
            _ended = true;
            if (_watched)
            {
                ReadinessLoop.Forget(_fd);
                _watched = false;
            }

            lines.Dispose();
            owner.PipeEnded(failure);
        }
    }

    /// <summary>Linux's <c>struct pollfd</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct PollRequest
    {
        public int Descriptor;
        public short Events;
        public short ReturnedEvents;
    }

    private static nint ReadInto(int fd, Span<byte> buffer)
    {
        fixed (byte* start = buffer)
        {
            return Read(fd, start, (nuint)buffer.Length);
        }
    }

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static partial nint Read(int fd, byte* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static partial int Poll([In, Out] PollRequest[] requests, nuint count, int timeout);

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int Fcntl(int fd, int command, int argument);
}
