using System.Globalization;
using CakeParallel.Model;
using CakeParallel.Supervision;

namespace CakeParallel.Scheduling;

/// <summary>
/// Owns every slot of a run: at most N attempts run at once, first attempts and retries alike, and each endpoint
/// (a docker engine of a pool) runs at most its own limit. A waiting attempt goes to an endpoint that is up, takes
/// its leg's platform and has a free slot; ties go to the endpoint with the most free slots. Legs start in order
/// as far as their platforms allow; a retry of a started leg gets a slot before any leg that has not started, so
/// started work finishes first. A slot is given back when its attempt returns. An endpoint found not answering is
/// down: it gets no attempts and is probed again with backoff until it answers or the run ends; an attempt whose
/// every possible endpoint is down fails at once with <see cref="NoEndpointException"/> instead of waiting forever.
/// After its run slot, an attempt is admitted machine-wide (<see cref="MachineAdmission"/>): a shared slot, memory, load.
/// A leg that needs other legs asks for its first slot only once they are done (see <see cref="LegPlacement"/>),
/// and then takes its place in the start order; one that needs an image only one engine has waits for that engine,
/// and moves (its needs built again elsewhere) when that engine is down.
/// </summary>
internal sealed class AttemptSlots
{
    private static readonly TimeSpan FirstRecoveryProbe = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LongestRecoveryProbe = TimeSpan.FromSeconds(15);

    private readonly List<Waiter> _retries = [];
    private readonly List<Waiter> _fresh = [];
    private readonly EndpointState[] _endpoints;
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _runEnded = new();
    private readonly List<Task> _recoveries = [];
    private readonly MachineAdmission _machine;
    private int _free;

    /// <summary>N slots of one run only, no endpoints, without machine-wide admission: every attempt runs as its leg says.</summary>
    public AttemptSlots(int slots)
        : this(slots, [SlotEndpoint.Local(slots)], MachineAdmission.None)
    {
    }

    /// <summary>At most <paramref name="slots"/> attempts at once, each on one of <paramref name="endpoints"/> within its limit, each admitted by <paramref name="machine"/>.</summary>
    public AttemptSlots(int slots, IReadOnlyList<SlotEndpoint> endpoints, MachineAdmission machine)
    {
        _free = slots;
        _endpoints = endpoints.Select(e => new EndpointState(e)).ToArray();
        _machine = machine;
    }

    /// <summary>
    /// Starts <paramref name="runLeg"/> for each leg once <paramref name="placementOf"/> says where it may run and a
    /// slot for its first attempt is free there, and returns when every started leg has returned. Starts no further
    /// leg once <paramref name="stop"/> is stopped; a leg whose every endpoint is down is handed to
    /// <paramref name="notPlaced"/> with the reason instead.
    /// </summary>
    /// <param name="legs">The legs, in the order they start.</param>
    /// <param name="placementOf">Where a leg may run, once it may (a leg that needs others waits here, holding no slot); <see langword="null"/>: it does not run (the callback recorded why).</param>
    /// <param name="runLeg">Runs a leg in its slots.</param>
    /// <param name="notPlaced">Takes a leg no endpoint can take, and why.</param>
    /// <param name="stop">The run's stop; cancels the waits.</param>
    public async Task RunLegsAsync<TLeg>(IEnumerable<TLeg> legs, Func<TLeg, CancellationToken, Task<LegPlacement?>> placementOf, Func<TLeg, LegSlots, Task> runLeg, Action<TLeg, string> notPlaced, RunStop stop)
    {
        // Every leg queues now, in order, so a leg waiting for a busy platform does not hold back the ones after it.
        var running = legs.Select((leg, rank) => PlaceAndRunAsync(leg, rank, placementOf, runLeg, notPlaced, stop)).ToList();
        try
        {
            await Task.WhenAll(running).ConfigureAwait(false);
        }
        finally
        {
            await _runEnded.CancelAsync().ConfigureAwait(false);
            Task[] recoveries;
            lock (_gate)
            {
                recoveries = [.. _recoveries];
            }

            await Task.WhenAll(recoveries).ConfigureAwait(false);
            _runEnded.Dispose();
        }
    }

    /// <summary>
    /// After an attempt on <paramref name="endpoint"/> failed: asks whether the endpoint still answers. If not, it is
    /// marked down (no attempt goes there until a recovery probe gets an answer) and the reason is returned.
    /// </summary>
    public async Task<string?> ConfirmAsync(SlotEndpoint endpoint)
    {
        if (endpoint.Probe is null)
        {
            return null;
        }

        var state = _endpoints.First(e => e.Endpoint == endpoint);
        lock (_gate)
        {
            if (state.DownReason is { } known)
            {
                return known;
            }
        }

        var answer = await endpoint.Probe(CancellationToken.None).ConfigureAwait(false);
        if (answer is null)
        {
            return null;
        }

        lock (_gate)
        {
            if (state.DownReason is null)
            {
                state.DownReason = $"engine '{endpoint.Name}' stopped answering at {DateTimeOffset.UtcNow.ToString("HH:mm:ss'Z'", CultureInfo.InvariantCulture)} ({answer})";
                _recoveries.Add(RecoverAsync(state));
                Dispatch();
            }

            return state.DownReason;
        }
    }

    private async Task PlaceAndRunAsync<TLeg>(TLeg leg, int rank, Func<TLeg, CancellationToken, Task<LegPlacement?>> placementOf, Func<TLeg, LegSlots, Task> runLeg, Action<TLeg, string> notPlaced, RunStop stop)
    {
        SlotEndpoint endpoint;
        LegPlacement placement;
        bool waited;
        try
        {
            if (await placementOf(leg, stop.Token).ConfigureAwait(false) is not { } placed)
            {
                return;
            }

            var acquired = AcquireOrRelocateAsync(placed, rank, isRetry: false, stop.Token);
            waited = !acquired.IsCompleted;
            (endpoint, placement) = await acquired.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        catch (NoEndpointException exception)
        {
            notPlaced(leg, exception.Message);
            return;
        }

        if (stop.IsStopped)
        {
            Release(endpoint);
            return;
        }

        // Yield first so the other legs keep being placed while this one spawns its process. A leg that waited for
        // its slot already runs on a thread of its own (slots are granted with asynchronous continuations).
        if (!waited)
        {
            await Task.Yield();
        }

        var slots = new LegSlots(this, endpoint, placement);
        try
        {
            await runLeg(leg, slots).ConfigureAwait(false);
        }
        finally
        {
            slots.ReleaseUnusedFirstSlot();
        }
    }

    /// <summary>
    /// Runs a leg once more, outside the start order and ahead of legs not yet started (as a retry is): a need built
    /// again because the engine that held its image went down and a leg still needs it.
    /// </summary>
    /// <exception cref="NoEndpointException">Every endpoint that takes the leg is down.</exception>
    public async Task<T> RunAgainAsync<T>(LegPlacement placement, Func<LegSlots, Task<T>> runLeg, CancellationToken cancellationToken)
    {
        var (endpoint, placed) = await AcquireOrRelocateAsync(placement, 0, isRetry: true, cancellationToken).ConfigureAwait(false);
        var slots = new LegSlots(this, endpoint, placed);
        try
        {
            return await runLeg(slots).ConfigureAwait(false);
        }
        finally
        {
            slots.ReleaseUnusedFirstSlot();
        }
    }

    /// <summary>The most times a leg moves because the one engine its needs' images were on went down.</summary>
    internal const int MaxRelocations = 3;

    /// <summary>
    /// A slot where <paramref name="placement"/> allows; when that is one engine and it is down, the leg moves first
    /// (its needs built again elsewhere, see <see cref="LegPlacement.Relocate"/>), and the slot is taken where it moved.
    /// </summary>
    private async Task<(SlotEndpoint Endpoint, LegPlacement Placement)> AcquireOrRelocateAsync(LegPlacement placement, int rank, bool isRetry, CancellationToken cancellationToken)
    {
        for (var moves = 0; ; moves++)
        {
            try
            {
                return (await AcquireAsync(placement, rank, isRetry, cancellationToken).ConfigureAwait(false), placement);
            }
            catch (NoEndpointException) when (placement.Relocate is { } relocate && moves < MaxRelocations)
            {
                placement = await relocate(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private Task<SlotEndpoint> AcquireAsync(LegPlacement placement, int rank, bool isRetry, CancellationToken cancellationToken)
    {
        var waiter = new Waiter(this, placement, rank);
        lock (_gate)
        {
            if (!FailWhenNoEndpointIsUp(waiter))
            {
                if (isRetry)
                {
                    _retries.Add(waiter);
                }
                else if (_fresh.Count == 0 || _fresh[^1].Rank <= rank)
                {
                    _fresh.Add(waiter);
                }
                else
                {
                    // A leg that waited for its needs queues at its place in the start order, not behind every leg that started waiting before it was ready.
                    _fresh.Insert(_fresh.FindIndex(w => w.Rank > rank), waiter);
                }

                Dispatch();
            }

            if (waiter.Source.Task.IsCompleted || !cancellationToken.CanBeCanceled)
            {
                return waiter.Source.Task;
            }
        }

        // A waiter granted a slot before the cancellation keeps it (TrySetCanceled then fails): its caller owns the slot.
        var registration = cancellationToken.Register(
            static (state, token) =>
            {
                var cancelled = (Waiter)state!;
                if (cancelled.Source.TrySetCanceled(token))
                {
                    lock (cancelled.Slots._gate)
                    {
                        cancelled.Slots.Dispatch();
                    }
                }
            },
            waiter);
        return WaitAsync(waiter, registration);
    }

    private void Release(SlotEndpoint endpoint)
    {
        lock (_gate)
        {
            foreach (var state in _endpoints)
            {
                if (state.Endpoint == endpoint)
                {
                    state.Running--;
                    break;
                }
            }

            _free++;
            Dispatch();
        }
    }

    /// <summary>Hands free slots to waiters, retries first, each in order; fails waiters no endpoint that is up could take. Caller holds the lock.</summary>
    private void Dispatch()
    {
        // With no slot free and every endpoint up, no waiter can be served or failed (one no endpoint takes failed
        // when it queued): stop there, so queueing and releasing stay cheap with thousands of legs waiting.
        var anyDown = AnyEndpointDown();
        if (DispatchFrom(_retries, anyDown))
        {
            DispatchFrom(_fresh, anyDown);
        }
    }

    /// <summary>Serves <paramref name="queue"/> in order (see <see cref="Dispatch"/>); false when no waiter behind could be served either.</summary>
    private bool DispatchFrom(List<Waiter> queue, bool anyDown)
    {
        for (var i = 0; i < queue.Count;)
        {
            var waiter = queue[i];
            if (waiter.Source.Task.IsCompleted)
            {
                queue.RemoveAt(i);
                continue;
            }

            if (_free == 0 && !anyDown)
            {
                return false;
            }

            if (FailWhenNoEndpointIsUp(waiter))
            {
                queue.RemoveAt(i);
                continue;
            }

            EndpointState? chosen = null;
            if (_free > 0)
            {
                foreach (var endpoint in _endpoints)
                {
                    if (waiter.Placement.Allows(endpoint.Endpoint) && endpoint.DownReason is null && endpoint.Running < endpoint.Endpoint.Limit
                        && (chosen is null || endpoint.Endpoint.Limit - endpoint.Running > chosen.Endpoint.Limit - chosen.Running))
                    {
                        chosen = endpoint;
                    }
                }
            }

            if (chosen is null)
            {
                i++;
                continue;
            }

            if (waiter.Source.TrySetResult(chosen.Endpoint))
            {
                chosen.Running++;
                _free--;
            }

            queue.RemoveAt(i);
        }

        return true;
    }

    private bool AnyEndpointDown()
    {
        foreach (var endpoint in _endpoints)
        {
            if (endpoint.DownReason is not null)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Fails <paramref name="waiter"/> when every endpoint its placement allows is down (or none is allowed).</summary>
    private bool FailWhenNoEndpointIsUp(Waiter waiter)
    {
        // Asked for every slot taken and every waiter served: no garbage while an endpoint that takes it is up.
        foreach (var endpoint in _endpoints)
        {
            if (endpoint.DownReason is null && waiter.Placement.Allows(endpoint.Endpoint))
            {
                return false;
            }
        }

        var takers = _endpoints.Where(e => waiter.Placement.Allows(e.Endpoint)).ToArray();
        if (!takers.All(e => e.DownReason is not null))
        {
            return false;
        }

        waiter.Source.TrySetException(new NoEndpointException(NoEndpointReason(waiter.Placement, takers)));
        return true;
    }

    private static string NoEndpointReason(LegPlacement placement, EndpointState[] takers)
    {
        var platform = placement.Platform is null ? "" : $" that builds '{placement.Platform}'";
        if (placement.Endpoint is { } only)
        {
            return takers.Length == 0
                ? $"the images of the legs it needs are only on engine '{only}', which is not an engine of this run{platform}"
                : $"the images of the legs it needs are only on engine '{only}', which is down: {takers[0].DownReason}";
        }

        return $"every engine{platform} is down: {string.Join("; ", takers.Select(e => e.DownReason))}";
    }

    private async Task RecoverAsync(EndpointState state)
    {
        var delay = FirstRecoveryProbe;
        try
        {
            while (true)
            {
                await Task.Delay(delay, _runEnded.Token).ConfigureAwait(false);
                if (await state.Endpoint.Probe!(_runEnded.Token).ConfigureAwait(false) is null && !_runEnded.IsCancellationRequested)
                {
                    lock (_gate)
                    {
                        state.DownReason = null;
                        Dispatch();
                    }

                    return;
                }

                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, LongestRecoveryProbe.Ticks));
            }
        }
        catch (OperationCanceledException)
        {
            // The run ended while the endpoint was down.
        }
    }

    private static async Task<SlotEndpoint> WaitAsync(Waiter waiter, CancellationTokenRegistration registration)
    {
        try
        {
            return await waiter.Source.Task.ConfigureAwait(false);
        }
        finally
        {
            await registration.DisposeAsync().ConfigureAwait(false);
        }
    }

    private sealed class Waiter(AttemptSlots slots, LegPlacement placement, int rank)
    {
        /// <summary>Where it waits (for a cancellation to serve the next waiter).</summary>
        public AttemptSlots Slots { get; } = slots;

        public LegPlacement Placement { get; } = placement;

        /// <summary>The leg's place in the start order (first attempts are served in this order).</summary>
        public int Rank { get; } = rank;

        public TaskCompletionSource<SlotEndpoint> Source { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class EndpointState(SlotEndpoint endpoint)
    {
        public SlotEndpoint Endpoint { get; } = endpoint;

        public int Running { get; set; }

        public string? DownReason { get; set; }
    }

    /// <summary>The slots of one leg's attempts: the first was taken when the leg started, each retry waits for one.</summary>
    public sealed class LegSlots
    {
        private readonly AttemptSlots _owner;
        private LegPlacement _placement;
        private SlotEndpoint? _firstSlot;

        internal LegSlots(AttemptSlots owner, SlotEndpoint firstSlot, LegPlacement placement)
        {
            _owner = owner;
            _firstSlot = firstSlot;
            _placement = placement;
        }

        /// <summary>The slot owner, which confirms whether an endpoint went away.</summary>
        public AttemptSlots Owner => _owner;

        /// <summary>
        /// The leg as its needs' results make it where it runs now (it changes when the leg moved because the engine
        /// that held its needs' images went down); <see langword="null"/>: as planned.
        /// </summary>
        public LegSpec? Leg => _placement.Leg;

        /// <summary>Runs one attempt in a slot and gives the slot back when <paramref name="attempt"/> returns or throws.</summary>
        /// <param name="attempt">The attempt, given the endpoint it runs on; whatever it does before returning happens while it still holds the slot.</param>
        /// <param name="cancellationToken">Cancels the wait for a retry's slot.</param>
        /// <exception cref="NoEndpointException">Every endpoint that takes the leg is down.</exception>
        public Task<T> RunAttemptAsync<T>(Func<SlotEndpoint, Task<T>> attempt, CancellationToken cancellationToken) =>
            RunAttemptAsync((endpoint, _) => attempt(endpoint), null, cancellationToken);

        /// <summary>
        /// Runs one attempt in a run slot (on an endpoint) once it is admitted machine-wide, and gives both back when
        /// <paramref name="attempt"/> returns or throws.
        /// </summary>
        /// <param name="attempt">The attempt, given its endpoint and how long it waited for machine-wide admission.</param>
        /// <param name="admission">The leg's side of machine-wide admission; <see langword="null"/> to skip it.</param>
        /// <param name="cancellationToken">Cancels the wait for a retry's slot and for admission.</param>
        /// <exception cref="AdmissionTimeoutException">The first attempt was not admitted within the admission timeout.</exception>
        /// <exception cref="NoEndpointException">Every endpoint that takes the leg is down.</exception>
        public async Task<T> RunAttemptAsync<T>(Func<SlotEndpoint, TimeSpan, Task<T>> attempt, LegAdmission? admission, CancellationToken cancellationToken)
        {
            SlotEndpoint endpoint;
            if (_firstSlot is { } first)
            {
                endpoint = first;
                _firstSlot = null;
            }
            else
            {
                (endpoint, _placement) = await _owner.AcquireOrRelocateAsync(_placement, 0, isRetry: true, cancellationToken).ConfigureAwait(false);
            }

            try
            {
                if (admission is null)
                {
                    return await attempt(endpoint, TimeSpan.Zero).ConfigureAwait(false);
                }

                using var admitted = await _owner._machine.AdmitAsync(admission, cancellationToken).ConfigureAwait(false);
                admission.IsFirstAttempt = false;
                return await attempt(endpoint, admitted.Waited).ConfigureAwait(false);
            }
            finally
            {
                _owner.Release(endpoint);
            }
        }

        /// <summary>Gives back the first attempt's slot if the leg ended without running an attempt.</summary>
        internal void ReleaseUnusedFirstSlot()
        {
            if (_firstSlot is { } first)
            {
                _firstSlot = null;
                _owner.Release(first);
            }
        }
    }
}

/// <summary>Every endpoint that could take an attempt is down; the message names each and why.</summary>
internal sealed class NoEndpointException(string message) : Exception(message);
