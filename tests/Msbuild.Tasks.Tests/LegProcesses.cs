using System.Text;

namespace CakeParallel.MSBuild.Tests;

/// <summary>Finds live processes whose environment carries a marker, so tests can prove no leg process survived.</summary>
internal static class LegProcesses
{
    public static IReadOnlyList<int> WithMarker(string marker)
    {
        var needle = Encoding.UTF8.GetBytes(marker);
        var found = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(System.IO.Path.GetFileName(directory), out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            try
            {
                var environment = File.ReadAllBytes(System.IO.Path.Combine(directory, "environ"));
                if (environment.AsSpan().IndexOf(needle) >= 0 && !IsZombie(directory))
                {
                    found.Add(pid);
                }
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // The process exited meanwhile, or belongs to someone else.
            }
        }

        return found;
    }

    public static async Task<IReadOnlyList<int>> WaitForAtLeastAsync(string marker, int count, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        IReadOnlyList<int> found;
        while ((found = WithMarker(marker)).Count < count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        return found;
    }

    private static bool IsZombie(string directory)
    {
        var stat = File.ReadAllText(System.IO.Path.Combine(directory, "stat"));
        return stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z');
    }
}
