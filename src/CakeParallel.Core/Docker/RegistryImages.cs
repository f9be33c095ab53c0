using System.Net;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;

namespace CakeParallel.Docker;

/// <summary>An image in a registry: the tag's manifest digest, its config digest (the image id) and its labels.</summary>
internal sealed record RegistryImage(string ManifestDigest, string ConfigDigest, IReadOnlyDictionary<string, string> Labels);

/// <summary>
/// Reads an image's labels from its registry over the registry HTTP API (manifest, then config blob), without
/// pulling it: <c>https</c>, plain <c>http</c> for a registry on a loopback address (as docker treats those),
/// anonymous token authentication. A registry that needs credentials is reported as unreadable, and the leg builds.
/// </summary>
internal static class RegistryImages
{
    private static readonly HttpClient Client = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) }) { Timeout = TimeSpan.FromSeconds(15) };

    private static readonly string[] ManifestTypes =
    [
        "application/vnd.docker.distribution.manifest.v2+json",
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.oci.image.index.v1+json",
    ];

    /// <summary>The image <paramref name="tag"/> names in its registry (for <paramref name="platform"/> when the tag is a multi-platform index), or why it could not be read.</summary>
    public static async Task<(RegistryImage? Image, string? Problem)> ReadAsync(string tag, string? platform, CancellationToken cancellationToken)
    {
        var (registry, repository, reference) = Split(tag);
        var scheme = IsLoopback(registry) ? "http" : "https";
        var baseUri = new Uri($"{scheme}://{registry}/v2/{repository}/");
        var session = new Session(baseUri, repository);
        try
        {
            var (manifest, digest) = await session.GetManifestAsync(reference, cancellationToken).ConfigureAwait(false);
            if (manifest is null)
            {
                return (null, $"{tag} is not in the registry");
            }

            using (manifest)
            {
                var root = manifest.RootElement;
                if (root.TryGetProperty("manifests", out var manifests))
                {
                    // A multi-platform index: the leg's platform, else this machine's.
                    var wanted = (platform ?? "linux/" + LocalArchitecture()).Split('/');
                    var entry = manifests.EnumerateArray().FirstOrDefault(m => m.TryGetProperty("platform", out var p)
                        && p.GetProperty("os").GetString() == wanted[0]
                        && p.GetProperty("architecture").GetString() == wanted.ElementAtOrDefault(1)
                        && (wanted.Length < 3 || (p.TryGetProperty("variant", out var v) ? v.GetString() : null) == wanted[2]));
                    if (entry.ValueKind != JsonValueKind.Object)
                    {
                        return (null, $"{tag} in the registry has no image for {string.Join('/', wanted)}");
                    }

                    var (platformManifest, _) = await session.GetManifestAsync(entry.GetProperty("digest").GetString()!, cancellationToken).ConfigureAwait(false);
                    if (platformManifest is null)
                    {
                        return (null, $"{tag}'s image for {string.Join('/', wanted)} is not in the registry");
                    }

                    using (platformManifest)
                    {
                        return await ReadConfigAsync(session, platformManifest.RootElement, digest, cancellationToken).ConfigureAwait(false);
                    }
                }

                return await ReadConfigAsync(session, root, digest, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or JsonException or InvalidOperationException or KeyNotFoundException && !cancellationToken.IsCancellationRequested)
        {
            return (null, $"the registry {registry} could not be read: {exception.Message}");
        }
    }

    private static async Task<(RegistryImage?, string?)> ReadConfigAsync(Session session, JsonElement manifest, string manifestDigest, CancellationToken cancellationToken)
    {
        var configDigest = manifest.GetProperty("config").GetProperty("digest").GetString()!;
        using var response = await session.SendAsync("blobs/" + configDigest, [], cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            return (null, $"the image config {configDigest} could not be read: HTTP {(int)response.StatusCode}");
        }

        using var config = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), cancellationToken: cancellationToken).ConfigureAwait(false);
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (config.RootElement.TryGetProperty("config", out var settings) && settings.TryGetProperty("Labels", out var found) && found.ValueKind == JsonValueKind.Object)
        {
            foreach (var label in found.EnumerateObject())
            {
                labels[label.Name] = label.Value.GetString() ?? "";
            }
        }

        return (new RegistryImage(manifestDigest, configDigest, labels), null);
    }

    /// <summary>Registry host, repository path and tag of a tag reference, with docker's defaults (Docker Hub, <c>library/</c>, <c>latest</c>).</summary>
    internal static (string Registry, string Repository, string Tag) Split(string reference)
    {
        var repository = DockerReference.Repository(reference);
        var tag = reference.Length > repository.Length ? reference[(repository.Length + 1)..] : "latest";
        var slash = repository.IndexOf('/');
        var first = slash < 0 ? "" : repository[..slash];
        if (first.Contains('.') || first.Contains(':') || first == "localhost")
        {
            return (first, repository[(slash + 1)..], tag);
        }

        return ("registry-1.docker.io", slash < 0 ? "library/" + repository : repository, tag);
    }

    private static bool IsLoopback(string registry)
    {
        var host = registry.StartsWith('[') ? registry[1..registry.IndexOf(']')] : registry.Split(':')[0];
        return host == "localhost" || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));
    }

    private static string LocalArchitecture() => RuntimeInformation.OSArchitecture switch
    {
        Architecture.X64 => "amd64",
        Architecture.Arm64 => "arm64",
        Architecture.Arm => "arm",
        Architecture.X86 => "386",
        var other => other.ToString().ToLowerInvariant(),
    };

    /// <summary>Requests to one repository, with the bearer token its registry hands out anonymously once asked.</summary>
    private sealed class Session(Uri baseUri, string repository)
    {
        private AuthenticationHeaderValue? _authorization;

        public async Task<(JsonDocument? Manifest, string Digest)> GetManifestAsync(string reference, CancellationToken cancellationToken)
        {
            using var response = await SendAsync("manifests/" + reference, ManifestTypes, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return (null, "");
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException($"HTTP {(int)response.StatusCode} for the manifest of {repository}:{reference}");
            }

            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            var digest = response.Headers.TryGetValues("Docker-Content-Digest", out var values) ? values.First() : "sha256:" + Convert.ToHexStringLower(SHA256.HashData(body));
            return (JsonDocument.Parse(body), digest);
        }

        public async Task<HttpResponseMessage> SendAsync(string path, string[] accept, CancellationToken cancellationToken)
        {
            var response = await SendOnceAsync(path, accept, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.Unauthorized || _authorization is not null
                || response.Headers.WwwAuthenticate.FirstOrDefault(h => h.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase)) is not { Parameter: { } challenge })
            {
                return response;
            }

            response.Dispose();
            _authorization = await AnonymousTokenAsync(challenge, cancellationToken).ConfigureAwait(false);
            return await SendOnceAsync(path, accept, cancellationToken).ConfigureAwait(false);
        }

        private async Task<HttpResponseMessage> SendOnceAsync(string path, string[] accept, CancellationToken cancellationToken)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(baseUri, path));
            foreach (var type in accept)
            {
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(type));
            }

            request.Headers.Authorization = _authorization;
            return await Client.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        private async Task<AuthenticationHeaderValue> AnonymousTokenAsync(string challenge, CancellationToken cancellationToken)
        {
            var parameters = challenge.Split(',').Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0].Trim(), p => p[1].Trim().Trim('"'), StringComparer.OrdinalIgnoreCase);
            var query = $"?service={Uri.EscapeDataString(parameters.GetValueOrDefault("service", ""))}&scope={Uri.EscapeDataString(parameters.GetValueOrDefault("scope", $"repository:{repository}:pull"))}";
            using var response = await Client.GetAsync(parameters["realm"] + query, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException($"the registry needs credentials (token service answered HTTP {(int)response.StatusCode}); CakeParallel asks registries anonymously only");
            }

            using var token = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), cancellationToken: cancellationToken).ConfigureAwait(false);
            var value = token.RootElement.TryGetProperty("token", out var t) ? t.GetString() : token.RootElement.GetProperty("access_token").GetString();
            return new AuthenticationHeaderValue("Bearer", value);
        }
    }
}
