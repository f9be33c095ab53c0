using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace CakeParallel.Testing;

/// <summary>
/// Finds live processes by a marker, for the no-orphan assertions. Every descendant of a leg inherits its
/// environment, so a marker in the environment finds grandchildren and double-forked orphans too; a marker in the
/// command line finds processes started with it as an argument. The test process itself and zombies never count.
/// </summary>
public static class ProcessScan
{
    public const string MarkerVariable = "CPAR_TEST_MARKER";

    public static string NewMarker() => "m" + Guid.NewGuid().ToString("N");

    /// <summary>An environment that carries <paramref name="marker"/> in <see cref="MarkerVariable"/>.</summary>
    public static Dictionary<string, string?> Env(string marker) => new() { [MarkerVariable] = marker };

    /// <summary>Pids of live (non-zombie) processes whose environment or command line contains <paramref name="marker"/>.</summary>
    public static IReadOnlyList<int> LiveWithMarker(string marker)
    {
        var needle = Encoding.UTF8.GetBytes(marker);
        var found = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            try
            {
                if ((Contains(Path.Combine(directory, "environ"), needle) || Contains(Path.Combine(directory, "cmdline"), needle)) && !IsZombie(directory))
                {
                    found.Add(pid);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The process ended while we looked.
            }
        }

        return found;
    }

    /// <summary>Waits until at least <paramref name="count"/> marked processes are alive, or the limit passes.</summary>
    public static async Task<IReadOnlyList<int>> WaitForAtLeastAsync(string marker, int count, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        IReadOnlyList<int> found;
        while ((found = LiveWithMarker(marker)).Count < count && clock.Elapsed < limit)
        {
            await Task.Delay(100);
        }

        return found;
    }

    /// <summary>Describes the processes (pid and command line), for failure messages.</summary>
    public static string Describe(IEnumerable<int> pids) =>
        string.Join("; ", pids.Select(pid => $"{pid}: {CommandLine(pid)}"));

    /// <summary>Sends <paramref name="signal"/> (e.g. <c>INT</c>) to every process of group <paramref name="processGroup"/>, as a terminal's Ctrl+C does.</summary>
    public static void SignalGroup(int processGroup, string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", [$"-{signal}", "--", $"-{processGroup}"]) { RedirectStandardError = true })!;
        var error = kill.StandardError.ReadToEnd();
        kill.WaitForExit();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -{signal} -{processGroup} exited with {kill.ExitCode}: {error}");
        }
    }

    /// <summary>Kills what a test deliberately let escape, so one test's leftovers never disturb another.</summary>
    public static void KillAll(string marker)
    {
        foreach (var pid in LiveWithMarker(marker))
        {
            try
            {
                Process.GetProcessById(pid).Kill();
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // Already gone.
            }
        }
    }

    private static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/cmdline").Replace('\0', ' ').Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "(gone)";
        }
    }

    private static bool Contains(string file, byte[] needle) => File.ReadAllBytes(file).AsSpan().IndexOf(needle) >= 0;

    private static bool IsZombie(string directory)
    {
        var stat = File.ReadAllText(Path.Combine(directory, "stat"));
        return stat[(stat.LastIndexOf(')') + 2)..][0] is 'Z' or 'X';
    }
}
