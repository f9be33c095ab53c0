using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace CakeParallel.Supervision;

/// <summary>
/// Process groups on POSIX: legs start through <c>setsid</c>, which (since a child of the runner is never a group
/// leader) calls setsid(2) and execs in place, so the leg keeps its pid and leads a new session and group whose id
/// is that pid. The group is signalled with kill(-pgid), and liveness is read from <c>/proc</c>.
/// </summary>
internal sealed partial class PosixProcessGroupPlatform : ProcessGroupPlatform
{
    private const int Esrch = 3;

    private readonly string _setsid = FindSetsid();

    public override ProcessStartInfo CreateStartInfo(string executable, IReadOnlyList<string> arguments)
    {
        var startInfo = new ProcessStartInfo(_setsid)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        startInfo.ArgumentList.Add(executable);
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        return startInfo;
    }

    public override void SignalGroup(int groupId, int signal)
    {
        // Never pid <= 1: kill(-1) signals every process we may signal, kill(0) our own group.
        if (groupId <= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(groupId), groupId, "Refusing to signal a process group id <= 1.");
        }

        if (Kill(-groupId, signal) != 0 && Marshal.GetLastPInvokeError() == Esrch)
        {
            // The leader may not have run setsid(2) yet (signalled within microseconds of its start): it is then
            // still in our group, so signal it alone; any child it had not forked yet will never exist.
            _ = Kill(groupId, signal);
        }
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

    private static string FindSetsid() =>
        PlatformRequirements.FindSetsid() ?? throw new PlatformNotSupportedException(PlatformRequirements.Problem());

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
