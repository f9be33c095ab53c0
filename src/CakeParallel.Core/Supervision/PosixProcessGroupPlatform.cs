using System.ComponentModel;
using System.Globalization;
using System.Runtime.InteropServices;

namespace CakeParallel.Supervision;

/// <summary>
/// Process groups on POSIX: legs start through posix_spawn with <c>POSIX_SPAWN_SETSID</c>, so each leads a new
/// session and group whose id is its pid from its first instruction on. The group is signalled with kill(-pgid),
/// and liveness is read from <c>/proc</c>.
/// </summary>
internal sealed partial class PosixProcessGroupPlatform : ProcessGroupPlatform
{
    private const int Esrch = 3;

    public override SpawnedChild Start(string executable, IReadOnlyList<string> arguments, EnvironmentBlock inherited, IReadOnlyList<KeyValuePair<string, string?>> changes, string? workingDirectory)
    {
        var child = PosixSpawn.Spawn(executable, arguments, inherited, changes, workingDirectory, out var error);
        return error == 0 ? child : throw new Win32Exception(error, PosixSpawn.Describe(error));
    }

    public override void SignalGroup(int groupId, int signal)
    {
        // Never pid <= 1: kill(-1) signals every process we may signal, kill(0) our own group.
        if (groupId <= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(groupId), groupId, "Refusing to signal a process group id <= 1.");
        }

        _ = Kill(-groupId, signal);
    }

    public override void SignalProcess(int processId, int signal)
    {
        if (processId <= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(processId), processId, "Refusing to signal a process id <= 1.");
        }

        _ = Kill(processId, signal);
    }

    public override bool HasLiveMembers(int groupId)
    {
        if (Kill(-groupId, 0) != 0 && Marshal.GetLastPInvokeError() == Esrch)
        {
            return false;
        }

        // kill(-pgid, 0) also succeeds for zombies no one has reaped yet; those are dead, so look closer.
        return LiveMembers(groupId).Count > 0;
    }

    public override IReadOnlyList<int> LiveMembers(int groupId)
    {
        var members = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            var name = Path.GetFileName(directory.AsSpan());
            if (!int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            if (ProcStat.TryRead(pid, out var stat) && stat.ProcessGroup == groupId && stat.State != 'Z' && stat.State != 'X')
            {
                members.Add(pid);
            }
        }

        return members;
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
