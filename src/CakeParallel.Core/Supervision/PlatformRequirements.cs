namespace CakeParallel.Supervision;

/// <summary>
/// What supervision needs from the machine: Linux, whose <c>/proc</c> tells which processes of a group are alive,
/// and whose pidfds tell when a leg exited; glibc's posix_spawn, which starts each leg as the leader of a session
/// and group of its own with no fd but 0–2.
/// </summary>
internal static class PlatformRequirements
{
    /// <summary>Why legs cannot run on this machine, in one sentence; <see langword="null"/> when they can.</summary>
    public static string? Problem()
    {
        if (!OperatingSystem.IsLinux())
        {
            return $"CakeParallel runs on Linux only (it supervises legs with posix_spawn, pidfds and /proc); this is {System.Runtime.InteropServices.RuntimeInformation.OSDescription}.";
        }

        if (!Directory.Exists("/proc/self"))
        {
            return "CakeParallel reads /proc to supervise legs, and /proc is not mounted here.";
        }

        return PosixSpawn.Problem();
    }
}
