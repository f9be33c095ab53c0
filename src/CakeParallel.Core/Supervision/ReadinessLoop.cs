using System.Runtime.InteropServices;

namespace CakeParallel.Supervision;

/// <summary>Waits for one file descriptor of the <see cref="ReadinessLoop"/> to become readable.</summary>
internal interface IReadinessWaiter
{
    /// <summary>
    /// The descriptor is readable (or hung up, or, rarely, another registration's descriptor of the same number was:
    /// check before a read that could block). Called on the loop's thread, once per <see cref="ReadinessLoop.Watch"/>
    /// or <see cref="ReadinessLoop.WatchAgain"/>: must be brief, must not block and must not throw.
    /// </summary>
    void OnReady();
}

/// <summary>
/// One thread that waits in epoll for the descriptors the supervision watches (children's pidfds, their output
/// pipes) and tells each one's <see cref="IReadinessWaiter"/> once it is readable. A descriptor is watched once per
/// call (EPOLLONESHOT), so a waiter is never told twice for one wait. Nothing is allocated per wait.
/// </summary>
internal static unsafe partial class ReadinessLoop
{
    private const int EpollCtlAdd = 1;
    private const int EpollCtlDel = 2;
    private const int EpollCtlMod = 3;
    private const uint EpollIn = 0x001;
    private const uint EpollOneShot = 1u << 30;
    private const int MaxEvents = 64;

    // struct epoll_event is packed on x86-64 (12 bytes, data at offset 4); elsewhere it is 16 bytes, data at 8.
    private static readonly int EventSize = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;
    private static readonly int DataOffset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 4 : 8;

    private static readonly Lock Gate = new();
    private static readonly Dictionary<int, IReadinessWaiter> Waiters = [];
    private static readonly Lazy<int> Epoll = new(Start);

    private static int _threadId;

    /// <summary>Whether the caller runs on the loop's thread (in <see cref="IReadinessWaiter.OnReady"/> or what it completes synchronously).</summary>
    public static bool OnLoopThread => Environment.CurrentManagedThreadId == Volatile.Read(ref _threadId);

    /// <summary>Tells <paramref name="waiter"/> once <paramref name="fd"/> is readable; until <see cref="Forget"/>, the fd is the waiter's.</summary>
    public static void Watch(int fd, IReadinessWaiter waiter)
    {
        lock (Gate)
        {
            Waiters[fd] = waiter;
        }

        if (Control(EpollCtlAdd, fd) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            lock (Gate)
            {
                Waiters.Remove(fd);
            }

            throw new InvalidOperationException($"epoll_ctl(ADD) on fd {fd} failed: errno {errno}");
        }
    }

    /// <summary>Tells the fd's waiter once more when it is readable (at once if it is readable now).</summary>
    public static void WatchAgain(int fd)
    {
        if (Control(EpollCtlMod, fd) != 0)
        {
            throw new InvalidOperationException($"epoll_ctl(MOD) on fd {fd} failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>Stops watching <paramref name="fd"/>; call before it is closed, since its number may be reused at once.</summary>
    public static void Forget(int fd)
    {
        lock (Gate)
        {
            Waiters.Remove(fd);
        }

        _ = Control(EpollCtlDel, fd);
    }

    private static int Control(int operation, int fd)
    {
        var buffer = stackalloc byte[16];
        *(uint*)buffer = EpollIn | EpollOneShot;
        *(ulong*)(buffer + DataOffset) = (ulong)fd;
        return EpollCtl(Epoll.Value, operation, fd, buffer);
    }

    private static int Start()
    {
        var epoll = EpollCreate1(0x80000);
        if (epoll < 0)
        {
            throw new InvalidOperationException($"epoll_create1 failed: errno {Marshal.GetLastPInvokeError()}");
        }

        var thread = new Thread(() => Run(epoll)) { IsBackground = true, Name = "CakeParallel readiness" };
        Volatile.Write(ref _threadId, thread.ManagedThreadId);
        thread.Start();
        return epoll;
    }

    private static void Run(int epoll)
    {
        var events = stackalloc byte[MaxEvents * 16];
        while (true)
        {
            var count = EpollWait(epoll, events, MaxEvents, -1);
            if (count < 0)
            {
                continue; // EINTR: a signal arrived; nothing else can fail on a valid epoll fd.
            }

            for (var i = 0; i < count; i++)
            {
                var fd = (int)*(ulong*)(events + (i * EventSize) + DataOffset);
                IReadinessWaiter? waiter;
                lock (Gate)
                {
                    Waiters.TryGetValue(fd, out waiter);
                }

                waiter?.OnReady();
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "epoll_create1", SetLastError = true)]
    private static partial int EpollCreate1(int flags);

    [LibraryImport("libc", EntryPoint = "epoll_ctl", SetLastError = true)]
    private static partial int EpollCtl(int epoll, int operation, int fd, void* @event);

    [LibraryImport("libc", EntryPoint = "epoll_wait", SetLastError = true)]
    private static partial int EpollWait(int epoll, void* events, int maxEvents, int timeout);
}
