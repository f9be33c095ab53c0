using System.Globalization;

namespace CakeParallel.Tests;

/// <summary>
/// Finds live processes that carry a marker environment variable. Every descendant of a leg inherits its
/// environment, so a marker finds grandchildren and double-forked orphans too.
/// </summary>
internal static class ProcessScan
{
    public const string MarkerVariable = "CPAR_TEST_MARKER";

    public static string NewMarker() => "m" + Guid.NewGuid().ToString("N");

    public static Dictionary<string, string?> Env(string marker) => new() { [MarkerVariable] = marker };

    public static IReadOnlyList<int> LiveWithMarker(string marker)
    {
        var needle = System.Text.Encoding.UTF8.GetBytes(MarkerVariable + "=" + marker + "\0");
        var found = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                var environ = File.ReadAllBytes(Path.Combine(directory, "environ"));
                if (environ.AsSpan().IndexOf(needle) < 0)
                {
                    continue;
                }

                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var state = stat[(stat.LastIndexOf(')') + 2)..][0];
                if (state is not ('Z' or 'X'))
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

    /// <summary>Kills what a test deliberately let escape, so one test's leftovers never disturb another.</summary>
    public static void KillAll(string marker)
    {
        foreach (var pid in LiveWithMarker(marker))
        {
            try
            {
                System.Diagnostics.Process.GetProcessById(pid).Kill();
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // Already gone.
            }
        }
    }
}
