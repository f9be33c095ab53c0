using System.Runtime.InteropServices;

namespace CakeParallel.Supervision;

/// <summary>
/// Reaps the children <see cref="PosixSpawn"/> started: the <see cref="ReadinessLoop"/> waits on their pidfds
/// (readable once a child has exited) and each is collected with waitid(P_PIDFD), so no thread waits per child and
/// no zombie stays. The runtime's own SIGCHLD handling calls waitpid only on children it started through
/// <c>Process</c>, so it never takes these from us.
/// </summary>
internal static unsafe partial class ChildReaper
{
    private const int PPidfd = 3;
    private const int WExited = 4;
    private const int WNoHang = 1;
    private const int Eintr = 4;
    private const int CldExited = 1;

    /// <summary>Whether the caller runs on the reaper's thread (in a continuation of <see cref="WaitForExitAsync"/>).</summary>
    public static bool OnReaperThread => ReadinessLoop.OnLoopThread;

    /// <summary>
    /// Completes with the child's exit code (128+N when signal N killed it, as <c>Process.ExitCode</c> reports)
    /// once it has exited and is reaped; takes ownership of <paramref name="processFd"/>. Its continuations run on
    /// the reaper's thread, which saves a leg's end a hand-off to the thread pool: they must be brief and must not
    /// block (the next child waits to be reaped), and leave the thread (see <see cref="OnReaperThread"/>) for more.
    /// </summary>
    public static Task<int> WaitForExitAsync(int processFd)
    {
        var exit = new ChildExit(processFd);
        ReadinessLoop.Watch(processFd, exit);
        return exit.Task;
    }

    /// <summary>One child's exit: the task completes once the loop finds its pidfd readable and the child is reaped.</summary>
    private sealed class ChildExit(int processFd) : TaskCompletionSource<int>, IReadinessWaiter
    {
        public void OnReady()
        {
            var info = stackalloc byte[128];
            new Span<byte>(info, 128).Clear();
            int exitCode;
            while (true)
            {
                if (WaitId(PPidfd, processFd, info, WExited | WNoHang) == 0)
                {
                    // siginfo_t (64-bit): si_code at offset 8, si_pid at 16, si_status at 24; no pid: not exited yet,
                    // so the readiness was another descriptor's of the same number (closed since): wait on.
                    if (*(int*)(info + 16) == 0)
                    {
                        ReadinessLoop.WatchAgain(processFd);
                        return;
                    }

                    var code = *(int*)(info + 8);
                    var status = *(int*)(info + 24);
                    exitCode = code == CldExited ? status : 128 + status;
                    break;
                }

                if (Marshal.GetLastPInvokeError() != Eintr)
                {
                    // ECHILD: someone else reaped it (only when the host started with SIGCHLD ignored, where the
                    // runtime reaps every child); its status is lost.
                    exitCode = -1;
                    break;
                }
            }

            ReadinessLoop.Forget(processFd);
            _ = PosixSpawn.Close(processFd);
            TrySetResult(exitCode);
        }
    }

    [LibraryImport("libc", EntryPoint = "waitid", SetLastError = true)]
    private static partial int WaitId(int idType, int id, void* info, int options);
}
