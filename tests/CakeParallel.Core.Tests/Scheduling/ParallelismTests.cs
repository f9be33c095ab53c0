using System.Globalization;
using CakeParallel.Model;
using CakeParallel.Runs;

namespace CakeParallel.Tests.Scheduling;

public sealed class ParallelismTests : IDisposable
{
    private readonly Scratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task Never_runs_more_legs_than_MaxParallel_and_does_reach_it()
    {
        var stamps = _scratch.PathOf("stamps");
        Directory.CreateDirectory(stamps);
        var legs = Enumerable.Range(0, 9)
            .Select(i => Scratch.Sh($"leg-{i}", $"echo $(date +%s%N) > {stamps}/{i}.start; sleep 0.3; echo $(date +%s%N) > {stamps}/{i}.end"))
            .ToList();

        var result = await ParallelRunner.RunAsync(legs, _scratch.Options(maxParallel: 3));

        result.Succeeded.ShouldBeTrue();
        var events = new List<(long At, int Delta)>();
        for (var i = 0; i < 9; i++)
        {
            events.Add((long.Parse(File.ReadAllText($"{stamps}/{i}.start").Trim(), CultureInfo.InvariantCulture), +1));
            events.Add((long.Parse(File.ReadAllText($"{stamps}/{i}.end").Trim(), CultureInfo.InvariantCulture), -1));
        }

        var running = 0;
        var peak = 0;
        foreach (var e in events.OrderBy(e => e.At).ThenBy(e => e.Delta))
        {
            running += e.Delta;
            peak = Math.Max(peak, running);
        }

        peak.ShouldBe(3);
    }

    [Fact]
    public async Task Results_come_in_input_order_whatever_the_completion_order()
    {
        var legs = new[] { "0.6", "0.4", "0.2", "0" }
            .Select((delay, i) => Scratch.Sh($"leg-{i}", $"sleep {delay}; echo done-{i}"))
            .ToList();
        var completion = new List<string>();

        var result = await ParallelRunner.RunAsync(legs, _scratch.Options(maxParallel: 4) with { Listener = new CompletionRecorder(completion) });

        result.Legs.Select(l => l.Name).ShouldBe(["leg-0", "leg-1", "leg-2", "leg-3"]);
        result.Legs.Select(l => l.OutputTail.Single()).ShouldBe(["done-0", "done-1", "done-2", "done-3"]);
        completion.ShouldBe(["leg-3", "leg-2", "leg-1", "leg-0"]);
    }

    private sealed class CompletionRecorder(List<string> completion) : IRunListener
    {
        public void LegCompleted(LegResult result) => completion.Add(result.Name);
    }
}
