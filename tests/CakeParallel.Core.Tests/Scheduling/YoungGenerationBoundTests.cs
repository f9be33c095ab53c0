using System.Globalization;
using CakeParallel.Scheduling;

namespace CakeParallel.Tests.Scheduling;

public sealed class YoungGenerationBoundTests : IDisposable
{
    private readonly Scratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    /// <summary>
    /// In a host of its own (so no other test's allocations collect for it): 40 legs whose ends make 4 MB of garbage
    /// each. Left to itself, the GC collects once its youngest generation's budget is used, which follows the L3 cache
    /// (about 50 MB here: three collections for these 160 MB); bounded, the run collects at least every 8 MB once
    /// generation 0 was first collected (16 MB before).
    /// </summary>
    [Fact]
    public async Task A_run_collects_generation_0_at_least_once_for_every_bound_it_allocates()
    {
        var output = await TestHost.RunAsync(["garbage", "40", _scratch.PathOf("logs"), "4000"]);

        output.ShouldContain("succeeded True");
        var (allocated, collections) = Measured(output, "allocated-kb ");
        allocated.ShouldBeGreaterThan(160_000_000L);
        // Up to the first collection at most the first bound and one leg's 4 MB; after it, at most the later bound and
        // one leg's 4 MB between two collections. (16 MB throughout made 7 collections here, under this floor of 11.)
        const long leg = 4_000 * 1024;
        var floor = (allocated - YoungGenerationBound.BeforeFirstCollection - leg) / (YoungGenerationBound.AfterFirstCollection + leg);
        collections.ShouldBeGreaterThanOrEqualTo((int)floor, output);
    }

    /// <summary>
    /// The reports of 6,000 legs are rendered after the last leg ended (about 60 MB of garbage, in a few seconds):
    /// they keep to the bound too, leg by leg, or the GC's own budget would take the rendering's garbage whole.
    /// </summary>
    [Fact]
    public async Task Writing_the_reports_of_a_large_run_collects_generation_0_at_least_once_for_every_bound_it_allocates()
    {
        var output = await TestHost.RunAsync(["garbage", "6000", _scratch.PathOf("logs"), "0", "reports"]);

        output.ShouldContain("succeeded True");
        var (allocated, collections) = Measured(output, "reports-allocated-kb ");
        allocated.ShouldBeGreaterThan(2 * YoungGenerationBound.BeforeFirstCollection, output);
        collections.ShouldBeGreaterThanOrEqualTo((int)(allocated / (2 * YoungGenerationBound.AfterFirstCollection)), output);
        File.Exists(_scratch.PathOf("logs/timeline.html")).ShouldBeTrue();
    }

    private static (long Allocated, int Collections) Measured(string output, string prefix)
    {
        var line = output.Split('\n').Single(l => l.StartsWith(prefix, StringComparison.Ordinal)).Split(' ');
        return (long.Parse(line[1], CultureInfo.InvariantCulture) * 1024, int.Parse(line[3], CultureInfo.InvariantCulture));
    }
}
