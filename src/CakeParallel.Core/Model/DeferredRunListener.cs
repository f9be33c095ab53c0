using System.Collections.Concurrent;

namespace CakeParallel.Model;

/// <summary>
/// Hands a run's events to a listener on the thread that calls <see cref="DeliverUntil"/> (the host's own thread,
/// which waits for the run anyway), in the order they happened, instead of on the engine's threads as they happen:
/// a listener that writes to a slow log then never holds up the next leg's start. Like the runner, it keeps the
/// first exception the listener throws, hands it no further events, and reports the exception once the run ended.
/// Create it on the thread that will call <see cref="DeliverUntil"/>: events the run sends on that thread (its
/// synchronous start, such as a <see cref="IRunListener.LegQueued"/> for every leg) are handed on at once, after any
/// queued before them, since that thread cannot wait for itself to make room in the queue.
/// <c>ParallelRunner.Run</c> does all of this for a host that only waits for the run.
/// </summary>
/// <example>
/// <code>
/// var deferred = new DeferredRunListener(myListener);
/// var run = ParallelRunner.RunAsync(plan.WithListener(deferred), cancellationToken);
/// deferred.DeliverUntil(run); // myListener hears every event here, on this thread
/// var result = run.GetAwaiter().GetResult();
/// </code>
/// </example>
/// <param name="listener">The listener that hears the events.</param>
public sealed class DeferredRunListener(IRunListener listener) : IRunListener
{
    // Bounded, so a chatty leg's output lines wait for a slow listener (as they would without the queue) rather than
    // pile up in memory.
    private readonly BlockingCollection<Action> _events = new(boundedCapacity: 4096);
    private readonly int _deliveringThread = Environment.CurrentManagedThreadId;
    private Exception? _failure;

    /// <inheritdoc />
    public void LegQueued(LegSpec leg) => Defer(() => listener.LegQueued(leg));

    /// <inheritdoc />
    public void AttemptStarted(LegSpec leg, int attempt, string logFile) => Defer(() => listener.AttemptStarted(leg, attempt, logFile));

    /// <inheritdoc />
    public void OutputLine(LegSpec leg, OutputLine line) => Defer(() => listener.OutputLine(leg, line));

    /// <inheritdoc />
    public void RetryScheduled(LegSpec leg, AttemptRecord attempt) => Defer(() => listener.RetryScheduled(leg, attempt));

    /// <inheritdoc />
    public void LegCompleted(LegResult result) => Defer(() => listener.LegCompleted(result));

    /// <inheritdoc />
    public void AdmissionNotice(AdmissionNotice notice) => Defer(() => listener.AdmissionNotice(notice));

    /// <inheritdoc />
    public void ServiceEvent(ServiceEvent serviceEvent) => Defer(() => listener.ServiceEvent(serviceEvent));

    /// <inheritdoc />
    public void RunCompleted(RunResult result) => Defer(() => listener.RunCompleted(result));

    /// <summary>
    /// Hands the events to the listener on the calling thread until <paramref name="run"/> has completed and every
    /// event it sent was handed on; call it once.
    /// </summary>
    /// <param name="run">The run whose listener this is (its outcome is left to the caller).</param>
    /// <exception cref="InvalidOperationException">
    /// The listener threw (and the run itself succeeded); it heard no event after that one. Or this is not the thread
    /// that created this instance.
    /// </exception>
    public void DeliverUntil(Task run)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (Environment.CurrentManagedThreadId != _deliveringThread)
        {
            throw new InvalidOperationException("DeliverUntil must be called on the thread that created the DeferredRunListener.");
        }

        run.ContinueWith(_ => _events.CompleteAdding(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        foreach (var deliver in _events.GetConsumingEnumerable())
        {
            Deliver(deliver);
        }

        // A run that failed itself (a report that could not be written) says so first, as the runner does.
        if (_failure is { } failure && run.IsCompletedSuccessfully)
        {
            throw new InvalidOperationException($"A run listener threw ({failure.Message}); every leg ran to its end regardless.", failure);
        }
    }

    private void Defer(Action deliver)
    {
        if (Environment.CurrentManagedThreadId == _deliveringThread && !_events.IsAddingCompleted)
        {
            // Blocking here on a full queue would wait for this very thread: hand on what waits, then this event.
            while (_events.TryTake(out var queued))
            {
                Deliver(queued);
            }

            Deliver(deliver);
            return;
        }

        try
        {
            _events.Add(deliver);
        }
        catch (InvalidOperationException)
        {
            // The run has completed: nothing it sends afterwards is its own.
        }
    }

    private void Deliver(Action deliver)
    {
        if (_failure is not null)
        {
            return;
        }

        try
        {
            deliver();
        }
        catch (Exception exception)
        {
            _failure = exception;
        }
    }
}
