using System.Globalization;

namespace CakeParallel.Model;

/// <summary>Ready when a TCP connection to <see cref="Host"/>:<see cref="Port"/> is accepted.</summary>
/// <param name="Host">A host name or address, e.g. <c>127.0.0.1</c>.</param>
/// <param name="Port">The port, 1–65535.</param>
public sealed record TcpProbe(string Host, int Port) : ReadinessProbe
{
    /// <summary>Probes <c>127.0.0.1</c>:<paramref name="port"/>.</summary>
    /// <param name="port">The port, 1–65535.</param>
    public TcpProbe(int port)
        : this("127.0.0.1", port)
    {
    }

    /// <inheritdoc />
    public override string Description => "TCP connect to " + Host + ":" + Port.ToString(CultureInfo.InvariantCulture);
}
