using System.Diagnostics;
using System.Globalization;
using CakeParallel.Docker;
using CakeParallel.Model;
using CakeParallel.Matrix;
using CakeParallel.Reports;
using CakeParallel.Runs;
using CakeParallel.Services;
using CakeParallel.Scheduling;

// Usage:
//   CakeParallel.Bench <jobs> <legs> <command> [args...]
//       Runs <legs> copies of the command (argv, no shell) with at most <jobs> at once, like
//       `seq <legs> | xargs -P<jobs> -n1 <command>`, and exits 0 only if every leg succeeded. The CAKEPARALLEL_*
//       variables apply (e.g. CAKEPARALLEL_SHARED_SLOTS=bench:2 for a machine-wide pool).
//   CakeParallel.Bench dispatch <jobs> <legs> <command> [args...]
//       The same, and prints the seconds from before planning until RunAsync returned (the runtime's start-up and
//       JIT of the entry point excluded, the engine's own JIT included), like the Cake alias's and MSBuild task's
//       dispatch sections time their call. With CAKEPARALLEL_BENCH_KEEP_LOGS=1 its log folder (under $TMPDIR) stays.
//   CakeParallel.Bench timeout-latency <timeout seconds> <grace seconds>
//       Runs one leg whose process group (a shell and a child) ignores SIGTERM, with that timeout and a termination
//       sequence of SIGTERM, the grace, SIGKILL; prints the milliseconds after timeout + grace at which the group
//       was dead (no member alive in /proc, watched apart from the engine every 2 ms; goal: at most 100), and at
//       which the run returned.
//   CakeParallel.Bench cancel-latency <grace seconds>
//       Runs two such legs (no timeout) with the host's SIGINT/SIGTERM/SIGHUP cancelling the run, as the Cake host
//       does; prints "ready" once both run, and "summary printed" after the summary table once cancelled.
//       benchmarks/sections/latency.sh sends the SIGINT and times the summary.
//   CakeParallel.Bench shared-slot <rounds>
//       Takes and gives back a slot of a machine-wide pool <rounds> times, as each attempt does (admission included),
//       and prints the mean cost of one take-and-give-back; the process spawns of a leg are not part of it.
//   CakeParallel.Bench service <command> [args...]
//       Runs the command (argv, no shell) as a background service with no probe until it has exited and all its
//       output is in its log (capped at the default 100 MB); prints the seconds from its start until then (the
//       runner's own start-up excluded: a first service of 300,000 lines is run and stopped before, to compile the
//       service path; so is the stop, which moves the kept part of a capped log up under its note) and exits 0
//       when it exited with code 0.
//   CakeParallel.Bench expand <legs>
//       Expands a matrix of about <legs> combinations (four axes, an exclude and two includes) and gives every leg
//       its stable id; prints the best of five timings.
//   CakeParallel.Bench docker-pool <legs> <seconds> <slots per engine> <host> [host...]
//       Builds a docker matrix of <legs> legs, each a `RUN sleep <seconds>` build without cache, over the given
//       engines (DOCKER_HOST values); prints the makespan (first attempt's start to last attempt's end), then each
//       attempt's start (from the first's) and duration.
//   CakeParallel.Bench schedule
//       Runs a skewed matrix (one 8 s leg declared after eight 1 s legs, sleep-based, MaxParallel 2) in declaration
//       order, then again with the first run's report as history, and prints both makespans against the optimum;
//       then splits 200 long-tailed leg durations (computed, not run) into 8 shards by history (LPT) and by count,
//       and prints the longest shard of each and their ratio.
//   CakeParallel.Bench memory ... (see MemoryBench.Usage)
if (args[0] == "memory")
{
    return await MemoryBench.RunAsync(args);
}

if (args[0] == "docker-pool")
{
    var legCount = int.Parse(args[1], CultureInfo.InvariantCulture);
    var context = Directory.CreateTempSubdirectory("cakeparallel-bench-docker-");
    File.WriteAllText(Path.Combine(context.FullName, "Dockerfile"), $"FROM local/busybox:1\nARG n\nRUN sleep {args[2]} && echo $n > /n\n");
    var slots = int.Parse(args[3], CultureInfo.InvariantCulture);
    var matrix = new DockerMatrix
    {
        Matrix = new MatrixDefinition { Axes = [new MatrixAxis("n", Enumerable.Range(1, legCount).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray())] },
        Build = new DockerBuildSettings
        {
            Context = context.FullName,
            NoCache = true,
            Endpoints = args[4..].Select((host, i) => new DockerEngineEndpoint { Host = host, MaxParallel = slots, Name = "engine-" + (i + 1).ToString(CultureInfo.InvariantCulture) }).ToArray(),
        },
        Retries = 0,
    };
    // The logs go beside the context, not into it: docker would send them with it (and the inputs hash read them).
    var logFolder = Directory.CreateTempSubdirectory("cakeparallel-bench-docker-logs-");
    var run = await DockerMatrixRunner.RunAsync(matrix, new RunOptions { LogDirectory = logFolder.FullName });
    var attempts = run.Legs.SelectMany(l => l.Attempts).ToArray();
    var makespan = attempts.Max(a => a.StartedAt + a.Duration) - attempts.Min(a => a.StartedAt);
    var perEngine = string.Join(", ", run.Legs.GroupBy(l => l.Endpoint).OrderBy(g => g.Key).Select(g => $"{g.Key}: {g.Count()}"));
    Console.WriteLine($"{makespan.TotalSeconds:0.0} s makespan, {run.Legs.Count(l => l.Status == LegStatus.Succeeded)}/{run.Legs.Count} built ({perEngine})");
    var first = attempts.Min(a => a.StartedAt);
    Console.WriteLine("attempts (start from the first + duration, s): " + string.Join(" ", attempts.OrderBy(a => a.StartedAt).Select(a => $"{(a.StartedAt - first).TotalSeconds:0.00}+{a.Duration.TotalSeconds:0.00}")));
    context.Delete(recursive: true);
    logFolder.Delete(recursive: true);
    return run.Succeeded ? 0 : 1;
}

if (args[0] is "timeout-latency" or "cancel-latency")
{
    var cancelled = args[0] == "cancel-latency";
    var grace = TimeSpan.FromSeconds(double.Parse(args[cancelled ? 1 : 2], CultureInfo.InvariantCulture));
    var timeout = cancelled ? (TimeSpan?)null : TimeSpan.FromSeconds(double.Parse(args[1], CultureInfo.InvariantCulture));
    var folder = Directory.CreateTempSubdirectory("cakeparallel-bench-latency-").FullName;
    var legs = Enumerable.Range(1, cancelled ? 2 : 1).Select(i => new LegSpec($"stubborn-{i}", "/bin/sh", ["-c", $"echo $$ > {folder}/{i}.pid; trap '' TERM; sleep 600 & exec sleep 600"]) { Timeout = timeout }).ToList();
    var options = new RunOptions { MaxParallel = 2, LogDirectory = folder, Termination = TerminationSequence.WithGracePeriod(grace) };
    using var cancellation = new CancellationTokenSource();
    using var signals = cancelled ? HostSignalCancellation.Register(cancellation) : null;
    var running = ParallelRunner.RunAsync(legs, options, cancellation.Token);
    while (!legs.Select((_, i) => Path.Combine(folder, $"{i + 1}.pid")).All(File.Exists))
    {
        await Task.Delay(10);
    }

    var groups = legs.Select((_, i) => int.Parse(File.ReadAllText(Path.Combine(folder, $"{i + 1}.pid")).Trim(), CultureInfo.InvariantCulture)).ToArray();
    if (cancelled)
    {
        Console.WriteLine("ready");
    }

    // Watched from here, apart from the engine: the moment no member of the group is alive. A killed member whose
    // parent died waits as a zombie until init reaps it (which some container inits do late): dead all the same.
    var dead = Task.Run(async () =>
    {
        while (CakeParallel.Supervision.ProcessGroupPlatform.Current.HasLiveMembers(groups[0]))
        {
            await Task.Delay(2);
        }

        return DateTimeOffset.UtcNow;
    });
    var result = await running;
    var returnedAt = DateTimeOffset.UtcNow;
    if (cancelled)
    {
        foreach (var line in RunSummary.TableLines(result))
        {
            Console.WriteLine(line);
        }

        Console.WriteLine("summary printed");
    }

    var deadAt = await dead;
    var alive = groups.Where(g => CakeParallel.Supervision.ProcessGroupPlatform.Current.HasLiveMembers(g)).ToArray();
    Directory.Delete(folder, recursive: true);
    if (alive.Length > 0)
    {
        Console.Error.WriteLine($"process groups still alive after the run returned: {string.Join(", ", alive)}");
        return 1;
    }

    if (cancelled)
    {
        return result.Legs.All(l => l.Status == LegStatus.Cancelled) ? 0 : 1;
    }

    var due = result.Legs[0].Attempts[0].StartedAt + timeout!.Value + grace;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{(deadAt - due).TotalMilliseconds:0} {(returnedAt - due).TotalMilliseconds:0}"));
    return result.Legs[0].Status == LegStatus.TimedOut ? 0 : 1;
}

if (args[0] == "shared-slot")
{
    var rounds = int.Parse(args[1], CultureInfo.InvariantCulture);
    var pool = new SharedSlots("bench-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture), 2);
    var admission = MachineAdmission.For(new RunOptions { SharedSlots = pool }, out _);
    var leg = new LegSpec("bench", "true");
    async Task Round()
    {
        using var admitted = await admission.AdmitAsync(new LegAdmission(leg, _ => { }), CancellationToken.None);
    }

    for (var i = 0; i < 1000; i++)
    {
        await Round();
    }

    var clock = Stopwatch.StartNew();
    for (var i = 0; i < rounds; i++)
    {
        await Round();
    }

    Console.WriteLine($"{rounds} shared slots taken and given back: {clock.Elapsed.TotalMilliseconds * 1000 / rounds:0.0} µs each");
    Directory.Delete(Path.Combine(MachineSlotPool.Root, pool.Name), recursive: true);
    return 0;
}

if (args[0] == "schedule")
{
    var folder = Directory.CreateTempSubdirectory("cakeparallel-bench-schedule").FullName;
    LegSpec[] skewed = [.. Enumerable.Range(1, 8).Select(i => new LegSpec($"short-{i}", "sleep", ["1"])), new LegSpec("long", "sleep", ["8"])];
    var report = Path.Combine(folder, "report.json");
    var declared = await ParallelRunner.RunAsync(skewed, new RunOptions { MaxParallel = 2, LogDirectory = folder, Reports = new ReportOptions { ReportFile = report } });
    var withHistory = await ParallelRunner.RunAsync(skewed, new RunOptions { MaxParallel = 2, LogDirectory = folder, HistoryFrom = [report] });

    // The optimum of these legs on 2 slots, from the durations they really had (process start included): no
    // schedule ends before the longest leg, nor before half the total work.
    var measured = withHistory.Legs.Select(l => l.Duration).ToArray();
    var optimum = TimeSpan.FromTicks(Math.Max(measured.Max().Ticks, measured.Sum(d => d.Ticks) / 2));
    Console.WriteLine($"  skewed matrix (1 x 8 s + 8 x 1 s, MaxParallel 2), optimum {optimum.TotalSeconds:0.00} s (8 s plus each leg's process start)");
    Console.WriteLine($"    declaration order  {declared.Duration.TotalSeconds,6:0.00} s   / optimum = {declared.Duration / optimum:0.000}");
    Console.WriteLine($"    with history       {withHistory.Duration.TotalSeconds,6:0.00} s   / optimum = {withHistory.Duration / optimum:0.000}   (target: at most 1.050)");

    var random = new Random(2026);
    // Long-tailed: log-normal durations (median 30 s, a few legs of many minutes), as test suites tend to be.
    var legs = Enumerable.Range(1, 200).Select(i =>
    {
        var normal = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        return (Id: LegSpec.Shell($"leg-{i}", "true").Id, Expected: (TimeSpan?)TimeSpan.FromSeconds(30 * Math.Exp(1.2 * normal)));
    }).ToArray();
    var byHistory = ShardAssignment.LongestShard(legs, ShardAssignment.ByExpectedDuration(legs, 8));
    var byCount = ShardAssignment.LongestShard(legs, ShardAssignment.ByCount(legs.Select(l => l.Id), 8));
    var perfect = TimeSpan.FromSeconds(legs.Sum(l => l.Expected!.Value.TotalSeconds) / 8);
    Console.WriteLine($"  200 long-tailed legs in 8 shards (perfect split {perfect.TotalSeconds:0} s per shard)");
    Console.WriteLine($"    longest shard by count    {byCount.TotalSeconds,6:0} s");
    Console.WriteLine($"    longest shard by history  {byHistory.TotalSeconds,6:0} s");
    Console.WriteLine($"    by history / by count = {byHistory / byCount:0.000}   (by history / perfect = {byHistory / perfect:0.000})");
    Directory.Delete(folder, recursive: true);
    return 0;
}

if (args[0] == "expand")
{
    var size = int.Parse(args[1], CultureInfo.InvariantCulture);
    var perAxis = (int)Math.Ceiling(Math.Pow(size, 0.25));
    var values = Enumerable.Range(0, perAxis).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
    var matrix = new MatrixDefinition
    {
        Axes = new[] { "node", "os", "arch", "target" }.Select(n => new MatrixAxis(n, values)).ToArray(),
        Exclude = [new Dictionary<string, MatrixValue> { ["node"] = "0", ["os"] = "0" }],
        Include = [new Dictionary<string, MatrixValue> { ["node"] = "1", ["experimental"] = "true" }, new Dictionary<string, MatrixValue> { ["node"] = "extra" }],
    };
    var best = TimeSpan.MaxValue;
    var count = 0;
    for (var round = 0; round < 5; round++)
    {
        var clock = Stopwatch.StartNew();
        var legs = MatrixExpansion.Expand(matrix);
        count = legs.Select(LegId.FromParameters).Distinct().Count();
        best = clock.Elapsed < best ? clock.Elapsed : best;
    }

    Console.WriteLine($"{count} legs expanded with stable ids in {best.TotalMilliseconds:0.0} ms");
    return 0;
}

if (args[0] == "service")
{
    // The runner's own start-up is not timed: a first service writing a few megabytes through the same path
    // compiles it (in a host that ran anything before, it is compiled already).
    var serviceLogs = Path.Combine(Path.GetTempPath(), "cakeparallel-bench-logs");
    await using (var warmUp = await RunningService.StartAsync(new ServiceSpec("warm-up", "sh", ["-c", "seq 1 300000; exec sleep 600"])
    {
        Probes = [new OutputProbe("^300000$")],
        LogFile = Path.Combine(serviceLogs, "service-warm-up.log"),
    }))
    {
    }

    var exited = new TaskCompletionSource<ServiceEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
    var spec = new ServiceSpec("chatty", args[1], args[2..])
    {
        ServiceFailureIsWarning = true,
        LogFile = Path.Combine(serviceLogs, "service-chatty.log"),
    };
    await using var service = await RunningService.StartAsync(spec);
    service.Died += (_, e) => exited.TrySetResult(e);
    if (service.State == ServiceState.Died)
    {
        exited.TrySetResult(service.Events[^1]);
    }

    var death = await exited.Task;
    Console.WriteLine((death.Timestamp - service.StartedAt).TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture));
    return death.ExitCode == 0 ? 0 : 1;
}

var timed = args[0] == "dispatch";
var rest = timed ? args[1..] : args;
var dispatchClock = Stopwatch.StartNew();
var jobs = int.Parse(rest[0], CultureInfo.InvariantCulture);
var copies = int.Parse(rest[1], CultureInfo.InvariantCulture);
var specs = Enumerable.Range(1, copies).Select(i => new LegSpec("leg-" + i.ToString(CultureInfo.InvariantCulture), rest[2], rest[3..])).ToList();
// A fresh log folder, as in a CI checkout (rewriting the last run's logs costs the file system more).
var logs = Directory.CreateTempSubdirectory("cakeparallel-bench-logs-").FullName;
var plan = RunPlanner.Plan(specs, new RunOptions { LogDirectory = logs }, new RunOverrides { MaxParallel = jobs }, RunPrecedence.ProcessEnvironment()).GetPlanOrThrow();
var dispatched = await ParallelRunner.RunAsync(plan);
if (timed)
{
    Console.WriteLine(dispatchClock.Elapsed.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture));
}

// A caller timing several runs in a row removes the logs after its last run (CAKEPARALLEL_BENCH_KEEP_LOGS=1): on ext4
// without a journal, the next seconds' file creations step over every recently freed inode, so deleting a
// thousand logs here would slow the next run's log creation, a cost of this driver's clean-up, not of the run.
if (Environment.GetEnvironmentVariable("CAKEPARALLEL_BENCH_KEEP_LOGS") != "1")
{
    Directory.Delete(logs, recursive: true);
}
return dispatched.Succeeded ? 0 : 1;
