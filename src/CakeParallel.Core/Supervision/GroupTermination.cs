using System.Diagnostics;
using CakeParallel.Model;

namespace CakeParallel.Supervision;

/// <summary>What a termination sequence did: the last signal it had to send and whether the group is gone.</summary>
internal readonly record struct TerminationReport(string? LastSignal, bool GroupGone, TimeSpan Elapsed)
{
    public static TerminationReport NothingToDo { get; } = new(null, true, TimeSpan.Zero);

    public string Describe() => LastSignal switch
    {
        null => "its process group had already exited",
        "SIGKILL" => "it was killed by SIGKILL after " + DurationText.Format(Elapsed),
        _ => "it exited on " + LastSignal,
    };
}

/// <summary>Runs a <see cref="TerminationSequence"/> against a process group until no member is alive.</summary>
internal static class GroupTermination
{
    // The final wait after SIGKILL: the kernel needs a moment to tear a killed process down.
    private static readonly TimeSpan KillSettleLimit = TimeSpan.FromSeconds(5);

    // What clearing a group that is already gone (every leg that ended cleanly) returns, made once.
    private static readonly Task<TerminationReport> NothingToDo = Task.FromResult(TerminationReport.NothingToDo);

    public static Task<TerminationReport> TerminateAsync(
        ProcessGroupPlatform platform, int groupId, TerminationSequence sequence, Func<bool>? leaderExited = null)
    {
        // While the leader runs the group is alive: no need to read /proc before the first signal.
        var leaderRuns = leaderExited is not null && !leaderExited();
        return !leaderRuns && !platform.HasLiveMembers(groupId) ? NothingToDo : SignalAsync(platform, groupId, sequence, leaderExited);
    }

    private static async Task<TerminationReport> SignalAsync(ProcessGroupPlatform platform, int groupId, TerminationSequence sequence, Func<bool>? leaderExited)
    {
        var clock = Stopwatch.StartNew();
        string? last = null;
        for (var i = 0; i < sequence.Steps.Count; i++)
        {
            var step = sequence.Steps[i];
            SignalNames.TryGetNumber(step.Signal, out var number);
            platform.SignalGroup(groupId, number);
            last = step.Signal;
            var wait = i == sequence.Steps.Count - 1 && step.Wait < KillSettleLimit ? KillSettleLimit : step.Wait;
            if (await WaitUntilGoneAsync(platform, groupId, wait, leaderExited).ConfigureAwait(false))
            {
                return new TerminationReport(last, true, clock.Elapsed);
            }
        }

        return new TerminationReport(last, false, clock.Elapsed);
    }

    private static async Task<bool> WaitUntilGoneAsync(ProcessGroupPlatform platform, int groupId, TimeSpan limit, Func<bool>? leaderExited)
    {
        // Group members other than our own child give no exit event, so this polls, briefly at first.
        var clock = Stopwatch.StartNew();
        var interval = TimeSpan.FromMilliseconds(5);
        while (true)
        {
            if ((leaderExited is null || leaderExited()) && !platform.HasLiveMembers(groupId))
            {
                return true;
            }

            var left = limit - clock.Elapsed;
            if (left <= TimeSpan.Zero)
            {
                return false;
            }

            await Task.Delay(interval < left ? interval : left).ConfigureAwait(false);
            interval = TimeSpan.FromMilliseconds(Math.Min(interval.TotalMilliseconds * 2, 100));
        }
    }
}
