using Microsoft.Build.Framework;

namespace CakeParallel.MSBuild.Tests;

/// <summary>Runs a task's Execute on a dedicated thread, as MSBuild does, and records which thread that was.</summary>
internal sealed class TaskRun
{
    private readonly Thread _thread;
    private bool _result;

    private TaskRun(ITask task, RecordingBuildEngine engine)
    {
        _thread = new Thread(() =>
        {
            ThreadId = Environment.CurrentManagedThreadId;
            _result = task.Execute();
            engine.MarkExecuteReturned();
        });
        _thread.Start();
    }

    public int ThreadId { get; private set; }

    public static TaskRun Start(ITask task, RecordingBuildEngine engine) => new(task, engine);

    public static (bool Result, int ThreadId) Execute(ITask task, RecordingBuildEngine engine)
    {
        var run = Start(task, engine);
        return (run.Wait(TimeSpan.FromMinutes(2)), run.ThreadId);
    }

    public bool Wait(TimeSpan limit)
    {
        if (!_thread.Join(limit))
        {
            throw new TimeoutException($"Execute did not return within {limit}.");
        }

        return _result;
    }
}
