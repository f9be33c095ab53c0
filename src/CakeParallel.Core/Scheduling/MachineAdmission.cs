using System.Diagnostics;
using CakeParallel.Model;

namespace CakeParallel.Scheduling;

/// <summary>
/// Admits a run's attempts machine-wide, after the run's own <see cref="RunOptions.MaxParallel"/> slot: one slot
/// of the shared pool (<see cref="RunOptions.SharedSlots"/>), then memory and load
/// (<see cref="RunOptions.MinFreeMemory"/>, <see cref="LegSpec.Memory"/>, <see cref="RunOptions.MaxLoad"/>).
/// Waiting polls every 50 ms: flock(2) cannot wake a waiter in another process, and a poll is a few syscalls.
/// </summary>
internal sealed class MachineAdmission
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    private readonly MachineSlotPool? _pool;
    private readonly RunOptions? _options;

    private MachineAdmission(MachineSlotPool? pool, RunOptions? options)
    {
        _pool = pool;
        _options = options;
    }

    /// <summary>Admits every attempt at once: no pool, no memory or load limit.</summary>
    public static MachineAdmission None { get; } = new(null, null);

    /// <summary>The admission <paramref name="options"/> ask for; opens (or creates) the shared pool.</summary>
    /// <param name="options">The run's options.</param>
    /// <param name="countWarning">Set when the shared pool exists with another count.</param>
    /// <exception cref="IOException">The shared pool's files cannot be created or opened.</exception>
    public static MachineAdmission For(RunOptions options, out string? countWarning)
    {
        countWarning = null;
        var pool = options.SharedSlots is { } slots ? MachineSlotPool.Open(slots, out countWarning) : null;
        return new MachineAdmission(pool, options);
    }

    /// <summary>Waits until <paramref name="leg"/>'s attempt may start, and holds what it was given until disposed.</summary>
    /// <exception cref="AdmissionTimeoutException">A first attempt was not admitted within <see cref="RunOptions.AdmissionTimeout"/>.</exception>
    /// <exception cref="OperationCanceledException">The run stopped while the attempt waited.</exception>
    public async Task<Admitted> AdmitAsync(LegAdmission leg, CancellationToken cancellationToken)
    {
        var needsResources = _options is not null && (leg.Leg.Memory is not null || _options.MinFreeMemory is not null || _options.MaxLoad is not null);
        if (_pool is null && !needsResources)
        {
            return Admitted.Immediately;
        }

        var clock = Stopwatch.StartNew();
        var timeout = leg.IsFirstAttempt ? _options!.AdmissionTimeout : null;
        var slot = -1;
        var waited = false;
        while (true)
        {
            string waitingFor;
            if (_pool is not null && slot < 0 && (slot = _pool.TryAcquire()) < 0)
            {
                waitingFor = "a slot of the shared pool '" + _pool.Name + "'";
                leg.NotifyOnce(ErrorCodes.WaitingForSharedSlot, () => $"waiting for a machine-wide slot: {_pool.DescribeHolders()}");
            }
            else if (!needsResources)
            {
                return new Admitted(_pool, slot, null, waited ? clock.Elapsed : TimeSpan.Zero);
            }
            else
            {
                try
                {
                    if (MachineResources.TryAdmit(leg.Leg.Memory, _options!.MinFreeMemory, _options.MaxLoad, out var reservation, out var shortage))
                    {
                        return new Admitted(_pool, slot, reservation, waited ? clock.Elapsed : TimeSpan.Zero);
                    }

                    waitingFor = shortage;
                    leg.NotifyOnce(ErrorCodes.WaitingForResources, () => "waiting for " + shortage);
                }
                catch
                {
                    Release(slot);
                    throw;
                }
            }

            if (timeout is { } limit && clock.Elapsed >= limit)
            {
                Release(slot);
                throw new AdmissionTimeoutException($"waited {DurationText.Format(limit)} for {waitingFor}");
            }

            waited = true;
            try
            {
                await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                Release(slot);
                throw;
            }
        }
    }

    private void Release(int slot)
    {
        if (slot >= 0)
        {
            _pool!.Release(slot);
        }
    }

    /// <summary>What one attempt was given: a shared slot, a memory reservation; given back on dispose.</summary>
    internal sealed class Admitted(MachineSlotPool? pool, int slot, IDisposable? reservation, TimeSpan waited) : IDisposable
    {
        public static Admitted Immediately { get; } = new(null, -1, null, TimeSpan.Zero);

        /// <summary>How long the attempt waited.</summary>
        public TimeSpan Waited { get; } = waited;

        public void Dispose()
        {
            reservation?.Dispose();
            if (slot >= 0)
            {
                pool!.Release(slot);
            }
        }
    }
}

/// <summary>One leg's side of admission: whether its next attempt is its first, and which waits it has announced.</summary>
/// <param name="leg">The leg.</param>
/// <param name="notify">Receives each notice (once per leg and kind of wait).</param>
internal sealed class LegAdmission(LegSpec leg, Action<AdmissionNotice> notify)
{
    private readonly HashSet<string> _announced = [];

    /// <summary>The leg.</summary>
    public LegSpec Leg { get; } = leg;

    /// <summary>Whether no attempt of the leg has been admitted yet.</summary>
    public bool IsFirstAttempt { get; set; } = true;

    /// <summary>Sends the notice <paramref name="code"/> unless the leg already did.</summary>
    public void NotifyOnce(string code, Func<string> message)
    {
        if (_announced.Add(code))
        {
            notify(new AdmissionNotice(code, Leg, message()));
        }
    }
}

/// <summary>A first attempt was not admitted within <see cref="RunOptions.AdmissionTimeout"/>.</summary>
internal sealed class AdmissionTimeoutException(string reason) : Exception(reason);
