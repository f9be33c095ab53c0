using System.Collections.Concurrent;
using CakeParallel.Scheduling;
using CakeParallel.Supervision;

namespace CakeParallel.Tests.Scheduling;

/// <summary>The slot owner alone, with attempts that are task completion sources: no processes, no clocks.</summary>
public sealed class AttemptSlotsTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>Attempts that start when the slots let them and end when the test says so.</summary>
    private sealed class ScriptedAttempts
    {
        private readonly ConcurrentDictionary<string, TaskCompletionSource<bool>> _ends = new();
        private readonly ConcurrentDictionary<string, TaskCompletionSource> _starts = new();
        private readonly ConcurrentDictionary<string, TaskCompletionSource> _requests = new();
        private readonly ConcurrentQueue<string> _started = new();
        private int _running;
        private int _mostRunning;

        public IReadOnlyList<string> Started => _started.ToArray();

        public int MostRunning => Volatile.Read(ref _mostRunning);

        /// <summary>Runs attempts of a leg until one "succeeds" (the test completes it with true).</summary>
        public async Task RunLegAsync(string leg, AttemptSlots.LegSlots slots)
        {
            for (var attempt = 1; ; attempt++)
            {
                var name = $"{leg}{attempt}";
                // RunAttemptAsync joins the line for a slot before it returns its task.
                var pending = slots.RunAttemptAsync(endpoint => RunAttemptAsync(name, endpoint), CancellationToken.None);
                Signal(_requests, name).TrySetResult();
                if (await pending)
                {
                    return;
                }
            }
        }

        public Task WaitStartedAsync(string attempt) => Start(attempt).Task.WaitAsync(Patience);

        /// <summary>Waits until <paramref name="attempt"/> holds a slot or waits in line for one.</summary>
        public Task WaitRequestedAsync(string attempt) => Signal(_requests, attempt).Task.WaitAsync(Patience);

        public void End(string attempt, bool succeeded = true) => End(attempt).SetResult(succeeded);

        public IReadOnlyDictionary<string, string?> EndpointOf => _endpoints;

        private readonly ConcurrentDictionary<string, string?> _endpoints = new();

        private async Task<bool> RunAttemptAsync(string name, SlotEndpoint endpoint)
        {
            _endpoints[name] = endpoint.Name;
            var now = Interlocked.Increment(ref _running);
            InterlockedMax(ref _mostRunning, now);
            _started.Enqueue(name);
            Start(name).SetResult();
            try
            {
                return await End(name).Task;
            }
            finally
            {
                Interlocked.Decrement(ref _running);
            }
        }

        private TaskCompletionSource Start(string name) => Signal(_starts, name);

        private static TaskCompletionSource Signal(ConcurrentDictionary<string, TaskCompletionSource> signals, string name) =>
            signals.GetOrAdd(name, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

        private TaskCompletionSource<bool> End(string name) => _ends.GetOrAdd(name, _ => new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously));

        private static void InterlockedMax(ref int target, int value)
        {
            int seen;
            while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
            {
            }
        }
    }

    [Fact]
    public async Task No_more_attempts_run_at_once_than_there_are_slots_and_legs_start_in_order()
    {
        var attempts = new ScriptedAttempts();
        using var stop = new RunStop(CancellationToken.None, null);
        var run = new AttemptSlots(2).RunLegsAsync(["a", "b", "c", "d"], (_, _) => Task.FromResult<LegPlacement?>(new LegPlacement(Platform: null)), attempts.RunLegAsync, (_, _) => { }, stop);

        await attempts.WaitStartedAsync("a1");
        await attempts.WaitStartedAsync("b1");
        // c waits for a slot.
        attempts.Started.Order().ShouldBe(["a1", "b1"]);
        attempts.End("b1");
        await attempts.WaitStartedAsync("c1");
        attempts.End("a1");
        await attempts.WaitStartedAsync("d1");
        attempts.End("c1");
        attempts.End("d1");
        await run.WaitAsync(Patience);

        // a and b start together, so either may record first; every later start waits for an end.
        attempts.Started.Take(2).Order().ShouldBe(["a1", "b1"]);
        attempts.Started.Skip(2).ShouldBe(["c1", "d1"]);
        attempts.MostRunning.ShouldBe(2);
    }

    [Fact]
    public async Task A_retry_waiting_for_a_slot_goes_before_a_leg_that_has_not_started()
    {
        var attempts = new ScriptedAttempts();
        using var stop = new RunStop(CancellationToken.None, null);
        var run = new AttemptSlots(2).RunLegsAsync(["a", "b", "c", "d"], (_, _) => Task.FromResult<LegPlacement?>(new LegPlacement(Platform: null)), attempts.RunLegAsync, (_, _) => { }, stop);
        await attempts.WaitStartedAsync("a1");
        await attempts.WaitStartedAsync("b1");

        // a fails: its slot goes to c, which was waiting; a's retry then waits behind b and c, as does d.
        attempts.End("a1", succeeded: false);
        await attempts.WaitStartedAsync("c1");
        await attempts.WaitRequestedAsync("a2");
        attempts.End("b1");
        await attempts.WaitStartedAsync("a2");
        attempts.Started.ShouldNotContain("d1", "the retry of a started leg goes first");
        attempts.End("a2");
        await attempts.WaitStartedAsync("d1");
        attempts.End("c1");
        attempts.End("d1");
        await run.WaitAsync(Patience);

        attempts.Started.Take(2).Order().ShouldBe(["a1", "b1"]);
        attempts.Started.Skip(2).ShouldBe(["c1", "a2", "d1"]);
        attempts.MostRunning.ShouldBe(2);
    }

    [Fact]
    public async Task Once_the_run_stops_no_further_leg_starts_and_the_running_ones_end()
    {
        var attempts = new ScriptedAttempts();
        using var stop = new RunStop(CancellationToken.None, null);
        var run = new AttemptSlots(1).RunLegsAsync(["a", "b", "c"], (_, _) => Task.FromResult<LegPlacement?>(new LegPlacement(Platform: null)), attempts.RunLegAsync, (_, _) => { }, stop);
        await attempts.WaitStartedAsync("a1");

        stop.FailFast("a");
        attempts.End("a1", succeeded: true);
        await run.WaitAsync(Patience);

        attempts.Started.ShouldBe(["a1"]);
    }

    [Fact]
    public async Task A_leg_that_ends_without_an_attempt_gives_its_first_slot_back()
    {
        var attempts = new ScriptedAttempts();
        using var stop = new RunStop(CancellationToken.None, null);
        Task RunLeg(string leg, AttemptSlots.LegSlots slots) =>
            leg == "broken" ? throw new IOException("cannot open the log") : attempts.RunLegAsync(leg, slots);
        var run = new AttemptSlots(1).RunLegsAsync(["broken", "b"], (_, _) => Task.FromResult<LegPlacement?>(new LegPlacement(Platform: null)), RunLeg, (_, _) => { }, stop);

        await attempts.WaitStartedAsync("b1");
        attempts.End("b1");

        (await Should.ThrowAsync<IOException>(() => run.WaitAsync(Patience))).Message.ShouldBe("cannot open the log");
        attempts.Started.ShouldBe(["b1"]);
    }

    private static SlotEndpoint Endpoint(string name, int limit, string? platform = null, Func<CancellationToken, Task<string?>>? probe = null) =>
        new(name, limit, p => platform is null || p is null || p == platform, c => c, probe ?? (_ => Task.FromResult<string?>(null)));

    [Fact]
    public async Task Each_endpoint_runs_at_most_its_limit_and_ties_go_to_the_one_with_most_free_slots()
    {
        var attempts = new ScriptedAttempts();
        using var stop = new RunStop(CancellationToken.None, null);
        var slots = new AttemptSlots(10, [Endpoint("one", 1), Endpoint("two", 2)], MachineAdmission.None);
        var run = slots.RunLegsAsync(["a", "b", "c", "d"], (_, _) => Task.FromResult<LegPlacement?>(new LegPlacement(Platform: null)), attempts.RunLegAsync, (_, _) => { }, stop);

        await attempts.WaitStartedAsync("a1");
        await attempts.WaitStartedAsync("b1");
        await attempts.WaitStartedAsync("c1");
        // a went to "two" (2 free beats 1); b then tied 1:1 and went to the first listed, "one"; c to "two". d waits: both are full.
        attempts.EndpointOf["a1"].ShouldBe("two");
        attempts.EndpointOf["b1"].ShouldBe("one");
        attempts.EndpointOf["c1"].ShouldBe("two");
        attempts.Started.ShouldNotContain("d1");
        attempts.End("b1");
        await attempts.WaitStartedAsync("d1");
        attempts.EndpointOf["d1"].ShouldBe("one");
        attempts.End("a1");
        attempts.End("c1");
        attempts.End("d1");
        await run.WaitAsync(Patience);
        attempts.MostRunning.ShouldBe(3);
    }

    [Fact]
    public async Task A_leg_waiting_for_its_platform_does_not_hold_back_legs_after_it()
    {
        var attempts = new ScriptedAttempts();
        using var stop = new RunStop(CancellationToken.None, null);
        var slots = new AttemptSlots(10, [Endpoint("arm", 1, "arm"), Endpoint("amd", 1, "amd")], MachineAdmission.None);
        var platforms = new Dictionary<string, string> { ["a"] = "arm", ["b"] = "arm", ["c"] = "amd" };
        var run = slots.RunLegsAsync(["a", "b", "c"], (l, _) => Task.FromResult<LegPlacement?>(new LegPlacement(platforms[l])), attempts.RunLegAsync, (_, _) => { }, stop);

        await attempts.WaitStartedAsync("a1");
        await attempts.WaitStartedAsync("c1");
        attempts.EndpointOf["a1"].ShouldBe("arm");
        attempts.EndpointOf["c1"].ShouldBe("amd");
        attempts.Started.ShouldNotContain("b1");
        attempts.End("a1");
        await attempts.WaitStartedAsync("b1");
        attempts.EndpointOf["b1"].ShouldBe("arm");
        attempts.End("b1");
        attempts.End("c1");
        await run.WaitAsync(Patience);
    }

    [Fact]
    public async Task An_endpoint_found_down_gets_no_attempts_and_legs_no_endpoint_can_take_are_not_placed()
    {
        var attempts = new ScriptedAttempts();
        using var stop = new RunStop(CancellationToken.None, null);
        var dead = Endpoint("dead", 1, probe: _ => Task.FromResult<string?>("connection refused"));
        var slots = new AttemptSlots(10, [dead], MachineAdmission.None);
        var notPlaced = new ConcurrentDictionary<string, string>();
        var run = slots.RunLegsAsync(["a", "b"], (_, _) => Task.FromResult<LegPlacement?>(new LegPlacement(Platform: null)), attempts.RunLegAsync, (l, why) => notPlaced[l] = why, stop);

        await attempts.WaitStartedAsync("a1");
        (await slots.ConfirmAsync(dead)).ShouldNotBeNull().ShouldContain("connection refused");
        attempts.End("a1", succeeded: false);
        await attempts.WaitRequestedAsync("a2");

        // a's retry finds no endpoint that is up, and b is never placed: both say why.
        (await Should.ThrowAsync<NoEndpointException>(() => run.WaitAsync(Patience))).Message.ShouldContain("engine 'dead' stopped answering");
        notPlaced["b"].ShouldContain("every engine is down");
        attempts.Started.ShouldBe(["a1"]);
    }

    [Fact]
    public async Task A_leg_waiting_for_its_needs_holds_no_slot_and_once_ready_takes_its_place_in_the_start_order()
    {
        var attempts = new ScriptedAttempts();
        using var stop = new RunStop(CancellationToken.None, null);
        // Continuations run inline: the dependent joins the line for a slot before SetResult returns.
        var needsDone = new TaskCompletionSource<LegPlacement?>();
        var run = new AttemptSlots(1).RunLegsAsync(
            ["a", "dependent", "b", "c"],
            (l, _) => l == "dependent" ? needsDone.Task : Task.FromResult<LegPlacement?>(new LegPlacement(Platform: null)),
            attempts.RunLegAsync,
            (_, _) => { },
            stop);

        await attempts.WaitStartedAsync("a1");
        attempts.End("a1");

        // The dependent is not ready: the one slot goes to b, the next leg, rather than being held for the dependent.
        await attempts.WaitStartedAsync("b1");
        needsDone.SetResult(new LegPlacement(Platform: null));
        attempts.End("b1");

        // Ready now, the dependent comes before c, which was queued first but is later in the start order.
        await attempts.WaitStartedAsync("dependent1");
        attempts.Started.ShouldNotContain("c1");
        attempts.End("dependent1");
        await attempts.WaitStartedAsync("c1");
        attempts.End("c1");
        await run.WaitAsync(Patience);
        attempts.Started.ShouldBe(["a1", "b1", "dependent1", "c1"]);
    }

    [Fact]
    public async Task A_leg_that_needs_an_image_on_one_engine_runs_there_and_is_not_placed_when_that_engine_is_down_or_absent()
    {
        var attempts = new ScriptedAttempts();
        using var stop = new RunStop(CancellationToken.None, null);
        var dead = Endpoint("dead", 1, probe: _ => Task.FromResult<string?>("connection refused"));
        var slots = new AttemptSlots(10, [Endpoint("roomy", 5), Endpoint("small", 1), dead], MachineAdmission.None);
        var down = (await slots.ConfirmAsync(dead)).ShouldNotBeNull();
        var placements = new Dictionary<string, LegPlacement>
        {
            ["pinned"] = new(null, "small"),
            ["on-dead"] = new(null, "dead"),
            ["elsewhere"] = new(null, "gone"),
        };
        var notPlaced = new ConcurrentDictionary<string, string>();
        var run = slots.RunLegsAsync(["pinned", "on-dead", "elsewhere"], (l, _) => Task.FromResult<LegPlacement?>(placements[l]), attempts.RunLegAsync, (l, why) => notPlaced[l] = why, stop);

        // "roomy" has the most free slots, which wins a tie, but the image the leg needs is only on "small".
        await attempts.WaitStartedAsync("pinned1");
        attempts.EndpointOf["pinned1"].ShouldBe("small");
        attempts.End("pinned1");
        await run.WaitAsync(Patience);
        notPlaced["on-dead"].ShouldBe("the images of the legs it needs are only on engine 'dead', which is down: " + down);
        notPlaced["elsewhere"].ShouldBe("the images of the legs it needs are only on engine 'gone', which is not an engine of this run");
        attempts.Started.ShouldBe(["pinned1"]);
    }

    [Fact]
    public async Task A_leg_pinned_to_an_engine_that_is_down_moves_where_its_relocation_says_before_it_starts_and_on_a_retry()
    {
        var attempts = new ScriptedAttempts();
        using var stop = new RunStop(CancellationToken.None, null);
        string? aDown = null;
        var a = Endpoint("a", 1, probe: _ => Task.FromResult(aDown));
        var slots = new AttemptSlots(10, [a, Endpoint("b", 2)], MachineAdmission.None);
        var relocations = new ConcurrentQueue<string>();
        Task<LegPlacement> Relocate(string leg)
        {
            relocations.Enqueue(leg);
            return leg == "stuck" ? throw new NoEndpointException("its need could not be built again: no engine answers") : Task.FromResult(new LegPlacement(null, "b"));
        }

        var placements = new Dictionary<string, TaskCompletionSource<LegPlacement?>> { ["running"] = new(), ["late"] = new(), ["stuck"] = new() };
        var notPlaced = new ConcurrentDictionary<string, string>();
        var run = slots.RunLegsAsync(["running", "late", "stuck"], (l, _) => placements[l].Task, attempts.RunLegAsync, (l, why) => notPlaced[l] = why, stop);
        placements["running"].SetResult(new LegPlacement(null, "a") { Relocate = _ => Relocate("running") });

        // The first attempt runs on a; a dies under it: the retry cannot go to a, so the leg moves to b.
        await attempts.WaitStartedAsync("running1");
        attempts.EndpointOf["running1"].ShouldBe("a");
        aDown = "connection refused";
        (await slots.ConfirmAsync(a)).ShouldNotBeNull();
        attempts.End("running1", succeeded: false);
        await attempts.WaitStartedAsync("running2");
        attempts.EndpointOf["running2"].ShouldBe("b");

        // Placed after a is known down: it moves before its first attempt; one that cannot move is not placed, saying why.
        placements["late"].SetResult(new LegPlacement(null, "a") { Relocate = _ => Relocate("late") });
        placements["stuck"].SetResult(new LegPlacement(null, "a") { Relocate = _ => Relocate("stuck") });
        await attempts.WaitStartedAsync("late1");
        attempts.EndpointOf["late1"].ShouldBe("b");
        attempts.End("running2");
        attempts.End("late1");
        await run.WaitAsync(Patience);

        notPlaced["stuck"].ShouldBe("its need could not be built again: no engine answers");
        relocations.Order(StringComparer.Ordinal).ShouldBe(["late", "running", "stuck"]);
        attempts.Started.ShouldNotContain("stuck1");
    }
}
