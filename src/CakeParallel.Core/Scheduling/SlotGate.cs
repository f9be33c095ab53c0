namespace CakeParallel.Scheduling;

/// <summary>
/// At most N running attempts. Waiters are served first-come first-served, except that retries of legs already
/// started go before legs that have not started, so started work finishes first.
/// </summary>
internal sealed class SlotGate(int slots)
{
    private readonly Queue<TaskCompletionSource> _retries = new();
    private readonly Queue<TaskCompletionSource> _fresh = new();
    private readonly Lock _gate = new();
    private int _free = slots;

    public Task AcquireAsync(bool isRetry, CancellationToken cancellationToken)
    {
        TaskCompletionSource waiter;
        lock (_gate)
        {
            if (_free > 0 && _retries.Count == 0 && _fresh.Count == 0)
            {
                _free--;
                return Task.CompletedTask;
            }

            waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            (isRetry ? _retries : _fresh).Enqueue(waiter);
        }

        if (!cancellationToken.CanBeCanceled)
        {
            return waiter.Task;
        }

        // A waiter granted a slot before the cancellation keeps it (TrySetCanceled then fails): its caller owns the slot.
        var registration = cancellationToken.Register(() => waiter.TrySetCanceled(cancellationToken));
        return WaitAsync(waiter, registration);
    }

    public void Release()
    {
        lock (_gate)
        {
            while (_retries.TryDequeue(out var next) || _fresh.TryDequeue(out next))
            {
                if (next.TrySetResult())
                {
                    return;
                }
            }

            _free++;
        }
    }

    private static async Task WaitAsync(TaskCompletionSource waiter, CancellationTokenRegistration registration)
    {
        try
        {
            await waiter.Task.ConfigureAwait(false);
        }
        finally
        {
            await registration.DisposeAsync().ConfigureAwait(false);
        }
    }
}
