using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;

namespace CakeParallel.Testing;

/// <summary>
/// A real image registry (Debian's <c>docker-registry</c>, i.e. distribution) on a free loopback port with a temp
/// storage root; loopback registries need no TLS. Disposing stops the process it started and deletes its folder.
/// </summary>
public sealed class LocalRegistry : IDisposable
{
    private readonly Process _process;
    private readonly string _root;

    private LocalRegistry(Process process, string root, int port)
    {
        _process = process;
        _root = root;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The registry's address for image references, e.g. <c>127.0.0.1:5000</c>.</summary>
    public string Address => "127.0.0.1:" + Port.ToString(CultureInfo.InvariantCulture);

    public static LocalRegistry Start()
    {
        var root = Path.Combine(Path.GetTempPath(), "cpar-registry-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path.Combine(root, "data"));
        var port = LoopbackPorts.Free();
        var config = Path.Combine(root, "config.yml");
        File.WriteAllText(config, $"version: 0.1\nlog: {{ level: warn }}\nstorage: {{ filesystem: {{ rootdirectory: {Path.Combine(root, "data")} }}, delete: {{ enabled: true }} }}\nhttp: {{ addr: 127.0.0.1:{port} }}\n");
        var process = Process.Start(new ProcessStartInfo("docker-registry", ["serve", config]) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true })!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var registry = new LocalRegistry(process, root, port);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!LoopbackPorts.IsListening(port))
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
        using var response = client.Send(new HttpRequestMessage(HttpMethod.Get, $"http://{Address}/v2/{name}/tags/list"));
        if (!response.IsSuccessStatusCode)
        {
            return [];
        }

        using var document = JsonDocument.Parse(response.Content.ReadAsStream());
        return document.RootElement.TryGetProperty("tags", out var tags) && tags.ValueKind == JsonValueKind.Array
            ? [.. tags.EnumerateArray().Select(t => t.GetString()!).Order(StringComparer.Ordinal)]
            : [];
    }

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
