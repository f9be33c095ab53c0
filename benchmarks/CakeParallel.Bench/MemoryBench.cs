using System.Globalization;
using CakeParallel.Matrix;
using CakeParallel.Model;
using CakeParallel.Runs;

/// <summary>
/// The memory benchmark's subcommands (benchmarks/sections/memory.sh): each does one thing and prints one line of
/// the process's own measurements; the peak resident set size is taken from outside too (/usr/bin/time -f %M).
/// </summary>
/// <remarks>
/// The bench host keeps .NET's default GC settings (workstation, concurrent), as <c>dotnet cake</c> and
/// <c>dotnet msbuild</c> do (neither's runtimeconfig.json sets a GC mode), so its numbers mean what a host sees.
/// </remarks>
internal static class MemoryBench
{
    public const string Usage = """
          CakeParallel.Bench memory idle
              Runs one leg of `true` (no reports): the host with the runner loaded and used once, doing nothing else.
          CakeParallel.Bench memory idle-warm
              The same after 256 MB of short-lived allocations: a host that has done some work, whose GC has
              reached its working size (a real host's baseline; the bench doing nothing never gets there).
          CakeParallel.Bench memory legs <legs> <none|all|json|junit|markdown|html>
              Runs <legs> legs of `true` (2 at a time) with no reports, all of them (JSON, JUnit, Markdown, HTML) or
              one of them (to tell what each costs); the journal is always written.
          CakeParallel.Bench memory matrix <legs> <plan|run>
              Expands a one-axis matrix of <legs> values into legs of `true` and plans them, or plans and runs them.
          Each prints: peak RSS (VmHWM), the largest managed heap and GC-committed memory seen, the managed heap
          after a full collection, bytes allocated, wall time; with
          CAKEPARALLEL_BENCH_ALLOCATIONS=1 also the types most of the allocated bytes went to (sampled).
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        using var sampler = Environment.GetEnvironmentVariable("CAKEPARALLEL_BENCH_ALLOCATIONS") == "1" ? new AllocationSampler() : null;
        var folder = Directory.CreateTempSubdirectory("cakeparallel-bench-memory-").FullName;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var sampling = new CancellationTokenSource();
        var heapPeaks = SampleHeapAsync(sampling.Token);
        try
        {
            var succeeded = args[1] switch
            {
                "idle" => await RunLegsAsync(Legs(1), folder),
                "idle-warm" => await WarmThenIdleAsync(folder),
                "legs" => await RunLegsAsync(Legs(Count(args[2])), folder, args[3]),
                "matrix" => await MatrixAsync(Count(args[2]), folder, run: args[3] == "run"),
                _ => throw new ArgumentException($"unknown memory benchmark '{args[1]}'; usage:\n{Usage}"),
            };
            await sampling.CancelAsync();
            Print(clock.Elapsed, await heapPeaks);
            sampler?.PrintTop(25);
            return succeeded ? 0 : 1;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// A host that has done some work before it runs anything (as <c>dotnet cake</c> has compiled its script and
    /// MSBuild has evaluated its projects): 256 MB of short-lived objects let the GC reach its working size first,
    /// which a host doing nothing never does; then one leg of <c>true</c>.
    /// </summary>
    private static async Task<bool> WarmThenIdleAsync(string folder)
    {
        var keep = new object[1024];
        for (var i = 0; i < 256 * 1024 * 1024 / 128; i++)
        {
            keep[i % keep.Length] = new byte[104];
        }

        GC.KeepAlive(keep);
        return await RunLegsAsync(Legs(1), folder);
    }

    private static int Count(string text) => int.Parse(text, CultureInfo.InvariantCulture);

    private static List<LegSpec> Legs(int count) =>
        Enumerable.Range(1, count).Select(i => new LegSpec("leg-" + i.ToString(CultureInfo.InvariantCulture), "true")).ToList();

    private static async Task<bool> RunLegsAsync(IReadOnlyList<LegSpec> legs, string folder, string reports = "none")
    {
        var options = new RunOptions
        {
            MaxParallel = 2,
            LogDirectory = Path.Combine(folder, "logs"),
            Reports = reports == "none"
                ? ReportOptions.None
                : new ReportOptions
                {
                    ReportFile = Wanted("json") ? Path.Combine(folder, "report.json") : null,
                    JUnitFile = Wanted("junit") ? Path.Combine(folder, "junit.xml") : null,
                    MarkdownFile = Wanted("markdown") ? Path.Combine(folder, "summary.md") : null,
                    HtmlFile = Wanted("html") ? Path.Combine(folder, "timeline.html") : null,
                    AppendToStepSummary = false,
                    CiAnnotations = CiAnnotationMode.Off,
                },
        };
        var plan = RunPlanner.Plan(legs, options).GetPlanOrThrow();
        var result = await ParallelRunner.RunAsync(plan);
        return result.Succeeded;

        bool Wanted(string report) => reports is "all" || reports == report
            ? true
            : reports is "json" or "junit" or "markdown" or "html" ? false : throw new ArgumentException($"unknown reports '{reports}'; usage:\n{Usage}");
    }

    private static async Task<bool> MatrixAsync(int count, string folder, bool run)
    {
        var matrix = new MatrixDefinition
        {
            Axes = [new MatrixAxis("n", Enumerable.Range(1, count).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray())],
        };
        var legs = MatrixExpansion.Expand(matrix, count)
            .Select(p => new LegSpec(MatrixLegNames.Default(p), "true") { Parameters = p })
            .ToList();
        var plan = RunPlanner.Plan(legs, new RunOptions { MaxParallel = 2, LogDirectory = Path.Combine(folder, "logs") }).GetPlanOrThrow();
        if (!run)
        {
            GC.KeepAlive(plan);
            return true;
        }

        return (await ParallelRunner.RunAsync(plan)).Succeeded;
    }

    /// <summary>The largest managed heap and GC-committed memory seen (sampled every 50 ms), to tell managed from native growth.</summary>
    private static async Task<(long Heap, long Committed)> SampleHeapAsync(CancellationToken stop)
    {
        long heap = 0, committed = 0;
        while (!stop.IsCancellationRequested)
        {
            var info = GC.GetGCMemoryInfo();
            heap = Math.Max(heap, GC.GetTotalMemory(false));
            committed = Math.Max(committed, info.TotalCommittedBytes);
            try
            {
                await Task.Delay(50, stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return (heap, committed);
    }

    private static void Print(TimeSpan elapsed, (long Heap, long Committed) peaks)
    {
        var allocated = GC.GetTotalAllocatedBytes();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var peak = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal))["VmHWM:".Length..].Trim();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"peak RSS {peak}, peak managed heap {peaks.Heap / 1024} kB (GC committed {peaks.Committed / 1024} kB), heap after collection {GC.GetTotalMemory(false) / 1024} kB, allocated {allocated / (1024 * 1024)} MB, {elapsed.TotalSeconds:0.00} s"));
    }
}
