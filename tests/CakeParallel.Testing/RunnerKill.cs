using System.Diagnostics;
using System.Globalization;

namespace CakeParallel.Testing;

/// <summary>Kills a leg's runner (the process that started it) with SIGKILL and waits for its keeper to clear the legs.</summary>
public static class RunnerKill
{
    /// <summary>
    /// The runner of the legs carrying <paramref name="marker"/>: the parent of their main processes. Only supervised
    /// processes count (a host whose command line names the marker is not a leg).
    /// </summary>
    public static int RunnerOf(string marker)
    {
        var legs = Supervised(marker);
        var parents = legs.Select(ParentOf).ToHashSet();
        // The runner is the one parent that is not itself a marked process (descendants of legs have marked parents).
        var runners = parents.Where(p => !legs.Contains(p)).ToList();
        return runners.Count == 1
            ? runners[0]
            : throw new InvalidOperationException($"expected one runner for the legs, found {runners.Count}: {ProcessScan.Describe(runners)}; legs: {ProcessScan.Describe(legs)}");
    }

    /// <summary>Sends SIGKILL to <paramref name="pid"/>.</summary>
    public static void Kill(int pid)
    {
        using var kill = Process.Start("kill", ["-KILL", pid.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <summary>Waits until no supervised process carries <paramref name="marker"/> or <paramref name="limit"/> passes; returns what is left.</summary>
    public static async Task<IReadOnlyList<int>> WaitForNoneAsync(string marker, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        IReadOnlyList<int> left;
        while ((left = Supervised(marker)).Count > 0 && clock.Elapsed < limit)
        {
            await Task.Delay(50);
        }

        return left;
    }

    /// <summary>Marked processes that a CakeParallel runner started (or their descendants): they carry its per-process marker.</summary>
    public static IReadOnlyList<int> Supervised(string marker) => ProcessScan.LiveWithMarker(marker).Where(IsSupervised).ToList();

    private static bool IsSupervised(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/environ").Contains("CAKEPARALLEL_PROCESS=", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static int ParentOf(int pid)
    {
        try
        {
            // /proc/PID/stat: "pid (comm) state ppid ..."; comm may hold spaces and parentheses, so split after the last ')'.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.Parse(fields[1], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
