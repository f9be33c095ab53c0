using CakeParallel.Model;
using CakeParallel.Runs;
using CakeParallel.Supervision;

namespace CakeParallel.Tests.Faults;

/// <summary>Default log folders are one per run and pruned; a leg's log has a size cap that keeps both ends.</summary>
public sealed class LogFolderTests : IDisposable
{
    private readonly Scratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task Two_runs_started_at_once_in_one_process_get_their_own_default_log_folders()
    {
        var runs = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => ParallelRunner.RunAsync([LegSpec.Shell("same", "echo hi")], new RunOptions())));

        var folders = runs.Select(r => Path.GetDirectoryName(r.Legs[0].LogFile)!).ToArray();
        folders[0].ShouldNotBe(folders[1]);
        folders.ShouldAllBe(f => Path.GetDirectoryName(f) == RunLogFolder.DefaultParent);
        Path.GetFileName(folders[0]).ShouldBe(runs[0].RunId);
        foreach (var folder in folders)
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Pruning_keeps_the_newest_run_folders_and_any_in_use_or_just_touched()
    {
        var parent = _scratch.PathOf("parent");
        var folders = Enumerable.Range(0, 25).Select(i =>
        {
            var folder = Directory.CreateDirectory(Path.Combine(parent, Guid.CreateVersion7().ToString())).FullName;
            Directory.SetLastWriteTimeUtc(folder, DateTime.UtcNow.AddHours(-25 + i));
            return folder;
        }).ToList();
        var other = Directory.CreateDirectory(Path.Combine(parent, "services")).FullName;
        Directory.SetLastWriteTimeUtc(other, DateTime.UtcNow.AddDays(-3));

        // The oldest folder is held by a running run: its journal is open.
        using var held = new FileStream(Path.Combine(folders[0], RunLogFolder.JournalFileName), FileMode.Create, FileAccess.Write, FileShare.Read);
        Directory.SetLastWriteTimeUtc(folders[0], DateTime.UtcNow.AddDays(-1));
        // A finished run's journal is closed: its folder may go.
        File.WriteAllText(Path.Combine(folders[1], RunLogFolder.JournalFileName), "{}\n");
        Directory.SetLastWriteTimeUtc(folders[1], DateTime.UtcNow.AddDays(-1));

        RunLogFolder.Prune(parent, 19);

        Directory.Exists(folders[0]).ShouldBeTrue("in use");
        Directory.Exists(other).ShouldBeTrue("not a run folder");
        folders.Skip(1).Take(5).ShouldAllBe(f => !Directory.Exists(f));
        folders.Skip(6).ShouldAllBe(f => Directory.Exists(f));
    }

    [Fact]
    public async Task A_log_over_its_cap_keeps_its_beginning_and_end_and_states_the_cut()
    {
        var leg = LegSpec.Shell("chatty", "echo first-line; seq 1 200000; echo last-line");
        var options = _scratch.Options() with { MaxLogBytes = 256 * 1024 };

        var result = await ParallelRunner.RunAsync([leg], options);

        var log = result.Legs[0].LogFile!;
        new FileInfo(log).Length.ShouldBeLessThanOrEqualTo((256 * 1024) + 200);
        var lines = File.ReadAllLines(log);
        lines.ShouldContain(l => l.EndsWith(" out first-line", StringComparison.Ordinal));
        lines.ShouldContain(l => l.EndsWith(" out last-line", StringComparison.Ordinal));
        lines.ShouldContain(l => l.EndsWith(" out 200000", StringComparison.Ordinal));
        lines.ShouldContain(l => l.Contains(" --- … ", StringComparison.Ordinal) && l.EndsWith(" cut here (MaxLogBytes) …", StringComparison.Ordinal));
        lines.ShouldNotContain(l => l.EndsWith(" out 100000", StringComparison.Ordinal));
        lines[^1].ShouldContain("attempt ended");
        Directory.GetFiles(Path.GetDirectoryName(log)!, "*.tail-*").ShouldBeEmpty();
    }

    [Fact]
    public async Task Without_a_cap_nothing_is_cut()
    {
        var result = await ParallelRunner.RunAsync([LegSpec.Shell("chatty", "seq 1 200000")], _scratch.Options() with { MaxLogBytes = null });

        File.ReadAllLines(result.Legs[0].LogFile!).Count(l => l.Contains(" out ", StringComparison.Ordinal)).ShouldBe(200000);
    }
}
