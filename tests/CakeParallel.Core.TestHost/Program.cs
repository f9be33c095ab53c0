using System.Globalization;
using CakeParallel.Model;
using CakeParallel.Runs;
using CakeParallel.Supervision;

// Modes:
//   long-legs <count> <log-dir> [with-service|no-service] [command] [termination]
//                                 runs <count> legs that sleep for 1000 s (each with a background grandchild and,
//                                 with-service, a service that sleeps too; or legs of the shell <command>), with host signals turned into
//                                 cancellation; prints "legs running" once all started, then a summary line per leg
//                                 when the run ends. The legs' termination sequence is SIGTERM with 5 s of grace, or
//                                 [termination] in GNU parallel's notation (TerminationSequence.Parse).
//   shared <pool:N> <count> <log-dir> <command>
//                                 runs <count> legs of the shell <command> (with $LEG set to the leg's number), all
//                                 at once as far as the run goes but each in a slot of the machine-wide pool; prints
//                                 "started <leg>" as each starts, "notice <code> <message>" for admission notices,
//                                 then a summary line per leg.
//   journal <count> <log-dir>     runs two legs that succeed, one that fails and <count> that sleep for 1000 s;
//                                 prints "three ended" once the first three have ended (their journal lines written).
//   docker-build <context> <log-dir>
//                                 runs one leg, a classic-builder `docker build --no-cache <context>` (grace period
//                                 1 s); prints "legs running" once it started.
//   flood <bytes> <log-dir>       runs one leg that writes <bytes> of output, then prints "peak-rss-kb <n>".
//   garbage <legs> <log-dir> <kb> [reports]
//                                 runs <legs> legs of `true`, 2 at a time, and makes <kb> kB of short-lived small
//                                 objects as each ends (as a host logging each leg does); prints the bytes allocated
//                                 and the collections of generation 0 during the run: "allocated-kb <n> collections <n>";
//                                 with reports, writes every report and prints the same of their writing alone
//                                 (from the run's end to RunAsync's return): "reports-allocated-kb <n> collections <n>";
//                                 then whether the runtime's socket machinery was loaded: "sockets loaded|not loaded".
var mode = args[0];
var logDirectory = args[2];
if (mode == "long-legs")
{
    var count = int.Parse(args[1], CultureInfo.InvariantCulture);
    var legs = Enumerable.Range(1, count).Select(i => LegSpec.Shell($"long-{i}", args.Length > 4 ? args[4] : "sleep 1000 & sleep 1000")).ToList();
    using var cancellation = new CancellationTokenSource();
    using var signals = HostSignalCancellation.Register(cancellation);
    var started = 0;
    var options = new RunOptions
    {
        MaxParallel = count,
        LogDirectory = logDirectory,
        Termination = args.Length > 5 ? TerminationSequence.Parse(args[5]) : TerminationSequence.WithGracePeriod(TimeSpan.FromSeconds(5)),
        Services = args.Length > 3 && args[3] == "with-service" ? [ServiceSpec.Shell("sleeper", "sleep 1000 & sleep 1000")] : [],
        Listener = new StartCounter(() =>
        {
            if (++started == count)
            {
                Console.WriteLine("legs running");
            }
        }),
    };
    var result = await ParallelRunner.RunAsync(legs, options, cancellation.Token);
    Console.WriteLine($"signal {signals.ReceivedSignal}");
    foreach (var leg in result.Legs)
    {
        Console.WriteLine($"{leg.Name} {leg.Status}");
    }

    return result.Succeeded ? 0 : 1;
}

if (mode == "shared")
{
    var count = int.Parse(args[2], CultureInfo.InvariantCulture);
    var legs = Enumerable.Range(1, count)
        .Select(i => LegSpec.Shell($"shared-{i}", args[4]) with { EnvironmentVariables = new Dictionary<string, string?> { ["LEG"] = i.ToString(CultureInfo.InvariantCulture) } })
        .ToList();
    using var cancellation = new CancellationTokenSource();
    using var signals = HostSignalCancellation.Register(cancellation);
    var options = new RunOptions
    {
        MaxParallel = count,
        LogDirectory = args[3],
        SharedSlots = SharedSlots.Parse(args[1]),
        Listener = new SharedLegEvents(),
    };
    var result = await ParallelRunner.RunAsync(legs, options, cancellation.Token);
    foreach (var leg in result.Legs)
    {
        Console.WriteLine($"{leg.Name} {leg.Status}");
    }

    return result.Succeeded ? 0 : 1;
}

if (mode == "journal")
{
    var slow = int.Parse(args[1], CultureInfo.InvariantCulture);
    LegSpec[] legs = [LegSpec.Shell("quick-1", "true"), LegSpec.Shell("quick-2", "true"), LegSpec.Shell("fails", "exit 3"), .. Enumerable.Range(1, slow).Select(i => LegSpec.Shell($"slow-{i}", "sleep 1000"))];
    var ended = 0;
    var options = new RunOptions
    {
        MaxParallel = legs.Length,
        LogDirectory = logDirectory,
        Listener = new EndCounter(() =>
        {
            if (Interlocked.Increment(ref ended) == 3)
            {
                Console.WriteLine("three ended");
            }
        }),
    };
    await ParallelRunner.RunAsync(legs, options);
    return 0;
}

if (mode == "docker-build")
{
    var leg = new LegSpec("docker-build", "docker", ["build", "--no-cache", args[1]])
    {
        EnvironmentVariables = new Dictionary<string, string?> { ["DOCKER_BUILDKIT"] = "0" },
    };
    var options = new RunOptions
    {
        LogDirectory = logDirectory,
        Termination = TerminationSequence.WithGracePeriod(TimeSpan.FromSeconds(1)),
        Listener = new StartCounter(() => Console.WriteLine("legs running")),
    };
    await ParallelRunner.RunAsync([leg], options);
    return 0;
}

if (mode == "flood")
{
    var bytes = long.Parse(args[1], CultureInfo.InvariantCulture);
    var leg = LegSpec.Shell("flood", $"yes 'a line of output from a chatty build step, about eighty bytes long....' | head -c {bytes}");
    var result = await ParallelRunner.RunAsync([leg], new RunOptions { LogDirectory = logDirectory });
    var peak = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
    Console.WriteLine($"status {result.Legs[0].Status}");
    Console.WriteLine("peak-rss-kb " + peak["VmHWM:".Length..].Trim().Split(' ')[0]);
    return 0;
}

if (mode == "garbage")
{
    var count = int.Parse(args[1], CultureInfo.InvariantCulture);
    var kilobytes = int.Parse(args[3], CultureInfo.InvariantCulture);
    var legs = Enumerable.Range(1, count).Select(i => new LegSpec($"leg-{i}", "true")).ToList();
    var reported = (Allocated: 0L, Collections: 0);
    var options = new RunOptions
    {
        MaxParallel = 2,
        LogDirectory = logDirectory,
        Listener = new EndCounter(() => Garbage.Make(kilobytes), () => reported = (GC.GetTotalAllocatedBytes(precise: true), GC.CollectionCount(0))),
        Reports = args.Length > 4 && args[4] == "reports"
            ? new ReportOptions
            {
                ReportFile = Path.Combine(logDirectory, "report.json"),
                JUnitFile = Path.Combine(logDirectory, "junit.xml"),
                MarkdownFile = Path.Combine(logDirectory, "summary.md"),
                HtmlFile = Path.Combine(logDirectory, "timeline.html"),
                AppendToStepSummary = false,
                CiAnnotations = CiAnnotationMode.Off,
            }
            : ReportOptions.None,
    };
    var allocated = GC.GetTotalAllocatedBytes(precise: true);
    var collections = GC.CollectionCount(0);
    var result = await ParallelRunner.RunAsync(legs, options);
    var (allocatedAtEnd, collectionsAtEnd) = (GC.GetTotalAllocatedBytes(precise: true), GC.CollectionCount(0));
    Console.WriteLine($"succeeded {result.Succeeded}");
    Console.WriteLine($"allocated-kb {(allocatedAtEnd - allocated) / 1024} collections {collectionsAtEnd - collections}");
    Console.WriteLine($"reports-allocated-kb {(allocatedAtEnd - reported.Allocated) / 1024} collections {collectionsAtEnd - reported.Collections}");
    Console.WriteLine($"sockets {(AppDomain.CurrentDomain.GetAssemblies().Any(a => a.GetName().Name == "System.Net.Sockets") ? "loaded" : "not loaded")}");
    return 0;
}

Console.Error.WriteLine($"unknown mode '{mode}'");
return 2;

internal sealed class StartCounter(Action onStart) : IRunListener
{
    public void AttemptStarted(LegSpec leg, int attempt, string logFile) => onStart();
}

internal sealed class SharedLegEvents : IRunListener
{
    public void AttemptStarted(LegSpec leg, int attempt, string logFile) => Console.WriteLine("started " + leg.Name);

    public void AdmissionNotice(AdmissionNotice notice) => Console.WriteLine($"notice {notice.Code} {notice.Message}");
}

internal sealed class EndCounter(Action onEnd, Action? onRunEnd = null) : IRunListener
{
    public void LegCompleted(LegResult result) => onEnd();

    public void RunCompleted(RunResult result) => onRunEnd?.Invoke();
}

internal static class Garbage
{
    /// <summary>Small objects only: large ones (85,000 bytes and more) go to the large object heap, outside generation 0.</summary>
    public static void Make(int kilobytes)
    {
        for (var i = 0; i < kilobytes; i++)
        {
            GC.KeepAlive(new byte[1000]);
        }
    }
}
