namespace CakeParallel.Services;

/// <summary>Where a service is in its life.</summary>
public enum ServiceState
{
    /// <summary>Started; its readiness probes have not all passed yet.</summary>
    Starting,

    /// <summary>Every readiness probe passed; the service is running.</summary>
    Ready,

    /// <summary>The termination sequence is being applied.</summary>
    Stopping,

    /// <summary>Stopped on request; no process of its group is alive.</summary>
    Stopped,

    /// <summary>It never became ready (exited early, timed out or was cancelled); no process of its group is alive.</summary>
    Failed,

    /// <summary>It exited on its own after it was ready; no process of its group is alive.</summary>
    Died,

    /// <summary>Ready once, but its health checks failed too often in a row since; it still runs until stopped.</summary>
    Unhealthy,
}
