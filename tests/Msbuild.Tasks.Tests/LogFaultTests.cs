using static CakeParallel.MSBuild.Tests.CommandItems;

namespace CakeParallel.MSBuild.Tests;

/// <summary>The MSBuild task, in-process, over a full log disk and leg names a file system cannot take as they are.</summary>
public sealed class LogFaultTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly RecordingBuildEngine _engine = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Legs_over_a_full_log_disk_with_one_slot_all_run_and_the_task_returns()
    {
        using var disk = new SmallTmpfs();
        var chatty = "yes 'a line of output from a chatty build step, about eighty bytes long....' 2>/dev/null | head -c 5000000; echo; echo done";
        var task = new ParallelExec
        {
            BuildEngine = _engine,
            Commands = [Shell("one", chatty), Shell("two", chatty), Shell("three", "echo three")],
            LogDirectory = disk.Path,
            MaxParallel = 1,
        };

        var (result, _) = TaskRun.Execute(task, _engine);

        result.ShouldBeTrue(string.Join("\n", _engine.Errors.Select(e => e.Message)));
        task.Results.Select(r => r.GetMetadata("Status")).ShouldBe(["Succeeded", "Succeeded", "Succeeded"]);
    }

    [Fact]
    public void A_name_of_120_cjk_characters_and_an_emoji_name_run_with_one_slot()
    {
        var task = new ParallelExec
        {
            BuildEngine = _engine,
            Commands = [Shell(new string('漢', 120), "echo cjk"), Shell(string.Concat(Enumerable.Repeat("🚀", 80)), "echo emoji"), Shell("plain", "echo plain")],
            LogDirectory = _temp.Combine("logs"),
            MaxParallel = 1,
        };

        var (result, _) = TaskRun.Execute(task, _engine);

        result.ShouldBeTrue(string.Join("\n", _engine.Errors.Select(e => e.Message)));
        task.Results.ShouldAllBe(r => r.GetMetadata("Status") == "Succeeded" && File.Exists(r.GetMetadata("LogFile")));
    }
}
