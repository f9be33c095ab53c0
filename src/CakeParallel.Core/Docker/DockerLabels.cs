namespace CakeParallel.Docker;

/// <summary>Labels CakeParallel puts on the images it builds.</summary>
public static class DockerLabels
{
    /// <summary>The label holding the stable id of the leg that built the image: <c>cakeparallel.leg</c>.</summary>
    public const string Leg = "cakeparallel.leg";
}
