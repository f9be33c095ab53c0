using System.Diagnostics;
using System.Globalization;
using CakeParallel.Model;
using CakeParallel.Matrix;
using CakeParallel.Runs;
using CakeParallel.Services;
using CakeParallel.Scheduling;

// Usage:
//   CakeParallel.Bench <jobs> <legs> <command> [args...]
//       Runs <legs> copies of the command (argv, no shell) with at most <jobs> at once, like
//       `seq <legs> | xargs -P<jobs> -n1 <command>`, and exits 0 only if every leg succeeded. The CAKEPARALLEL_*
//       variables apply (e.g. CAKEPARALLEL_SHARED_SLOTS=bench:2 for a machine-wide pool).
//   CakeParallel.Bench shared-slot <rounds>
//       Takes and gives back a slot of a machine-wide pool <rounds> times, as each attempt does (admission included),
//       and prints the mean cost of one take-and-give-back; the process spawns of a leg are not part of it.
//   CakeParallel.Bench service <command> [args...]
//       Runs the command (argv, no shell) as a background service with no probe until it has exited and all its
//       output is in its log (capped at the default 100 MB); prints the seconds from its start until then (the
//       runner's own start-up excluded) and exits 0 when it exited with code 0.
//   CakeParallel.Bench expand <legs>
//       Expands a matrix of about <legs> combinations (four axes, an exclude and two includes) and gives every leg
//       its stable id; prints the best of five timings.
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
    var exited = new TaskCompletionSource<ServiceEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
    var spec = new ServiceSpec("chatty", args[1], args[2..])
    {
        ServiceFailureIsWarning = true,
        LogFile = Path.Combine(Path.GetTempPath(), "cakeparallel-bench-logs", "service-chatty.log"),
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

var jobs = int.Parse(args[0], CultureInfo.InvariantCulture);
var legCount = int.Parse(args[1], CultureInfo.InvariantCulture);
var specs = Enumerable.Range(1, legCount).Select(i => new LegSpec("leg-" + i.ToString(CultureInfo.InvariantCulture), args[2], args[3..])).ToList();
var logs = Path.Combine(Path.GetTempPath(), "cakeparallel-bench-logs");
var plan = RunPlanner.Plan(specs, new RunOptions { LogDirectory = logs }, new RunOverrides { MaxParallel = jobs }, RunPrecedence.ProcessEnvironment()).GetPlanOrThrow();
var result = await ParallelRunner.RunAsync(plan);
return result.Succeeded ? 0 : 1;
