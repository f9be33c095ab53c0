namespace CakeParallel.Model;

/// <summary>
/// Receives a run's events for live rendering. The runner never calls a listener concurrently (calls are
/// serialised), so implementations need no locking; they should return quickly, because a slow listener slows
/// the reading of every leg's output. Every method has an empty default implementation.
/// </summary>
public interface IRunListener
{
    /// <summary>A leg was accepted for the run, before any leg starts (in input order).</summary>
    /// <param name="leg">The leg.</param>
    void LegQueued(LegSpec leg) { }

    /// <summary>An attempt of a leg started.</summary>
    /// <param name="leg">The leg.</param>
    /// <param name="attempt">The attempt number, starting at 1.</param>
    /// <param name="logFile">The leg's log file.</param>
    void AttemptStarted(LegSpec leg, int attempt, string logFile) { }

    /// <summary>A leg wrote a line.</summary>
    /// <param name="leg">The leg.</param>
    /// <param name="line">The line.</param>
    void OutputLine(LegSpec leg, OutputLine line) { }

    /// <summary>An attempt failed and another follows after <see cref="RetryDecision.Delay"/>.</summary>
    /// <param name="leg">The leg.</param>
    /// <param name="attempt">The failed attempt, with its retry decision.</param>
    void RetryScheduled(LegSpec leg, AttemptRecord attempt) { }

    /// <summary>
    /// A leg reached its final status (also for legs that never started). A leg built again because the engine that
    /// held its image went down while a leg still needed it reaches it once more, with its new result.
    /// </summary>
    /// <param name="result">The leg's result.</param>
    void LegCompleted(LegResult result) { }

    /// <summary>
    /// A leg waits for machine-wide admission (a shared slot held by another process, memory, load), said once per
    /// leg and kind of wait, or a run-level notice about the shared pool.
    /// </summary>
    /// <param name="notice">What the leg waits for, and who holds what it waits for.</param>
    void AdmissionNotice(AdmissionNotice notice) { }

    /// <summary>A service of the run (<see cref="RunOptions.Services"/>) could not start, or died while legs were running.</summary>
    /// <param name="serviceEvent">What happened, with the service's exit code and output tail.</param>
    void ServiceEvent(ServiceEvent serviceEvent) { }

    /// <summary>The run ended; every leg has a status (and its services, if any, have been stopped).</summary>
    /// <param name="result">The run's result.</param>
    void RunCompleted(RunResult result) { }
}
