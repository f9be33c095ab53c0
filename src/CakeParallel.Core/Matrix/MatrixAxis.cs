namespace CakeParallel.Matrix;

/// <summary>One axis of a build matrix: a name and its values, in the order they vary.</summary>
/// <param name="Name">The axis name, e.g. <c>node</c>; also the <c>{node}</c> placeholder and, for docker legs, the build arg.</param>
/// <param name="Values">The axis values, e.g. <c>18</c>, <c>20</c>, <c>22</c>.</param>
public sealed record MatrixAxis(string Name, IReadOnlyList<string> Values);
