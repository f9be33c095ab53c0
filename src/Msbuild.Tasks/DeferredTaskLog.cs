using System.Collections.Concurrent;

namespace CakeParallel.MSBuild;

/// <summary>
/// Carries log writes from the engine's threads to the thread that runs <c>Execute</c>, because MSBuild's
/// logging is only reliable from that thread while <c>Execute</c> has not returned (later writes are dropped).
/// </summary>
internal sealed class DeferredTaskLog
{
    private readonly BlockingCollection<Action> _writes = new();

    /// <summary>Queues a write; ignored once the run has completed (nothing is written late).</summary>
    public void Post(Action write)
    {
        try
        {
            _writes.Add(write);
        }
        catch (InvalidOperationException)
        {
            // Completed: the Execute thread has stopped draining.
        }
    }

    /// <summary>Marks the end of the run: <see cref="DrainUntilCompleted"/> returns once the queue is empty.</summary>
    public void Complete() => _writes.CompleteAdding();

    /// <summary>Performs queued writes on the calling thread until <see cref="Complete"/> was called and all were written.</summary>
    public void DrainUntilCompleted()
    {
        foreach (var write in _writes.GetConsumingEnumerable())
        {
            write();
        }
    }
}
