using System.Diagnostics;
using CakeParallel.Model;
using CakeParallel.Runs;

namespace CakeParallel.Tests.Faults;

/// <summary>What a leg printed is on disk within a second, so a runner that dies leaves its trace.</summary>
public sealed class CrashTraceTests : IDisposable
{
    private readonly Scratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task A_line_a_running_leg_printed_reaches_its_log_file_within_a_second()
    {
        var printed = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var cancellation = new CancellationTokenSource();
        var options = _scratch.Options() with { Listener = new FirstLine(printed) };
        var run = ParallelRunner.RunAsync([LegSpec.Shell("quiet-after-one-line", "echo visible-line; sleep 30")], options, cancellation.Token);
        try
        {
            var logFile = await printed.Task.WaitAsync(TimeSpan.FromSeconds(30));
            var clock = Stopwatch.StartNew();
            while (!Contains(logFile, " out visible-line") && clock.Elapsed < TimeSpan.FromSeconds(1))
            {
                await Task.Delay(20);
            }

            Contains(logFile, " out visible-line").ShouldBeTrue($"not on disk {clock.Elapsed} after it was printed");
        }
        finally
        {
            await cancellation.CancelAsync();
            await run;
        }
    }

    private static bool Contains(string file, string text)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return new StreamReader(stream).ReadToEnd().Contains(text, StringComparison.Ordinal);
    }

    private sealed class FirstLine(TaskCompletionSource<string> printed) : IRunListener
    {
        private string _logFile = "";

        public void AttemptStarted(LegSpec leg, int attempt, string logFile) => _logFile = logFile;

        public void OutputLine(LegSpec leg, OutputLine line) => printed.TrySetResult(_logFile);
    }
}
