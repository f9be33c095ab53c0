using System.Net;
using CakeParallel.Model;
using CakeParallel.Supervision;

namespace CakeParallel.Services;

/// <summary>A started service's processes: its group, and every process that carries its marker (its descendants).</summary>
/// <param name="GroupId">The main process's id, which is also its group's id.</param>
/// <param name="Marker">The service's <see cref="EscapedProcesses.MarkerVariable"/> value.</param>
/// <param name="StartTicks">When the main process started (clock ticks since boot).</param>
/// <param name="RunsDocker">Whether the service runs the docker client, so a <c>docker-proxy</c> may serve its ports.</param>
internal sealed record ServiceProcesses(int GroupId, string? Marker, long StartTicks, bool RunsDocker)
{
    public static ServiceProcesses Of(SupervisedProcess process, ServiceSpec spec) => new(
        process.ProcessId,
        process.Marker,
        ListeningSockets.StartTicks(process.ProcessId),
        Path.GetFileName(spec.Executable) == "docker" || spec.Arguments.Any(a => a.Contains("docker", StringComparison.Ordinal)));

    public bool Contains(int pid) =>
        (ProcStat.TryRead(pid, out var stat) && stat.ProcessGroup == GroupId) || (Marker is not null && EscapedProcesses.Carries(pid, Marker));
}

/// <summary>
/// Makes sure a TCP or HTTP probe to a local port is answered by the service itself: the port must be free before
/// the service starts, and afterwards the listening socket must belong to a process of the service (or, for a
/// <c>docker run -p</c> service, to the <c>docker-proxy</c> that forwards the port to its container).
/// Linux only; elsewhere the checks pass.
/// </summary>
internal static class ServicePorts
{
    /// <summary>Why the service cannot start because a probed port is taken (naming who holds it), or <see langword="null"/>.</summary>
    public static string? InUse(ServiceSpec spec)
    {
        if (!ListeningSockets.Supported)
        {
            return null;
        }

        foreach (var probe in spec.Probes)
        {
            if (!TryLocal(probe, out var port, out var addresses) || ListeningSockets.Inodes(port, addresses) is not { Count: > 0 } inodes)
            {
                continue;
            }

            var who = Holders(inodes, port);
            return $"service '{spec.Name}' cannot start: port {port} ({probe.Description}) is already in use by {who}; stop that process or give the service another port";
        }

        return null;
    }

    /// <summary>Throws when a probed local port is already taken, before anything of the service exists.</summary>
    /// <exception cref="ServiceStartException">A port is taken (<see cref="ErrorCodes.ServicePortInUse"/>), naming who holds it.</exception>
    public static void ThrowIfInUse(ServiceSpec spec)
    {
        if (InUse(spec) is { } taken)
        {
            throw new ServiceStartException(new ServiceEvents(spec, null).StartFailed(ErrorCodes.ServicePortInUse, taken, null));
        }
    }

    /// <summary>
    /// After <paramref name="probe"/> passed: why the answer did not come from <paramref name="service"/>, or
    /// <see langword="null"/> when it did (or the probe is not to a local port, or no local listener is visible,
    /// e.g. a port forwarded by the firewall).
    /// </summary>
    public static string? Foreign(ReadinessProbe probe, ServiceProcesses service)
    {
        if (!ListeningSockets.Supported || !TryLocal(probe, out var port, out var addresses) || ListeningSockets.Inodes(port, addresses) is not { Count: > 0 } inodes)
        {
            return null;
        }

        var holders = ListeningSockets.Holders(inodes);
        if (holders.Any(service.Contains))
        {
            return null;
        }

        if (service.RunsDocker)
        {
            var proxies = ListeningSockets.DockerProxies(port).Where(p => ListeningSockets.StartTicks(p) >= service.StartTicks).ToHashSet();
            if (holders.Any(proxies.Contains) || (holders.Count == 0 && proxies.Count > 0))
            {
                return null;
            }
        }

        return $"{probe.Description} was answered by {Holders(inodes, port)}, which is not a process of the service";
    }

    private static string Holders(IReadOnlyList<long> inodes, int port)
    {
        var holders = ListeningSockets.Holders(inodes);
        if (holders.Count == 0)
        {
            holders = ListeningSockets.DockerProxies(port);
        }

        return holders.Count == 0 ? "a process that cannot be identified" : string.Join(", ", holders.Select(ListeningSockets.Describe));
    }

    /// <summary>Whether the probe connects to a port of this machine, and which addresses it connects to.</summary>
    private static bool TryLocal(ReadinessProbe probe, out int port, out IReadOnlyList<IPAddress> addresses)
    {
        string host;
        switch (probe)
        {
            case HttpProbe http when Uri.TryCreate(http.Url, UriKind.Absolute, out var uri):
                host = uri.Host;
                port = uri.Port;
                break;
            case TcpProbe tcp:
                host = tcp.Host;
                port = tcp.Port;
                break;
            default:
                port = 0;
                addresses = [];
                return false;
        }

        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            addresses = [IPAddress.Loopback, IPAddress.IPv6Loopback];
            return true;
        }

        if (IPAddress.TryParse(host.Trim('[', ']'), out var address) && (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any)))
        {
            addresses = [address];
            return true;
        }

        addresses = [];
        return false;
    }
}
