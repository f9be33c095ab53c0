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

/// <summary>The policy's names in matrix files and MSBuild parameters: <c>per-leg</c> and <c>all-or-nothing</c>.</summary>
public static class DockerPublishPolicyText
{
    /// <summary>Reads <c>per-leg</c> or <c>all-or-nothing</c> (exactly, lower case).</summary>
    /// <param name="text">The text.</param>
    /// <param name="policy">The policy read; <see cref="DockerPublishPolicy.PerLeg"/> when the text is neither.</param>
    /// <returns>True when the text names a policy.</returns>
    public static bool TryParse(string? text, out DockerPublishPolicy policy)
    {
        (var known, policy) = text switch
        {
            "per-leg" => (true, DockerPublishPolicy.PerLeg),
            "all-or-nothing" => (true, DockerPublishPolicy.AllOrNothing),
            _ => (false, DockerPublishPolicy.PerLeg),
        };
        return known;
    }
}
