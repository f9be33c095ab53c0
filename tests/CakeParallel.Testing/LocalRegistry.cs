using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text.Json;

namespace CakeParallel.Testing;

/// <summary>How a <see cref="LocalRegistry"/> authenticates its clients.</summary>
public enum LocalRegistryAuth
{
    /// <summary>Anonymous access.</summary>
    None,

    /// <summary>Basic credentials (<see cref="LocalRegistry.UserName"/>, <see cref="LocalRegistry.Password"/>) checked against an htpasswd file.</summary>
    Basic,

    /// <summary>Bearer tokens from a <see cref="RegistryTokenServer"/>, which wants the Basic credentials.</summary>
    Token,
}

/// <summary>
/// A real image registry (Debian's <c>docker-registry</c>, i.e. distribution) on a free loopback port with a temp
/// storage root; loopback registries need no TLS. Disposing stops the process it started and deletes its folder.
/// </summary>
public sealed class LocalRegistry : IDisposable
{
    public const string UserName = "cpar";

    /// <summary>The test user's password; the htpasswd file holds its bcrypt hash (cost 4).</summary>
    public const string Password = "cpar-test-password";

    private const string PasswordHash = "$2b$04$1BPYKQGdTYcGttJnUuMewut6BpUBXreXBg2XDrQpA6/nli/mFHNYq";

    private readonly Process _process;
    private readonly string _root;
    private readonly LocalRegistryAuth _auth;
    private readonly RegistryTokenServer? _tokens;

    private LocalRegistry(Process process, string root, string host, int port, LocalRegistryAuth auth, RegistryTokenServer? tokens)
    {
        Host = host;
        _process = process;
        _root = root;
        _auth = auth;
        _tokens = tokens;
        Port = port;
    }

    /// <summary>The token service of a <see cref="LocalRegistryAuth.Token"/> registry, else <see langword="null"/>.</summary>
    public RegistryTokenServer? Tokens => _tokens;

    /// <summary>Writes a docker client config (<c>config.json</c>) into <paramref name="directory"/> with this registry's credentials under <c>auths</c>, as <c>docker login</c> writes them without a credential store.</summary>
    public void WriteDockerConfig(string directory)
    {
        Directory.CreateDirectory(directory);
        var auth = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(UserName + ":" + Password));
        File.WriteAllText(Path.Combine(directory, "config.json"), JsonSerializer.Serialize(new Dictionary<string, object> { ["auths"] = new Dictionary<string, object> { [Address] = new Dictionary<string, string> { ["auth"] = auth } } }));
    }

    public int Port { get; }

    /// <summary>The address it listens on: <c>127.0.0.1</c> unless started on another.</summary>
    public string Host { get; }

    /// <summary>The registry's address for image references, e.g. <c>127.0.0.1:5000</c>.</summary>
    public string Address => Host + ":" + Port.ToString(CultureInfo.InvariantCulture);

    /// <summary>An IPv4 address of this machine that is not loopback (an interface that is up), or <see langword="null"/>.</summary>
    public static IPAddress? NonLoopbackAddress() => NetworkInterface.GetAllNetworkInterfaces()
        .Where(i => i.OperationalStatus == OperationalStatus.Up && i.NetworkInterfaceType != NetworkInterfaceType.Loopback)
        .SelectMany(i => i.GetIPProperties().UnicastAddresses)
        .Select(a => a.Address)
        .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));

    /// <summary>Starts a registry.</summary>
    /// <param name="auth">How it authenticates clients.</param>
    /// <param name="listenOn">The address to listen on (default <c>127.0.0.1</c>); a docker daemon pushes to another address only when it lists it as an insecure registry.</param>
    public static LocalRegistry Start(LocalRegistryAuth auth = LocalRegistryAuth.None, IPAddress? listenOn = null)
    {
        var host = (listenOn ?? IPAddress.Loopback).ToString();
        var root = Path.Combine(Path.GetTempPath(), "cpar-registry-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path.Combine(root, "data"));
        var port = LoopbackPorts.Free();
        var config = Path.Combine(root, "config.yml");
        var tokens = auth == LocalRegistryAuth.Token ? new RegistryTokenServer(root, UserName, Password) : null;
        var authConfig = auth switch
        {
            LocalRegistryAuth.Basic => $"auth: {{ htpasswd: {{ realm: cpar, path: {Path.Combine(root, "htpasswd")} }} }}\n",
            LocalRegistryAuth.Token => $"auth: {{ token: {{ realm: \"{tokens!.Realm}\", service: {RegistryTokenServer.Service}, issuer: {RegistryTokenServer.Issuer}, rootcertbundle: {tokens.CertificateBundle} }} }}\n",
            _ => "",
        };
        File.WriteAllText(Path.Combine(root, "htpasswd"), $"{UserName}:{PasswordHash}\n");
        File.WriteAllText(config, $"version: 0.1\nlog: {{ level: warn }}\nstorage: {{ filesystem: {{ rootdirectory: {Path.Combine(root, "data")} }}, delete: {{ enabled: true }} }}\nhttp: {{ addr: {host}:{port} }}\n{authConfig}");
        var process = Process.Start(new ProcessStartInfo("docker-registry", ["serve", config]) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true })!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var registry = new LocalRegistry(process, root, host, port, auth, tokens);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!IsListening(IPAddress.Parse(host), port))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                registry.Dispose();
                throw new InvalidOperationException($"docker-registry did not listen on {port}");
            }

            Thread.Sleep(100);
        }

        return registry;
    }

    /// <summary>The manifest digest the registry holds for <paramref name="name"/>:<paramref name="tag"/> (the Docker-Content-Digest header), or <see langword="null"/>.</summary>
    public string? Digest(string name, string tag)
    {
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Head, $"http://{Address}/v2/{name}/manifests/{tag}");
        Authorize(request, name);
        foreach (var type in (string[])["application/vnd.docker.distribution.manifest.v2+json", "application/vnd.docker.distribution.manifest.list.v2+json", "application/vnd.oci.image.manifest.v1+json", "application/vnd.oci.image.index.v1+json"])
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(type));
        }

        using var response = client.Send(request);
        return response.IsSuccessStatusCode && response.Headers.TryGetValues("Docker-Content-Digest", out var values) ? values.First() : null;
    }

    /// <summary>Every tag the registry holds for <paramref name="name"/> (its tag list), sorted; empty when it has none.</summary>
    public IReadOnlyList<string> Tags(string name)
    {
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://{Address}/v2/{name}/tags/list");
        Authorize(request, name);
        using var response = client.Send(request);
        if (!response.IsSuccessStatusCode)
        {
            return [];
        }

        using var document = JsonDocument.Parse(response.Content.ReadAsStream());
        return document.RootElement.TryGetProperty("tags", out var tags) && tags.ValueKind == JsonValueKind.Array
            ? [.. tags.EnumerateArray().Select(t => t.GetString()!).Order(StringComparer.Ordinal)]
            : [];
    }

    private static bool IsListening(IPAddress address, int port)
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Connect(address, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private void Authorize(HttpRequestMessage request, string name) => request.Headers.Authorization = _auth switch
    {
        LocalRegistryAuth.Basic => new AuthenticationHeaderValue("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(UserName + ":" + Password))),
        LocalRegistryAuth.Token => new AuthenticationHeaderValue("Bearer", _tokens!.Token($"repository:{name}:pull")),
        _ => null,
    };

    /// <summary>Stops the registry (it goes down; pushes to it fail).</summary>
    public void Stop()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit(TimeSpan.FromSeconds(10));
        }
    }

    public void Dispose()
    {
        Stop();
        _process.Dispose();
        _tokens?.Dispose();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Nothing runs from the folder any more.
        }
    }
}
