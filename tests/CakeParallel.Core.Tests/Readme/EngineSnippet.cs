using CakeParallel.Model;
using CakeParallel.Runs;


namespace CakeParallel.Tests.Readme;

/// <summary>The README's engine example, compiled here so it cannot drift from the API (ReadmeTests compares the text).</summary>
internal static class EngineSnippet
{
    public static async Task RunAsync(TextWriter Console)
    {
        // snippet-start
        var legs = new[]
        {
            new LegSpec("unit", "dotnet", ["test", "tests/Unit"]),
            LegSpec.Shell("lint", "npm run lint") with { Timeout = TimeSpan.FromMinutes(5) },
        };
        var options = new RunOptions
        {
            MaxParallel = 2,
            FailFast = false,                                         // keep going: every leg runs
            Termination = TerminationSequence.Parse("TERM,10000,KILL,5000"),
            Retry = new RetryPolicy { MaxAttempts = 3, RetryOnExitCodes = [75] },
        };
        using var cancellation = new CancellationTokenSource();
        using var signals = HostSignalCancellation.Register(cancellation); // Ctrl+C terminates the legs, then we report
        RunResult result = await ParallelRunner.RunAsync(legs, options, cancellation.Token);
        foreach (var leg in result.Legs)                              // input order, whatever finished first
            Console.WriteLine($"{leg.Name}: {leg.Status} {leg.ExitDisplay} {leg.FailureReason}");
        // snippet-end
    }
}
