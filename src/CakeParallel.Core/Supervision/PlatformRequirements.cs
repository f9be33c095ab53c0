namespace CakeParallel.Supervision;

/// <summary>
/// What supervision needs from the machine: Linux, whose <c>/proc</c> tells which processes of a group are alive,
/// and util-linux <c>setsid</c>, which starts each leg as the leader of a group of its own.
/// </summary>
internal static class PlatformRequirements
{
    /// <summary>The places <c>setsid</c> is looked for, in order.</summary>
    public static readonly IReadOnlyList<string> SetsidCandidates = ["/usr/bin/setsid", "/bin/setsid", "/usr/local/bin/setsid"];

    /// <summary>Why legs cannot run on this machine, in one sentence; <see langword="null"/> when they can.</summary>
    public static string? Problem()
    {
        if (!OperatingSystem.IsLinux())
        {
            return $"CakeParallel runs on Linux only (it supervises legs with util-linux setsid and reads /proc); this is {System.Runtime.InteropServices.RuntimeInformation.OSDescription}.";
        }

        if (!Directory.Exists("/proc/self"))
        {
            return "CakeParallel reads /proc to supervise legs, and /proc is not mounted here.";
        }

        if (FindSetsid() is null)
        {
            return "CakeParallel starts legs with util-linux setsid, which is not installed (Debian/Ubuntu: apt-get install util-linux).";
        }

        return null;
    }

    /// <summary>The <c>setsid</c> program, or <see langword="null"/> when none is installed.</summary>
    public static string? FindSetsid() => SetsidCandidates.FirstOrDefault(File.Exists);
}
