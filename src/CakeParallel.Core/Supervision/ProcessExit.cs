using CakeParallel.Model;

namespace CakeParallel.Supervision;

/// <summary>How a supervised process ended, once its group is gone and its output is read.</summary>
/// <param name="ExitCode">The main process's exit code (128+N when signal N killed it).</param>
/// <param name="StartedAt">When it was started (UTC).</param>
/// <param name="Duration">From the start until the main process exited.</param>
/// <param name="Tail">The last output lines, secrets masked.</param>
/// <param name="LastLine">The last non-empty stderr line, else the last non-empty line; <see langword="null"/> without output.</param>
/// <param name="Termination">What a requested termination did; <see langword="null"/> when none was requested.</param>
/// <param name="Leftovers">What terminating the processes the main process left in its group did.</param>
/// <param name="OutputAbandoned">Whether reading stopped after the drain timeout because a process outside the group held the pipe.</param>
/// <param name="Escaped">What ending the processes that had left the group did; <see langword="null"/> when none had.</param>
internal sealed record ProcessExit(
    int ExitCode,
    DateTimeOffset StartedAt,
    TimeSpan Duration,
    IReadOnlyList<string> Tail,
    string? LastLine,
    TerminationReport? Termination,
    TerminationReport Leftovers,
    bool OutputAbandoned,
    EscapeReport? Escaped = null)
{
    /// <summary>The signal that killed the main process, e.g. <c>SIGTERM</c>, when one did.</summary>
    public string? Signal => SignalNames.FromExitCode(ExitCode);

    /// <summary><c>exited with code 3</c> or <c>was killed by SIGKILL (exit code 137)</c>.</summary>
    public string ExitText => Signal is null ? $"exited with code {ExitCode}" : $"was killed by {Signal} (exit code {ExitCode})";

    /// <summary><c>": "</c> and the last line, for appending to a failure message; empty without output.</summary>
    public string LastWords => LastLine is null ? "" : ": " + LastLine.Trim();
}
