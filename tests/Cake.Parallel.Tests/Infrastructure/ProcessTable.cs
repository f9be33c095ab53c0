using System.Text;

namespace Cake.Parallel.Tests.Infrastructure;

/// <summary>Reads /proc to find live processes and sends signals, for the no-orphan assertions.</summary>
internal static class ProcessTable
{
    /// <summary>Pids of live (non-zombie) processes whose command line or environment contains <paramref name="marker"/>.</summary>
    public static IReadOnlyList<int> WithMarker(string marker)
    {
        var found = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            if (Contains(Path.Combine(directory, "cmdline"), marker) || Contains(Path.Combine(directory, "environ"), marker))
            {
                found.Add(pid);
            }
        }

        return found;
    }

    /// <summary>Describes the processes, for failure messages.</summary>
    public static string Describe(IEnumerable<int> pids) =>
        string.Join("; ", pids.Select(pid => $"{pid}: {Read(Path.Combine("/proc", pid.ToString(System.Globalization.CultureInfo.InvariantCulture), "cmdline")).Replace('\0', ' ')}"));

    /// <summary>Sends <paramref name="signal"/> (e.g. <c>INT</c>) to every process of group <paramref name="processGroup"/>, as a terminal's Ctrl+C does.</summary>
    public static void SignalGroup(int processGroup, string signal)
    {
        using var kill = ChildProcess.Start("/bin/sh", ["-c", $"kill -{signal} -{processGroup}"], "/");
        var exitCode = kill.WaitForExit(TimeSpan.FromSeconds(10));
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"kill -{signal} -{processGroup} exited with {exitCode}: {kill.Output}");
        }
    }

    private static bool Contains(string file, string marker) => Read(file).Contains(marker, StringComparison.Ordinal);

    private static string Read(string file)
    {
        try
        {
            return Encoding.UTF8.GetString(File.ReadAllBytes(file));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The process exited while we looked.
            return "";
        }
    }
}
