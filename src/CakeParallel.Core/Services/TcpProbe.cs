using System.Globalization;
using System.Net.Sockets;
using CakeParallel.Model;

namespace CakeParallel.Services;

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

    internal override async Task<ProbeResult> CheckAsync(ProbeContext context, CancellationToken cancellationToken)
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(Host, Port, cancellationToken).ConfigureAwait(false);
            return ProbeResult.Pass;
        }
        catch (SocketException exception)
        {
            return ProbeResult.Fail($"{Description}: {exception.Message}");
        }
    }

    internal override IEnumerable<ProbeProblem> Problems(ServiceSpec service)
    {
        if (string.IsNullOrWhiteSpace(Host))
        {
            yield return new ProbeProblem(ErrorCodes.ServiceProbeInvalid, "Host", "no host given.");
        }

        if (Port is < 1 or > 65535)
        {
            yield return new ProbeProblem(ErrorCodes.ServiceProbeInvalid, "Port", $"must be between 1 and 65535, but is {Port}.");
        }
    }
}
