namespace CakeParallel.Docker;

/// <summary>Labels CakeParallel puts on the images it builds.</summary>
public static class DockerLabels
{
    /// <summary>The label holding the stable id of the leg that built the image: <c>cakeparallel.leg</c>.</summary>
    public const string Leg = "cakeparallel.leg";

    /// <summary>
    /// The label holding the leg's inputs hash (<c>sha256:…</c>) when it was built: <c>cakeparallel.inputs-hash</c>.
    /// A later run whose leg has the same hash finds the image by it and does not build it again.
    /// </summary>
    public const string InputsHash = "cakeparallel.inputs-hash";
}
