using System.Text;
using System.Text.Json;

namespace CakeParallel.Docker;

/// <summary>A user name and password (or token) for a registry, as <c>docker login</c> stored them.</summary>
/// <param name="UserName">The user name.</param>
/// <param name="Password">The password or access token.</param>
internal sealed record RegistryCredential(string UserName, string Password);

/// <summary>
/// Reads the credentials the docker client stored for a registry in its <c>config.json</c> (<c>auths</c>, written by
/// <c>docker login</c> without a credential helper): the folder is <c>DOCKER_CONFIG</c>, else <c>~/.docker</c>.
/// Credential helpers (<c>credsStore</c>, <c>credHelpers</c>) are not run; <see cref="Find"/> says so when one would be needed.
/// </summary>
internal static class RegistryCredentials
{
    /// <summary>The stored credential for <paramref name="registry"/>, or <see langword="null"/> with why none was found (or <see langword="null"/> when the file simply has none).</summary>
    /// <param name="registry">The registry as references name it, e.g. <c>registry.example:5000</c> or <c>docker.io</c>.</param>
    /// <param name="configDirectory">The docker client's config folder.</param>
    public static (RegistryCredential? Credential, string? Note) Find(string registry, string configDirectory)
    {
        var path = Path.Combine(configDirectory, "config.json");
        JsonDocument document;
        try
        {
            if (!File.Exists(path))
            {
                return (null, null);
            }

            document = JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or JsonException)
        {
            return (null, $"the docker client's config '{path}' cannot be read: {exception.Message}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, null);
            }

            var names = Names(registry);
            if (root.TryGetProperty("auths", out var auths) && auths.ValueKind == JsonValueKind.Object)
            {
                foreach (var entry in auths.EnumerateObject().Where(e => names.Contains(HostOf(e.Name)) && e.Value.ValueKind == JsonValueKind.Object))
                {
                    if (Credential(entry.Value) is { } credential)
                    {
                        return (credential, null);
                    }
                }
            }

            var helper = root.TryGetProperty("credHelpers", out var helpers) && helpers.ValueKind == JsonValueKind.Object
                ? helpers.EnumerateObject().FirstOrDefault(h => names.Contains(HostOf(h.Name))).Value
                : default;
            if (helper.ValueKind == JsonValueKind.String || (root.TryGetProperty("credsStore", out var store) && store.ValueKind == JsonValueKind.String))
            {
                return (null, $"the docker client's config '{path}' keeps the credentials of {registry} in a credential helper, which CakeParallel does not run; log in with credentials stored in 'auths' (DOCKER_CONFIG pointing at a config without a credential store).");
            }

            return (null, null);
        }
    }

    private static RegistryCredential? Credential(JsonElement entry)
    {
        if (entry.TryGetProperty("auth", out var auth) && auth.ValueKind == JsonValueKind.String && auth.GetString() is { Length: > 0 } encoded)
        {
            try
            {
                var pair = Encoding.UTF8.GetString(Convert.FromBase64String(encoded)).Split(':', 2);
                return pair.Length == 2 ? new RegistryCredential(pair[0], pair[1]) : null;
            }
            catch (FormatException)
            {
                return null;
            }
        }

        return entry.TryGetProperty("username", out var user) && user.ValueKind == JsonValueKind.String
            && entry.TryGetProperty("password", out var password) && password.ValueKind == JsonValueKind.String
            ? new RegistryCredential(user.GetString()!, password.GetString()!)
            : null;
    }

    /// <summary>The keys <c>docker login</c> may have used for a registry; Docker Hub's is its old index address.</summary>
    private static HashSet<string> Names(string registry) => registry == "docker.io"
        ? new(["docker.io", "index.docker.io", "registry-1.docker.io"], StringComparer.OrdinalIgnoreCase)
        : new([registry], StringComparer.OrdinalIgnoreCase);

    /// <summary><c>https://registry.example:5000/v1/</c> → <c>registry.example:5000</c>.</summary>
    private static string HostOf(string key)
    {
        var host = key;
        var scheme = host.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            host = host[(scheme + 3)..];
        }

        var slash = host.IndexOf('/', StringComparison.Ordinal);
        return slash >= 0 ? host[..slash] : host;
    }
}
