namespace CakeParallel.Tests.Docker;

/// <summary>Two real extra dockerds for one test: one the test kills, one that survives. Disposing stops both.</summary>
internal sealed class DoomedAndSurvivorEngines : IDisposable
{
    public DoomedAndSurvivorEngines()
    {
        if (DockerAvailability.DaemonUnreachable is not null)
        {
            throw new InvalidOperationException("no docker daemon; the DockerFact skips before this runs");
        }

        Doomed = ExtraDockerEngine.Start();
        Survivor = ExtraDockerEngine.Start();
    }

    /// <summary>The engine the test kills (SIGKILL to its dockerd).</summary>
    public ExtraDockerEngine Doomed { get; }

    /// <summary>The engine that keeps answering.</summary>
    public ExtraDockerEngine Survivor { get; }

    public void Dispose()
    {
        Doomed.Dispose();
        Survivor.Dispose();
    }
}
