using System.ComponentModel;
using System.Diagnostics;
using CakeParallel.Model;

namespace CakeParallel.Supervision;

/// <summary>Why the runner terminated an attempt.</summary>
internal enum StopCause
{
    None,
    AttemptTimeout,
    RunDeadline,
    FailFast,
    HostCancelled,
}

/// <summary>What one attempt did, before retry decisions are made.</summary>
internal sealed record AttemptRun(
    DateTimeOffset StartedAt,
    TimeSpan Duration,
    int? ExitCode,
    string? Signal,
    AttemptOutcome Outcome,
    StopCause StopCause,
    string Detail,
    IReadOnlyList<string> Tail);

/// <summary>
/// Runs one attempt of a leg as the leader of its own process group: stdin closed, both output streams read
/// concurrently, terminated with the termination sequence when stopped, and never leaving a group member alive.
/// </summary>
internal static class AttemptExecution
{
    public static async Task<AttemptRun> RunAsync(
        LegSpec leg,
        string resolvedExecutable,
        AttemptOutput output,
        LegLog log,
        RunOptions options,
        TimeSpan? timeout,
        RunStop stop)
    {
        var platform = ProcessGroupPlatform.Current;
        var startInfo = platform.CreateStartInfo(resolvedExecutable, leg.Arguments);
        if (leg.WorkingDirectory is not null)
        {
            startInfo.WorkingDirectory = leg.WorkingDirectory;
        }

        foreach (var (key, value) in leg.EnvironmentVariables)
        {
            if (value is null)
            {
                startInfo.Environment.Remove(key);
            }
            else
            {
                startInfo.Environment[key] = value;
            }
        }

        var startedAt = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        using var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (Exception exception) when (exception is Win32Exception or InvalidOperationException)
        {
            var detail = $"could not start '{leg.Executable}': {exception.Message}";
            log.WriteNote(detail);
            return new AttemptRun(startedAt, clock.Elapsed, null, null, AttemptOutcome.Failed, StopCause.None, detail, output.Tail.Snapshot());
        }

        var groupId = process.Id;
        process.StandardInput.Close();
        using var drain = new CancellationTokenSource();
        var pumps = Task.WhenAll(
            LineSplitter.PumpAsync(process.StandardOutput.BaseStream, options.MaxLineBytes, (ReadOnlySpan<char> line) => output.Write(OutputStream.Stdout, line), drain.Token),
            LineSplitter.PumpAsync(process.StandardError.BaseStream, options.MaxLineBytes, (ReadOnlySpan<char> line) => output.Write(OutputStream.Stderr, line), drain.Token));

        using var timeoutSource = timeout is { } t ? new CancellationTokenSource(t) : null;
        using var stopOrTimeout = CancellationTokenSource.CreateLinkedTokenSource(stop.Token, timeoutSource?.Token ?? CancellationToken.None);

        var cause = StopCause.None;
        TerminationReport termination = TerminationReport.NothingToDo;
        try
        {
            await process.WaitForExitAsync(stopOrTimeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped or timed out; unless it exited on its own at that very moment, it is terminated below.
        }

        if (!process.HasExited)
        {
            cause = timeoutSource?.IsCancellationRequested == true ? StopCause.AttemptTimeout : stop.Cause;
            log.WriteNote($"terminating process group {groupId} ({Describe(cause, timeout, stop)}): {options.Termination}");
            termination = await GroupTermination.TerminateAsync(platform, groupId, options.Termination, () => process.HasExited).ConfigureAwait(false);
        }

        await process.WaitForExitAsync().ConfigureAwait(false);

        // The leg ends when its main process ends; whatever it left behind in its group goes too.
        var leftovers = await GroupTermination.TerminateAsync(platform, groupId, options.Termination).ConfigureAwait(false);
        if (leftovers.LastSignal is not null)
        {
            log.WriteNote($"terminated processes the leg left in its group; {leftovers.Describe()}");
        }

        var exitCode = process.ExitCode;
        var duration = clock.Elapsed;
        if (!await DrainAsync(pumps, drain, options.DrainTimeout).ConfigureAwait(false))
        {
            log.WriteNote($"stopped reading output after {DurationText.Format(options.DrainTimeout)}: a process outside the leg's group still holds its pipe");
        }

        var signal = SignalNames.FromExitCode(exitCode);
        var outcome = cause switch
        {
            StopCause.AttemptTimeout or StopCause.RunDeadline => AttemptOutcome.TimedOut,
            StopCause.FailFast or StopCause.HostCancelled => AttemptOutcome.Cancelled,
            _ => exitCode == 0 ? AttemptOutcome.Succeeded : AttemptOutcome.Failed,
        };

        var exitText = signal is null ? $"exited with code {exitCode}" : $"was killed by {signal} (exit code {exitCode})";
        var detailText = outcome switch
        {
            AttemptOutcome.Succeeded => "exited with code 0",
            AttemptOutcome.Failed => exitText + LastWords(output.Tail),
            _ => $"{Describe(cause, timeout, stop)}; {termination.Describe()}",
        };
        log.WriteNote($"attempt ended after {DurationText.Format(duration)}: {detailText}");
        return new AttemptRun(startedAt, duration, exitCode, signal, outcome, cause, detailText, output.Tail.Snapshot());
    }

    private static async Task<bool> DrainAsync(Task pumps, CancellationTokenSource drain, TimeSpan limit)
    {
        try
        {
            await pumps.WaitAsync(limit).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            await drain.CancelAsync().ConfigureAwait(false);
            try
            {
                await pumps.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Expected: the reads were abandoned on purpose.
            }

            return false;
        }
    }

    private static string LastWords(OutputTail tail)
    {
        var line = tail.LastErrorLine ?? tail.LastLine;
        return line is null ? "" : ": " + line.Trim();
    }

    private static string Describe(StopCause cause, TimeSpan? timeout, RunStop stop) => cause switch
    {
        StopCause.AttemptTimeout => $"timed out after {DurationText.Format(timeout ?? TimeSpan.Zero)}",
        _ => stop.Describe(),
    };
}
