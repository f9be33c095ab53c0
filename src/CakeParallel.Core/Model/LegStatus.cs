namespace CakeParallel.Model;

/// <summary>The final status of a leg.</summary>
public enum LegStatus
{
    /// <summary>The leg's last attempt exited with code 0.</summary>
    Succeeded,

    /// <summary>The leg's last attempt exited with a non-zero code or was killed by a signal it was not sent by the runner.</summary>
    Failed,

    /// <summary>The leg's last attempt exceeded its timeout (or the run's deadline) and was terminated.</summary>
    TimedOut,

    /// <summary>The leg was terminated, or its retry wait was interrupted, because the run was cancelled or failed fast.</summary>
    Cancelled,

    /// <summary>The leg never started (fail-fast, cancellation or the run's deadline came first).</summary>
    NotStarted,

    /// <summary>The leg was not run again: a previous run's report shows it succeeded (see the reports' resume support).</summary>
    Reused,
}
