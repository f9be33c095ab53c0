#:project ../../src/CakeParallel.Core/CakeParallel.Core.csproj
// The driver of benchmarks/sections/uptodate.sh (a file-based app: dotnet run uptodate-matrix.cs -- ...).
//   run <matrix.json> <log folder>   runs the docker matrix with the engine; prints "<makespan s> <counts>"
//   builds <matrix.json>             runs each leg's own `docker build` one after the other; prints "<total s>"
using System.Diagnostics;
using System.Globalization;
using CakeParallel.Docker;
using CakeParallel.Model;
using CakeParallel.Runs;

var matrix = DockerMatrixFile.Load(args[1]);
if (args[0] == "run")
{
    var result = await DockerMatrixRunner.RunAsync(matrix, new RunOptions { LogDirectory = args[2] });
    Console.WriteLine($"{result.Duration.TotalSeconds.ToString("F3", CultureInfo.InvariantCulture)} {result.CountsDisplay}");
    return result.Succeeded ? 0 : 1;
}

// The same argv the engine runs, leg by leg, with the tags renamed so the matrix's images keep their label.
var clock = Stopwatch.StartNew();
foreach (var leg in DockerMatrixPlanner.Plan(matrix, Path.GetDirectoryName(Path.GetFullPath(args[1]))!))
{
    var arguments = leg.Arguments.ToArray();
    for (var i = 0; i < arguments.Length - 1; i++)
    {
        if (arguments[i] == "--tag")
        {
            arguments[i + 1] += "-plain";
        }
    }

    var start = new ProcessStartInfo(leg.Executable, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = leg.WorkingDirectory };
    foreach (var (name, value) in leg.EnvironmentVariables)
    {
        start.Environment[name] = value;
    }

    using var build = Process.Start(start)!;
    var output = build.StandardOutput.ReadToEndAsync();
    var error = build.StandardError.ReadToEndAsync();
    await build.WaitForExitAsync();
    if (build.ExitCode != 0)
    {
        Console.Error.WriteLine($"docker build of {leg.Name} failed: {await output}{await error}");
        return 1;
    }
}

Console.WriteLine(clock.Elapsed.TotalSeconds.ToString("F3", CultureInfo.InvariantCulture));
return 0;
