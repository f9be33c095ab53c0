using System.Net;
using System.Text.Json;

namespace CakeParallel.Docker;

/// <summary>
/// The one rule for reaching a registry as a docker engine's client does, and one <see cref="RegistryClient"/> per
/// registry: plain <c>http</c> for a loopback registry or one the engine lists as insecure, else <c>https</c>; the
/// credentials <c>docker login</c> stored in the engine's client config (<c>DOCKER_CONFIG</c>). Disposing disposes the clients.
/// </summary>
/// <param name="tokenActions">What a Bearer token is asked for on a repository: <c>pull</c> to read, <c>pull,push</c> to write tags.</param>
/// <param name="requestLimit">The limit of each request.</param>
internal sealed class RegistryClients(string tokenActions, TimeSpan requestLimit) : IDisposable
{
    private static readonly TimeSpan CommandLimit = TimeSpan.FromSeconds(15);

    private readonly Dictionary<string, RegistryClient> _clients = new(StringComparer.Ordinal);

    /// <summary>
    /// The client of <paramref name="registry"/> (as <see cref="DockerReference.Locate"/> names it), created on first
    /// use as <paramref name="engine"/> reaches it; later calls return the same client whatever engine they name.
    /// </summary>
    public async Task<RegistryClient> ForAsync(string registry, DockerEndpoint engine, CancellationToken cancellationToken)
    {
        if (_clients.TryGetValue(registry, out var known))
        {
            return known;
        }

        var apiHost = registry == "docker.io" ? "registry-1.docker.io" : registry;
        var plainHttp = IsLoopback(registry) || await DaemonTreatsAsInsecureAsync(engine, registry, cancellationToken).ConfigureAwait(false);
        var (credential, note) = await RegistryCredentials.FindAsync(registry, ConfigDirectory(engine), engine.Environment, cancellationToken).ConfigureAwait(false);
        var created = new RegistryClient(registry, new Uri((plainHttp ? "http://" : "https://") + apiHost + "/"), credential, note, tokenActions, requestLimit);
        _clients[registry] = created;
        return created;
    }

    public void Dispose()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }

        _clients.Clear();
    }

    private static string ConfigDirectory(DockerEndpoint engine) =>
        engine.Environment.TryGetValue("DOCKER_CONFIG", out var configured) && !string.IsNullOrEmpty(configured) ? configured
        : Environment.GetEnvironmentVariable("DOCKER_CONFIG") is { Length: > 0 } inherited ? inherited
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".docker");

    private static (string Host, string? Port) HostAndPort(string registry)
    {
        if (registry.StartsWith('['))
        {
            var end = registry.IndexOf(']', StringComparison.Ordinal);
            return (registry[1..end], end + 2 <= registry.Length ? registry[(end + 2)..] : null);
        }

        var colon = registry.LastIndexOf(':');
        return colon < 0 ? (registry, null) : (registry[..colon], registry[(colon + 1)..]);
    }

    private static bool IsLoopback(string registry)
    {
        var host = HostAndPort(registry).Host;
        return host == "localhost" || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));
    }

    /// <summary>The daemon's <c>insecure-registries</c>: the registry by name (its index config is not secure), or its address in an insecure CIDR.</summary>
    private static async Task<bool> DaemonTreatsAsInsecureAsync(DockerEndpoint engine, string registry, CancellationToken cancellationToken)
    {
        var info = await DockerCli.RunAsync(engine, ["info", "--format", "{{json .RegistryConfig}}"], CommandLimit, cancellationToken).ConfigureAwait(false);
        if (!info.Succeeded)
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(info.StandardOutput);
            var config = document.RootElement;
            if (config.TryGetProperty("IndexConfigs", out var indexes) && indexes.ValueKind == JsonValueKind.Object
                && indexes.TryGetProperty(registry, out var index) && index.TryGetProperty("Secure", out var secure) && secure.ValueKind == JsonValueKind.False)
            {
                return true;
            }

            return IPAddress.TryParse(HostAndPort(registry).Host, out var address)
                && config.TryGetProperty("InsecureRegistryCIDRs", out var cidrs) && cidrs.ValueKind == JsonValueKind.Array
                && cidrs.EnumerateArray().Any(c => c.ValueKind == JsonValueKind.String && IPNetwork.TryParse(c.GetString(), out var network) && network.Contains(address));
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
