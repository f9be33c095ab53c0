using System.Diagnostics;
using System.Globalization;
using CakeParallel.Docker;
using CakeParallel.Model;
using CakeParallel.Matrix;
using CakeParallel.Runs;
using CakeParallel.Services;

// Usage:
//   CakeParallel.Bench <jobs> <legs> <command> [args...]
//       Runs <legs> copies of the command (argv, no shell) with at most <jobs> at once, like
//       `seq <legs> | xargs -P<jobs> -n1 <command>`, and exits 0 only if every leg succeeded.
//   CakeParallel.Bench service <command> [args...]
//       Runs the command (argv, no shell) as a background service with no probe until it has exited and all its
//       output is in its log (capped at the default 100 MB); prints the seconds from its start until then (the
//       runner's own start-up excluded) and exits 0 when it exited with code 0.
//   CakeParallel.Bench expand <legs>
//       Expands a matrix of about <legs> combinations (four axes, an exclude and two includes) and gives every leg
//       its stable id; prints the best of five timings.
//   CakeParallel.Bench docker-pool <legs> <seconds> <slots per engine> <host> [host...]
//       Builds a docker matrix of <legs> legs, each a `RUN sleep <seconds>` build without cache, over the given
//       engines (DOCKER_HOST values); prints the makespan (first attempt's start to last attempt's end).
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
    var run = await DockerMatrixRunner.RunAsync(matrix, new RunOptions { LogDirectory = Path.Combine(context.FullName, "logs") });
    var attempts = run.Legs.SelectMany(l => l.Attempts).ToArray();
    var makespan = attempts.Max(a => a.StartedAt + a.Duration) - attempts.Min(a => a.StartedAt);
    var perEngine = string.Join(", ", run.Legs.GroupBy(l => l.Endpoint).OrderBy(g => g.Key).Select(g => $"{g.Key}: {g.Count()}"));
    Console.WriteLine($"{makespan.TotalSeconds:0.0} s makespan, {run.Legs.Count(l => l.Status == LegStatus.Succeeded)}/{run.Legs.Count} built ({perEngine})");
    context.Delete(recursive: true);
    return run.Succeeded ? 0 : 1;
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
var copies = int.Parse(args[1], CultureInfo.InvariantCulture);
var specs = Enumerable.Range(1, copies).Select(i => new LegSpec("leg-" + i.ToString(CultureInfo.InvariantCulture), args[2], args[3..])).ToList();
var logs = Path.Combine(Path.GetTempPath(), "cakeparallel-bench-logs");
var result = await ParallelRunner.RunAsync(specs, new RunOptions { MaxParallel = jobs, LogDirectory = logs });
return result.Succeeded ? 0 : 1;
