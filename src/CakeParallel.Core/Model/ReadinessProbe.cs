namespace CakeParallel.Model;

/// <summary>
/// A check that tells whether a service is ready: <see cref="HttpProbe"/>, <see cref="TcpProbe"/>,
/// <see cref="CommandProbe"/> or <see cref="OutputProbe"/>. Pure settings; the service's supervisor runs them.
/// </summary>
public abstract record ReadinessProbe
{
    private protected ReadinessProbe()
    {
    }

    /// <summary>How long one check may take; overrides <see cref="ServiceSpec.ProbeTimeout"/> when set.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>What the probe checks, for logs and error messages, e.g. <c>HTTP GET http://127.0.0.1:5000/v2/</c>.</summary>
    public abstract string Description { get; }
}
