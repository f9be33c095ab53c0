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

    /// <summary>
    /// The leg was not built: its docker image is up to date, because the engine (or, with push, the registry)
    /// already has an image with the leg's inputs hash under its tags; the result carries that image's id.
    /// </summary>
    UpToDate,
}
