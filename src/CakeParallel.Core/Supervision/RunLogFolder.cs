using System.Text.RegularExpressions;

namespace CakeParallel.Supervision;

/// <summary>
/// Where a run's logs go when it names no folder: <c>temp/cakeparallel/&lt;run id&gt;</c>, unique per run (two runs
/// in the same millisecond in one process get two folders). That parent keeps the <see cref="KeptRuns"/> most
/// recent run folders; older ones are removed unless a run still holds them (its journal is locked) or they were
/// touched within the last minute.
/// </summary>
internal static partial class RunLogFolder
{
    /// <summary>How many run folders the default parent keeps.</summary>
    public const int KeptRuns = 20;

    /// <summary>The run journal's file name in a run's log folder (written by the reports layer, locked while the run lasts).</summary>
    public const string JournalFileName = "run-journal.jsonl";

    /// <summary>A run folder younger than this is never removed, even without a journal (its run may be starting).</summary>
    private static readonly TimeSpan MinimumAge = TimeSpan.FromMinutes(1);

    /// <summary>The default parent of run folders.</summary>
    public static string DefaultParent => Path.Combine(Path.GetTempPath(), "cakeparallel");

    /// <summary>
    /// <paramref name="logDirectory"/> when set; else this run's folder under <see cref="DefaultParent"/>, after
    /// removing old run folders there. Never throws: a folder that cannot be removed stays.
    /// </summary>
    public static string Choose(string? logDirectory, string runId)
    {
        if (logDirectory is not null)
        {
            return logDirectory;
        }

        Prune(DefaultParent, KeptRuns - 1);
        return Path.Combine(DefaultParent, runId);
    }

    /// <summary>Removes run folders in <paramref name="parent"/> beyond the <paramref name="keep"/> most recent, except those in use.</summary>
    internal static void Prune(string parent, int keep)
    {
        DirectoryInfo[] folders;
        try
        {
            folders = new DirectoryInfo(parent).GetDirectories()
                .Where(d => RunFolderName().IsMatch(d.Name))
                .OrderByDescending(d => d.LastWriteTimeUtc)
                .ToArray();
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return;
        }

        foreach (var folder in folders.Skip(keep))
        {
            if (DateTime.UtcNow - folder.LastWriteTimeUtc < MinimumAge || InUse(folder))
            {
                continue;
            }

            try
            {
                folder.Delete(recursive: true);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // Another process may be removing or using it; the next run tries again.
            }
        }
    }

    /// <summary>A running run holds its journal open with a shared lock; an exclusive open fails while it does.</summary>
    private static bool InUse(DirectoryInfo folder)
    {
        var journal = Path.Combine(folder.FullName, JournalFileName);
        try
        {
            using var probe = new FileStream(journal, FileMode.Open, FileAccess.Read, FileShare.None);
            return false;
        }
        catch (FileNotFoundException)
        {
            return false;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return true;
        }
    }

    // A run id (a UUID), or the timestamp-pid names earlier versions used.
    [GeneratedRegex(@"^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d{8}-\d{6}-\d{3}-\d+)$")]
    private static partial Regex RunFolderName();
}
