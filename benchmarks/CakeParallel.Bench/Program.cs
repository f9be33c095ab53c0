using System.Globalization;
using CakeParallel;

// Usage: CakeParallel.Bench <jobs> <legs> <command> [args...]
// Runs <legs> copies of the command (argv, no shell) with at most <jobs> at once, like
// `seq <legs> | xargs -P<jobs> -n1 <command>`, and exits 0 only if every leg succeeded.
var jobs = int.Parse(args[0], CultureInfo.InvariantCulture);
var count = int.Parse(args[1], CultureInfo.InvariantCulture);
var legs = Enumerable.Range(1, count).Select(i => new LegSpec("leg-" + i.ToString(CultureInfo.InvariantCulture), args[2], args[3..])).ToList();
var logs = Path.Combine(Path.GetTempPath(), "cakeparallel-bench-logs");
var result = await ParallelRunner.RunAsync(legs, new RunOptions { MaxParallel = jobs, LogDirectory = logs });
return result.Succeeded ? 0 : 1;
