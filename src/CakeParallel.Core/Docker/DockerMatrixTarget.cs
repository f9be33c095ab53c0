using CakeParallel.Matrix;

namespace CakeParallel.Docker;

/// <summary>
/// One named matrix of a matrix file with several (<c>targets</c>): its matrix, the build of each of its legs, and
/// the targets it needs. A leg of a target needs the legs of each needed target whose shared axis values (axes
/// both targets define) are equal; with no shared axis, every leg of the needed target.
/// </summary>
public sealed record DockerMatrixTarget
{
    /// <summary>The target's name: letters, digits, <c>-</c> and <c>_</c>; it starts the name of each of its legs (<c>app-alpine-20</c>).</summary>
    public required string Name { get; init; }

    /// <summary>The matrix whose legs this target builds.</summary>
    public required MatrixDefinition Matrix { get; init; }

    /// <summary>The build of each leg; its <see cref="DockerBuildSettings.Endpoints"/> are ignored (the engines are the whole matrix's).</summary>
    public DockerBuildSettings Build { get; init; } = new();

    /// <summary>
    /// The targets whose legs must succeed before a leg of this one starts. Their outputs are placeholders of this
    /// target's build settings: <c>{base.tag}</c> (the needed leg's first tag) and <c>{base.image}</c> (its image id,
    /// known when this leg starts: in build args, labels and extra arguments only).
    /// </summary>
    public IReadOnlyList<string> Needs { get; init; } = [];
}
