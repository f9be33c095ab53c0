namespace CakeParallel.Docker;

/// <summary>When the tags of a docker matrix that pushes (<see cref="DockerBuildSettings.Push"/>) appear in the registry.</summary>
public enum DockerPublishPolicy
{
    /// <summary>Each leg pushes its own tags as soon as its build succeeded (<c>"per-leg"</c>, the default).</summary>
    PerLeg,

    /// <summary>
    /// Each leg pushes its image under a staging tag only; when every leg succeeded, the final tags are written in
    /// the registry (by digest, through its HTTP API) and the staging tags removed where the registry can delete a
    /// tag alone; else no final tag moves and the run's <see cref="Model.RunResult.Publish"/> names the legs that
    /// held the publish back (<c>"all-or-nothing"</c>).
    /// </summary>
    AllOrNothing,
}
