using System.Diagnostics;

namespace CakeParallel.Tests;

/// <summary>Runs tests/CakeParallel.Core.TestHost (built next to the tests) as a separate process.</summary>
internal static class TestHost
{
    public static string AssemblyPath => Path.Combine(AppContext.BaseDirectory, "CakeParallel.Core.TestHost.dll");

    public static Process Start(params string[] arguments)
    {
        var startInfo = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        startInfo.ArgumentList.Add(AssemblyPath);
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        return Process.Start(startInfo)!;
    }

    public static async Task<string> RunAsync(string[] arguments)
    {
        using var process = Start(arguments);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return await output + await error;
    }
}
