namespace CakeParallel.Model;

/// <summary>How one attempt of a leg ended.</summary>
public enum AttemptOutcome
{
    /// <summary>Exited with code 0.</summary>
    Succeeded,

    /// <summary>Exited with a non-zero code, was killed by a signal, or could not be started.</summary>
    Failed,

    /// <summary>Exceeded its timeout and was terminated by the runner.</summary>
    TimedOut,

    /// <summary>Terminated by the runner because the run was cancelled or failed fast.</summary>
    Cancelled,
}
