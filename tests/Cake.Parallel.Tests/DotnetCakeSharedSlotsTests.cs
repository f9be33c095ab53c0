using System.Globalization;
using Cake.Parallel.Tests.Infrastructure;

namespace Cake.Parallel.Tests;

/// <summary>Two real <c>dotnet cake</c> processes share one machine-wide pool: one names it in the script, one in the environment.</summary>
[Collection(DotnetCakeCollection.Name)]
public sealed class DotnetCakeSharedSlotsTests(AddinFeed feed) : IDisposable
{
    private readonly TempDirectory _stamps = new("cakeparallel-stamps");
    private readonly SharedSlotPool _slots = new("cake");

    public void Dispose()
    {
        _stamps.Dispose();
        _slots.Dispose();
    }

    [Fact]
    public async Task Two_scripts_naming_the_same_pool_of_two_never_run_more_than_two_legs_at_once_and_say_who_holds_the_slots()
    {
        using var bySetting = new CakeScript(feed, CakeScript.FromFile("Scripts/shared-slots.cake"));
        using var byEnvironment = new CakeScript(feed, CakeScript.FromFile("Scripts/shared-slots.cake"));

        var runs = await Task.WhenAll(
            Task.Run(() => bySetting.Run($"--stamps={_stamps.Path}", "--name=s", $"--pool={_slots.Name}")),
            Task.Run(() => byEnvironment.RunWith(new Dictionary<string, string?> { ["CAKEPARALLEL_SHARED_SLOTS"] = _slots.Name + ":2" }, $"--stamps={_stamps.Path}", "--name=e")));

        try
        {
            foreach (var run in runs)
            {
                run.ExitCode.ShouldBe(0, run.Output);
                run.Stdout.ShouldContain("RESULT True");
            }

            var events = Directory.GetFiles(_stamps.Path)
                .Select(f => (At: long.Parse(File.ReadAllText(f).Trim(), CultureInfo.InvariantCulture), Delta: f.EndsWith(".start", StringComparison.Ordinal) ? 1 : -1))
                .OrderBy(e => e.At).ThenBy(e => e.Delta)
                .ToList();
            events.Count.ShouldBe(12);
            var running = 0;
            var peak = 0;
            foreach (var e in events)
            {
                running += e.Delta;
                peak = Math.Max(peak, running);
            }

            peak.ShouldBe(2);
            string.Concat(runs.Select(r => r.Output)).ShouldContain($"waiting for a machine-wide slot: all 2 slot(s) of the shared pool '{_slots.Name}' are held: ");
        }
        finally
        {
            foreach (var run in runs)
            {
                run.Dispose();
            }
        }
    }
}
