using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace CakeParallel.Supervision;

/// <summary>
/// Reaps the children <see cref="PosixSpawn"/> started: one thread waits in epoll on their pidfds (readable once a
/// child has exited) and collects each with waitid(P_PIDFD), so no thread waits per child and no zombie stays.
/// The runtime's own SIGCHLD handling calls waitpid only on children it started through <c>Process</c>, so it
/// never takes these from us.
/// </summary>
internal static unsafe partial class ChildReaper
{
    private const int EpollCtlAdd = 1;
    private const uint EpollIn = 0x001;
    private const uint EpollOneShot = 1u << 30;
    private const int PPidfd = 3;
    private const int WExited = 4;
    private const int Eintr = 4;
    private const int CldExited = 1;
    private const int MaxEvents = 64;

    // struct epoll_event is packed on x86-64 (12 bytes, data at offset 4); elsewhere it is 16 bytes, data at 8.
    private static readonly int EventSize = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;
    private static readonly int DataOffset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 4 : 8;

    private static readonly ConcurrentDictionary<int, TaskCompletionSource<int>> Waiting = new();
    private static readonly Lazy<int> Epoll = new(Start);

    private static int _threadId;

    /// <summary>Whether the caller runs on the reaper's thread (in a continuation of <see cref="WaitForExitAsync"/>).</summary>
    public static bool OnReaperThread => Environment.CurrentManagedThreadId == Volatile.Read(ref _threadId);

    /// <summary>
    /// Completes with the child's exit code (128+N when signal N killed it, as <c>Process.ExitCode</c> reports)
    /// once it has exited and is reaped; takes ownership of <paramref name="processFd"/>. Its continuations run on
    /// the reaper's thread, which saves a leg's end a hand-off to the thread pool: they must be brief and must not
    /// block (the next child waits to be reaped), and leave the thread (see <see cref="OnReaperThread"/>) for more.
    /// </summary>
    public static Task<int> WaitForExitAsync(int processFd)
    {
        var exited = new TaskCompletionSource<int>();
        Waiting[processFd] = exited;
        var buffer = stackalloc byte[16];
        *(uint*)buffer = EpollIn | EpollOneShot;
        *(ulong*)(buffer + DataOffset) = (ulong)processFd;
        if (EpollCtl(Epoll.Value, EpollCtlAdd, processFd, buffer) != 0)
        {
            Waiting.TryRemove(processFd, out _);
            throw new InvalidOperationException($"epoll_ctl on a pidfd failed: errno {Marshal.GetLastPInvokeError()}");
        }

        return exited.Task;
    }

    private static int Start()
    {
        var epoll = EpollCreate1(0x80000);
        if (epoll < 0)
        {
            throw new InvalidOperationException($"epoll_create1 failed: errno {Marshal.GetLastPInvokeError()}");
        }

        var reaper = new Thread(() => Run(epoll)) { IsBackground = true, Name = "CakeParallel reaper" };
        Volatile.Write(ref _threadId, reaper.ManagedThreadId);
        reaper.Start();
        return epoll;
    }

    private static void Run(int epoll)
    {
        var events = stackalloc byte[MaxEvents * 16];
        var info = stackalloc byte[128];
        while (true)
        {
            var count = EpollWait(epoll, events, MaxEvents, -1);
            if (count < 0)
            {
                continue; // EINTR: a signal arrived; nothing else can fail on a valid epoll fd.
            }

            for (var i = 0; i < count; i++)
            {
                var processFd = (int)*(ulong*)(events + (i * EventSize) + DataOffset);
                Waiting.TryRemove(processFd, out var exited);
                exited?.TrySetResult(Reap(processFd, info));
                _ = PosixSpawn.Close(processFd);
            }
        }
    }

    private static int Reap(int processFd, byte* info)
    {
        new Span<byte>(info, 128).Clear();
        while (WaitId(PPidfd, processFd, info, WExited) != 0)
        {
            if (Marshal.GetLastPInvokeError() != Eintr)
            {
                // ECHILD: someone else reaped it (only when the host started with SIGCHLD ignored, where the
                // runtime reaps every child); its status is lost.
                return -1;
            }
        }

        // siginfo_t: si_code at offset 8, si_status at 24 (64-bit).
        var code = *(int*)(info + 8);
        var status = *(int*)(info + 24);
        return code == CldExited ? status : 128 + status;
    }

    [LibraryImport("libc", EntryPoint = "epoll_create1", SetLastError = true)]
    private static partial int EpollCreate1(int flags);

    [LibraryImport("libc", EntryPoint = "epoll_ctl", SetLastError = true)]
    private static partial int EpollCtl(int epoll, int operation, int fd, void* @event);

    [LibraryImport("libc", EntryPoint = "epoll_wait", SetLastError = true)]
    private static partial int EpollWait(int epoll, void* events, int maxEvents, int timeout);

    [LibraryImport("libc", EntryPoint = "waitid", SetLastError = true)]
    private static partial int WaitId(int idType, int id, void* info, int options);
}
