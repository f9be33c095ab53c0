namespace CakeParallel.Matrix;

/// <summary>
/// A build matrix with GitHub Actions <c>strategy.matrix</c> semantics: the cartesian product of <see cref="Axes"/>,
/// minus <see cref="Exclude"/>, merged with or extended by <see cref="Include"/>; or an explicit list of <see cref="Legs"/>.
/// </summary>
/// <remarks>
/// <see cref="Legs"/> is an alternative to axes, include and exclude, not a complement: give one or the other.
/// Expand with <see cref="MatrixExpansion.Expand(MatrixDefinition)"/>.
/// </remarks>
public sealed record MatrixDefinition
{
    /// <summary>The axes in declaration order; the first axis varies slowest.</summary>
    public IReadOnlyList<MatrixAxis> Axes { get; init; } = [];

    /// <summary>
    /// Objects merged into matching combinations, or added as combinations of their own (applied after
    /// <see cref="Exclude"/>). Keys that name an axis (regardless of case) select the combinations, compared with
    /// <see cref="MatrixValue"/>'s matching rule; the other keys are added.
    /// </summary>
    public IReadOnlyList<IReadOnlyDictionary<string, MatrixValue>> Include { get; init; } = [];

    /// <summary>
    /// Partial combinations to remove from the product: a combination goes when it matches every key of one of them
    /// (keys name axes regardless of case; values match by <see cref="MatrixValue"/>'s rule).
    /// </summary>
    public IReadOnlyList<IReadOnlyDictionary<string, MatrixValue>> Exclude { get; init; } = [];

    /// <summary>An explicit list of legs, each a set of parameters; used instead of axes, include and exclude.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, string>> Legs { get; init; } = [];

    /// <summary>A matrix that is exactly the given legs, in order.</summary>
    /// <param name="legs">Each leg's parameters.</param>
    public static MatrixDefinition FromLegs(IEnumerable<IReadOnlyDictionary<string, string>> legs) => new() { Legs = legs.ToArray() };
}
