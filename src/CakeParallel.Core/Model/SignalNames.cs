namespace CakeParallel.Model;

/// <summary>Linux signal numbers and names, for reporting how a process died and for termination sequences.</summary>
public static class SignalNames
{
    private static readonly string[] Names =
    [
        "", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1",
        "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP",
        "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS",
    ];

    /// <summary>The name of signal <paramref name="number"/> (1–31), e.g. 9 → <c>SIGKILL</c>; <see langword="null"/> if unknown.</summary>
    /// <param name="number">The signal number.</param>
    public static string? NameOf(int number) => number is > 0 and < 32 ? Names[number] : null;

    /// <summary>Looks up a signal's number by name (<c>SIGTERM</c> or <c>TERM</c>, any case).</summary>
    /// <param name="name">The signal name.</param>
    /// <param name="number">The signal number when found.</param>
    public static bool TryGetNumber(string name, out int number)
    {
        // Looked up for every process started (its termination steps): no garbage.
        var bare = name.StartsWith("SIG", StringComparison.OrdinalIgnoreCase) ? name.AsSpan(3) : name.AsSpan();
        for (var i = 1; i < Names.Length; i++)
        {
            if (Names[i].Length > 3 && Names[i].AsSpan(3).Equals(bare, StringComparison.OrdinalIgnoreCase))
            {
                number = i;
                return true;
            }
        }

        number = -1;
        return false;
    }

    /// <summary>
    /// The signal a .NET exit code on Linux stands for: a process killed by signal N reports 128+N.
    /// (A process that itself exits with 128+N looks the same, exactly as in a shell's <c>$?</c>.)
    /// </summary>
    /// <param name="exitCode">The exit code.</param>
    public static string? FromExitCode(int exitCode) => exitCode > 128 ? NameOf(exitCode - 128) : null;
}
