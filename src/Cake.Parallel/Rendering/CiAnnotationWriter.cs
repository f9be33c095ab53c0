using Cake.Core;
using Cake.Core.Diagnostics;
using CakeParallel.Model;
using CakeParallel.Reports;

namespace Cake.Parallel.Rendering;

/// <summary>
/// Prints a run's CI annotation lines on standard output exactly as they are, whatever Cake's verbosity: they are
/// meant for the CI, which reads only lines that start with its command syntax.
/// </summary>
/// <remarks>
/// Cake 7's log wraps every line in colour codes when its console supports ANSI, and Cake turns that on for GitHub
/// Actions, Azure Pipelines and TeamCity, where annotations matter. So the lines go to Cake's console directly, as
/// Cake's own build-system commands go to standard output directly. A context without services (no console to
/// resolve) gets them through its log.
/// </remarks>
internal static class CiAnnotationWriter
{
    public static void Write(ICakeContext context, RunResult result, ReportOptions reports)
    {
        var lines = CiAnnotations.Lines(result, reports);
        if (lines.Count == 0)
        {
            return;
        }

        if (context.ServiceProvider?.GetService(typeof(IConsole)) is IConsole console)
        {
            foreach (var line in lines)
            {
                console.WriteLine("{0}", line);
            }
        }
        else
        {
            foreach (var line in lines)
            {
                context.Log.WriteText(Verbosity.Quiet, LogLevel.Information, line);
            }
        }
    }
}
