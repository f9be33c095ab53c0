namespace CakeParallel.Matrix;

/// <summary>One axis of a build matrix: a name and its values, in the order they vary.</summary>
/// <param name="Name">
/// The axis name, e.g. <c>node</c>; also the <c>{node}</c> placeholder and, for docker legs, the build arg. Include and
/// exclude entries name it regardless of case; legs always carry it spelled as here.
/// </param>
/// <param name="Values">
/// The axis values, e.g. <c>18</c>, <c>20</c>, <c>22</c>. An object value (<c>{ "version": 20 }</c>) gives the leg one
/// parameter per key, named by its path: <c>node.version</c>.
/// </param>
public sealed record MatrixAxis(string Name, IReadOnlyList<MatrixValue> Values)
{
    /// <summary>An axis of text values, each read with <see cref="MatrixValue.FromText"/> (text spelled as a number is a number).</summary>
    /// <param name="name">The axis name.</param>
    /// <param name="values">The values as text.</param>
    public MatrixAxis(string name, IEnumerable<string> values)
        : this(name, values.Select(MatrixValue.FromText).ToArray())
    {
    }
}
