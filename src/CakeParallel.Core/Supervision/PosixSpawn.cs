using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace CakeParallel.Supervision;

/// <summary>
/// A child just started by <see cref="PosixSpawn"/>: its pid, a pidfd for its exit, and our ends of its pipes (stdin's
/// as a bare fd, which its taker closes or wraps at once: most processes get their stdin closed).
/// </summary>
internal readonly record struct SpawnedChild(int ProcessId, int ProcessFd, int StandardInput, SafePipeHandle StandardOutput, SafePipeHandle StandardError);

/// <summary>
/// Starts a process with glibc's posix_spawn(3) as the leader of a new session and process group
/// (<c>POSIX_SPAWN_SETSID</c>): one clone and one exec, where <c>Process.Start</c> through <c>setsid</c> needed two
/// execs. In the child no signal is blocked and signals keep their disposition as <c>Process.Start</c> leaves
/// them (handled ones default, ignored ones, like the runtime's SIGPIPE, ignored); fds 0–2 are its pipes and
/// every other fd is closed, whatever the host leaked to us.
/// </summary>
internal static unsafe partial class PosixSpawn
{
    private const int OCloexec = 0x80000;
    private const int FDupfdCloexec = 1030;
    private const short SpawnSetSignalMask = 0x08;
    private const short SpawnSetSession = 0x80;
    private const int PidfdOpenSyscall = 434;

    // glibc's opaque types are smaller than these (sigset_t 128, posix_spawnattr_t 336, file actions 80 bytes).
    private const int OpaqueSize = 1024;

    /// <summary>Why this libc cannot start legs (posix_spawn_file_actions_addclosefrom_np needs glibc 2.34), or null.</summary>
    public static string? Problem()
    {
        if (!NativeLibrary.TryLoad("libc.so.6", out var libc) || !NativeLibrary.TryGetExport(libc, "posix_spawn_file_actions_addclosefrom_np", out _))
        {
            return "CakeParallel starts legs with glibc's posix_spawn and closefrom file actions (glibc 2.34 or later), which this C library lacks.";
        }

        var fd = PidfdOpen(Environment.ProcessId);
        if (fd < 0)
        {
            return $"CakeParallel watches legs through pidfds (Linux 5.4 or later), and pidfd_open failed here (errno {Marshal.GetLastPInvokeError()}).";
        }

        _ = Close((int)fd);
        return null;
    }

    /// <summary>
    /// Starts <paramref name="path"/> (an absolute path) with <paramref name="argv"/> and the environment
    /// <paramref name="inherited"/> with <paramref name="changes"/> on top (a null value removes; each key at most once).
    /// </summary>
    /// <returns>The child; or the errno of the failure (the exec's own, e.g. ENOENT or EACCES, included).</returns>
    public static SpawnedChild Spawn(string path, IReadOnlyList<string> argv, EnvironmentBlock inherited, IReadOnlyList<KeyValuePair<string, string?>> changes, string? workingDirectory, out int error)
    {
        error = 0;
        var pipes = stackalloc int[6];
        var made = 0;
        var attr = NativeMemory.AllocZeroed(OpaqueSize);
        var actions = NativeMemory.AllocZeroed(OpaqueSize);
        var signals = NativeMemory.AllocZeroed(OpaqueSize);
        var strings = new List<nint>(argv.Count + changes.Count + 4);
        try
        {
            for (; made < 3; made++)
            {
                if (!MakePipe(pipes + (made * 2)))
                {
                    error = Marshal.GetLastPInvokeError();
                    return default;
                }
            }

            // Child ends: stdin's read end [0], stdout's and stderr's write ends [3] and [5]. dup2 onto 0-2 clears
            // their close-on-exec flag; everything else is close-on-exec or closed by closefrom(3).
            Check(PosixSpawnFileActionsInit(actions));
            Check(PosixSpawnFileActionsAddDup2(actions, pipes[0], 0));
            Check(PosixSpawnFileActionsAddDup2(actions, pipes[3], 1));
            Check(PosixSpawnFileActionsAddDup2(actions, pipes[5], 2));
            Check(PosixSpawnFileActionsAddClosefrom(actions, 3));
            if (workingDirectory is not null)
            {
                Check(PosixSpawnFileActionsAddChdir(actions, workingDirectory));
            }

            Check(PosixSpawnAttrInit(attr));
            Check(PosixSpawnAttrSetFlags(attr, SpawnSetSession | SpawnSetSignalMask));
            _ = SignalEmptySet(signals);
            Check(PosixSpawnAttrSetSignalMask(attr, signals));

            var args = (nint*)NativeMemory.Alloc((nuint)(argv.Count + 2), (nuint)sizeof(nint));
            strings.Add((nint)args);
            args[0] = Utf8(path, strings);
            for (var i = 0; i < argv.Count; i++)
            {
                args[i + 1] = Utf8(argv[i], strings);
            }

            args[argv.Count + 1] = 0;
            // The inherited variables point into its block (encoded once a run); only the changes are encoded here.
            var env = (nint*)NativeMemory.Alloc((nuint)(inherited.Count + changes.Count + 1), (nuint)sizeof(nint));
            strings.Add((nint)env);
            var replaced = inherited.Count <= 1024 ? stackalloc bool[inherited.Count] : new bool[inherited.Count];
            replaced.Clear();
            foreach (var change in changes)
            {
                if (inherited.IndexOf(change.Key) is var index and >= 0)
                {
                    replaced[index] = true;
                }
            }

            var e = 0;
            for (var i = 0; i < inherited.Count; i++)
            {
                if (!replaced[i])
                {
                    env[e++] = inherited.AddressOf(i);
                }
            }

            foreach (var (key, value) in changes)
            {
                if (value is not null)
                {
                    env[e++] = Utf8(key, value, strings);
                }
            }

            env[e] = 0;
            int pid;
            error = PosixSpawnCall(&pid, path, actions, attr, args, env);
            GC.KeepAlive(inherited);
            if (error != 0)
            {
                return default;
            }

            // The pid cannot be reused before we reap it, so opening its pidfd after the fact is race-free.
            var pidfd = PidfdOpen(pid);
            if (pidfd < 0)
            {
                throw new InvalidOperationException($"pidfd_open({pid}) failed: errno {Marshal.GetLastPInvokeError()}");
            }

            _ = Close(pipes[0]);
            _ = Close(pipes[3]);
            _ = Close(pipes[5]);
            made = 0;
            return new SpawnedChild(pid, (int)pidfd, pipes[1], new SafePipeHandle(pipes[2], ownsHandle: true), new SafePipeHandle(pipes[4], ownsHandle: true));
        }
        finally
        {
            for (var i = 0; i < made * 2; i++)
            {
                _ = Close(pipes[i]);
            }

            _ = PosixSpawnFileActionsDestroy(actions);
            _ = PosixSpawnAttrDestroy(attr);
            NativeMemory.Free(attr);
            NativeMemory.Free(actions);
            NativeMemory.Free(signals);
            foreach (var pointer in strings)
            {
                NativeMemory.Free((void*)pointer);
            }
        }
    }

    /// <summary>The text of an errno value.</summary>
    public static string Describe(int error) => Marshal.GetPInvokeErrorMessage(error);

    private static bool MakePipe(int* ends)
    {
        if (Pipe2(ends, OCloexec) != 0)
        {
            return false;
        }

        // A host started with 0-2 closed would get them back here; a dup2 onto 0-2 must never hit our own pipes.
        for (var i = 0; i < 2; i++)
        {
            if (ends[i] < 3)
            {
                var moved = Fcntl(ends[i], FDupfdCloexec, 3);
                _ = Close(ends[i]);
                ends[i] = moved;
            }
        }

        return ends[0] >= 0 && ends[1] >= 0;
    }

    private static nint Utf8(string text, List<nint> owned)
    {
        var length = System.Text.Encoding.UTF8.GetByteCount(text);
        var pointer = (byte*)NativeMemory.Alloc((nuint)length + 1);
        owned.Add((nint)pointer);
        System.Text.Encoding.UTF8.GetBytes(text, new Span<byte>(pointer, length));
        pointer[length] = 0;
        return (nint)pointer;
    }

    /// <summary><c>key=value</c> as a C string, without making it a string first (once per variable of every spawn).</summary>
    private static nint Utf8(string key, string value, List<nint> owned)
    {
        var keyLength = System.Text.Encoding.UTF8.GetByteCount(key);
        var valueLength = System.Text.Encoding.UTF8.GetByteCount(value);
        var pointer = (byte*)NativeMemory.Alloc((nuint)(keyLength + valueLength) + 2);
        owned.Add((nint)pointer);
        System.Text.Encoding.UTF8.GetBytes(key, new Span<byte>(pointer, keyLength));
        pointer[keyLength] = (byte)'=';
        System.Text.Encoding.UTF8.GetBytes(value, new Span<byte>(pointer + keyLength + 1, valueLength));
        pointer[keyLength + valueLength + 1] = 0;
        return (nint)pointer;
    }

    private static void Check(int result)
    {
        if (result != 0)
        {
            throw new InvalidOperationException($"posix_spawn set-up failed: {Describe(result)}");
        }
    }

    private static long PidfdOpen(int pid) => Syscall(PidfdOpenSyscall, pid, 0);

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall(long number, long first, long second);

    [LibraryImport("libc", EntryPoint = "pipe2", SetLastError = true)]
    private static partial int Pipe2(int* fds, int flags);

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int Fcntl(int fd, int command, int argument);

    [LibraryImport("libc", EntryPoint = "close")]
    internal static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "sigemptyset")]
    private static partial int SignalEmptySet(void* set);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_init")]
    private static partial int PosixSpawnAttrInit(void* attr);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_destroy")]
    private static partial int PosixSpawnAttrDestroy(void* attr);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_setflags")]
    private static partial int PosixSpawnAttrSetFlags(void* attr, short flags);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_setsigmask")]
    private static partial int PosixSpawnAttrSetSignalMask(void* attr, void* set);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_init")]
    private static partial int PosixSpawnFileActionsInit(void* actions);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_destroy")]
    private static partial int PosixSpawnFileActionsDestroy(void* actions);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_adddup2")]
    private static partial int PosixSpawnFileActionsAddDup2(void* actions, int fd, int target);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_addclosefrom_np")]
    private static partial int PosixSpawnFileActionsAddClosefrom(void* actions, int from);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_addchdir_np", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int PosixSpawnFileActionsAddChdir(void* actions, string path);

    [LibraryImport("libc", EntryPoint = "posix_spawn", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int PosixSpawnCall(int* pid, string path, void* actions, void* attr, nint* argv, nint* envp);
}
