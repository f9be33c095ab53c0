using CakeParallel.Model;
using CakeParallel.Runs;

namespace CakeParallel.Tests.Reports;

/// <summary>
/// A run of real /bin/sh legs that ends every way a leg can: succeeded, succeeded after a retry, failed with
/// output, timed out. Shared by the report tests so each report is checked against a real result.
/// </summary>
internal static class MixedRun
{
    public static readonly string[] LegNames = ["ok", "flaky", "broken", "slow"];

    public static IReadOnlyList<LegSpec> Legs(Scratch scratch) =>
    [
        Scratch.Sh("ok", "echo built ok"),
        // Fails on its first attempt, succeeds on its second: the counter file survives between attempts.
        Scratch.Sh("flaky", $"n=$(cat '{scratch.PathOf("flaky.count")}' 2>/dev/null || echo 0); n=$((n+1)); echo $n > '{scratch.PathOf("flaky.count")}'; " +
                            "if [ $n -lt 2 ]; then echo 'registry: TLS handshake timeout' >&2; exit 1; fi; echo pushed")
            with { Retry = new RetryPolicy { MaxAttempts = 3, InitialDelay = TimeSpan.FromMilliseconds(300), UseJitter = false } },
        Scratch.Sh("broken", "echo 'compiling <lib> & \"app\"'; echo 'error CS1002: ; expected' >&2; exit 3"),
        Scratch.Sh("slow", "echo starting; sleep 30") with { Timeout = TimeSpan.FromMilliseconds(700) },
    ];

    public static Task<RunResult> RunAsync(Scratch scratch, ReportOptions reports, CancellationToken cancellationToken = default) =>
        ParallelRunner.RunAsync(Legs(scratch), scratch.Options(maxParallel: 2) with { Reports = reports }, cancellationToken);
}
