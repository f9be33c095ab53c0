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

    private sealed class Recorder : IRunListener
    {
        public List<string> Events { get; } = [];

        public HashSet<int> Threads { get; } = [];

        public string? ThrowAt { get; init; }

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
