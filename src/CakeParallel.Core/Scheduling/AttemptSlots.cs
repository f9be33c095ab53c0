using CakeParallel.Supervision;

namespace CakeParallel.Scheduling;

/// <summary>
/// Owns every slot of a run: at most N attempts run at once, first attempts and retries alike. Legs start in
/// order, each when a slot is free for its first attempt; a retry of a started leg gets a slot before any leg that
/// has not started, so started work finishes first. A slot is given back when its attempt returns.
/// </summary>
internal sealed class AttemptSlots(int slots)
{
    private readonly Queue<TaskCompletionSource> _retries = new();
    private readonly Queue<TaskCompletionSource> _fresh = new();
    private readonly Lock _gate = new();
    private int _free = slots;

    /// <summary>
    /// Starts <paramref name="runLeg"/> for each leg in order, each once a slot for its first attempt is free, and
    /// returns when every started leg has returned. Starts no further leg once <paramref name="stop"/> is stopped.
    /// </summary>
    public async Task RunLegsAsync<TLeg>(IEnumerable<TLeg> legs, Func<TLeg, LegSlots, Task> runLeg, RunStop stop)
    {
        var running = new List<Task>();
        foreach (var leg in legs)
        {
            try
            {
                await AcquireAsync(isRetry: false, stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            if (stop.IsStopped)
            {
                Release();
                break;
            }

            running.Add(RunLegAsync(leg, new LegSlots(this), runLeg));
        }

        await Task.WhenAll(running).ConfigureAwait(false);
    }

    private static async Task RunLegAsync<TLeg>(TLeg leg, LegSlots slots, Func<TLeg, LegSlots, Task> runLeg)
    {
        // Yield first so the feeder can start the next leg while this one spawns its process.
        await Task.Yield();
        try
        {
            await runLeg(leg, slots).ConfigureAwait(false);
        }
        finally
        {
            slots.ReleaseUnusedFirstSlot();
        }
    }

    private Task AcquireAsync(bool isRetry, CancellationToken cancellationToken)
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

    private void Release()
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

    /// <summary>The slots of one leg's attempts: the first was taken when the leg started, each retry waits for one.</summary>
    public sealed class LegSlots
    {
        private readonly AttemptSlots _owner;
        private bool _holdsFirstSlot = true;

        internal LegSlots(AttemptSlots owner) => _owner = owner;

        /// <summary>Runs one attempt in a slot and gives the slot back when <paramref name="attempt"/> returns or throws.</summary>
        /// <param name="attempt">The attempt; whatever it does before returning happens while it still holds the slot.</param>
        /// <param name="cancellationToken">Cancels the wait for a retry's slot.</param>
        public async Task<T> RunAttemptAsync<T>(Func<Task<T>> attempt, CancellationToken cancellationToken)
        {
            if (_holdsFirstSlot)
            {
                _holdsFirstSlot = false;
            }
            else
            {
                await _owner.AcquireAsync(isRetry: true, cancellationToken).ConfigureAwait(false);
            }

            try
            {
                return await attempt().ConfigureAwait(false);
            }
            finally
            {
                _owner.Release();
            }
        }

        /// <summary>Gives back the first attempt's slot if the leg ended without running an attempt.</summary>
        internal void ReleaseUnusedFirstSlot()
        {
            if (_holdsFirstSlot)
            {
                _holdsFirstSlot = false;
                _owner.Release();
            }
        }
    }
}
