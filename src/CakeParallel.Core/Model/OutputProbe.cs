namespace CakeParallel.Model;

/// <summary>
/// Ready once a line of the service's output (either stream) matches the regular expression <see cref="Pattern"/>,
/// e.g. <c>listening on .*:5000</c>. Lines are matched after secret values are masked.
/// </summary>
/// <param name="Pattern">A .NET regular expression.</param>
public sealed record OutputProbe(string Pattern) : ReadinessProbe
{
    /// <inheritdoc />
    public override string Description => $"output matching /{Pattern}/";
}
