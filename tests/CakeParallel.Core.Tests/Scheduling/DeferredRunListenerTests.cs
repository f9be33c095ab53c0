using CakeParallel.Model;
using CakeParallel.Runs;

namespace CakeParallel.Tests.Scheduling;

/// <summary>A host's listener hears a run's events on the host's thread, in order, however many there are.</summary>
public sealed class DeferredRunListenerTests : IDisposable
{
    private readonly Scratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task Every_event_reaches_the_listener_on_the_delivering_thread_in_the_order_of_each_leg()
    {
        var heard = new Recorder();
        var deferred = new DeferredRunListener(heard);
        // More output lines than the queue holds: the legs wait for the listener instead of the queue growing.
        var legs = Enumerable.Range(1, 3).Select(i => Scratch.Sh($"leg-{i}", "seq 6000")).ToList();

        var run = ParallelRunner.RunAsync(legs, _scratch.Options() with { Listener = deferred });
        var delivering = Environment.CurrentManagedThreadId;
        deferred.DeliverUntil(run);
        var result = await run;

        result.Succeeded.ShouldBeTrue();
        heard.Threads.ShouldBe([delivering]);
        heard.Events[^1].ShouldBe("run completed");
        foreach (var leg in legs)
        {
            var own = heard.Events.Where(e => e.StartsWith(leg.Name + " ", StringComparison.Ordinal)).ToList();
            own[0].ShouldBe($"{leg.Name} started");
            own[1..^1].ShouldBe(Enumerable.Range(1, 6000).Select(n => $"{leg.Name} {n}"));
            own[^1].ShouldBe($"{leg.Name} completed");
        }
    }

    [Fact]
    public async Task A_listener_that_throws_hears_nothing_more_and_its_exception_follows_the_run()
    {
        var heard = new Recorder { ThrowAt = "leg-1 completed" };
        var deferred = new DeferredRunListener(heard);
        var legs = new[] { Scratch.Sh("leg-1", "true"), Scratch.Sh("leg-2", "sleep 0.3") };

        var run = ParallelRunner.RunAsync(legs, _scratch.Options() with { Listener = deferred });
        var thrown = Should.Throw<InvalidOperationException>(() => deferred.DeliverUntil(run));

        thrown.InnerException!.Message.ShouldBe("leg-1 completed");
        heard.Events[^1].ShouldBe("leg-1 completed");
        (await run).Legs.ShouldAllBe(l => l.Status == LegStatus.Succeeded);
    }

    [Fact]
    public void A_run_started_on_the_delivering_thread_hands_on_more_events_at_its_start_than_the_queue_holds()
    {
        // The run sends every leg's LegQueued as it starts, on the caller's thread, before DeliverUntil can drain:
        // with more legs than the queue holds (4096), that thread must not wait for room it alone can make.
        var legs = Enumerable.Range(1, 5000).Select(i => Scratch.Sh($"leg-{i}", "true")).ToList();
        var heard = new Recorder();
        RunResult? result = null;
        var delivering = 0;
        var host = new Thread(() =>
        {
            delivering = Environment.CurrentManagedThreadId;
            var deferred = new DeferredRunListener(heard);
            // Cancelled before it starts: the legs are queued and end as not started, so 5000 legs take no time.
            using var cancelled = new CancellationTokenSource();
            cancelled.Cancel();
            var run = ParallelRunner.RunAsync(legs, _scratch.Options() with { Listener = deferred }, cancelled.Token);
            deferred.DeliverUntil(run);
            result = run.GetAwaiter().GetResult();
        })
        { IsBackground = true };

        host.Start();

        host.Join(TimeSpan.FromSeconds(60)).ShouldBeTrue("the host's thread still waits inside the run's start");
        result.ShouldNotBeNull().Legs.ShouldAllBe(l => l.Status == LegStatus.NotStarted);
        heard.Queued.ShouldBe(5000);
        heard.Events.Count(e => e.StartsWith("leg-", StringComparison.Ordinal) && e.EndsWith(" completed", StringComparison.Ordinal)).ShouldBe(5000);
        heard.Events[^1].ShouldBe("run completed");
        heard.Threads.ShouldBe([delivering]);
    }

    [Fact]
    public async Task Delivering_on_another_thread_than_the_one_that_created_it_is_refused()
    {
        var heard = new Recorder();
        var deferred = new DeferredRunListener(heard);
        var run = ParallelRunner.RunAsync([Scratch.Sh("leg-1", "true")], _scratch.Options() with { Listener = deferred });

        Exception? refused = null;
        var other = new Thread(() => refused = Record.Exception(() => deferred.DeliverUntil(run)));
        other.Start();
        other.Join();

        refused.ShouldBeOfType<InvalidOperationException>().Message.ShouldContain("thread that created");
        deferred.DeliverUntil(run);
        (await run).Succeeded.ShouldBeTrue();
        heard.Events.ShouldBe(["leg-1 started", "leg-1 completed", "run completed"]);
    }

    private sealed class Recorder : IRunListener
    {
        public List<string> Events { get; } = [];

        public int Queued { get; private set; }

        public HashSet<int> Threads { get; } = [];

        public string? ThrowAt { get; init; }

        public void LegQueued(LegSpec leg)
        {
            Threads.Add(Environment.CurrentManagedThreadId);
            Queued++;
        }

        public void AttemptStarted(LegSpec leg, int attempt, string logFile) => Add($"{leg.Name} started");

        public void OutputLine(LegSpec leg, OutputLine line) => Add($"{leg.Name} {line.Text}");

        public void LegCompleted(LegResult result) => Add($"{result.Name} completed");

        public void RunCompleted(RunResult result) => Add("run completed");

        private void Add(string text)
        {
            Threads.Add(Environment.CurrentManagedThreadId);
            Events.Add(text);
            if (text == ThrowAt)
            {
                throw new InvalidOperationException(text);
            }
        }
    }
}
