using System.Text;
using System.Text.Json;
using CakeParallel.Model;

namespace CakeParallel.Docker;

/// <summary>A user name and password (or token) for a registry, as <c>docker login</c> stored them.</summary>
/// <param name="UserName">The user name; <see cref="IdentityTokenUser"/> for an identity token.</param>
/// <param name="Password">The password, access token or identity token.</param>
internal sealed record RegistryCredential(string UserName, string Password)
{
    /// <summary>The user name docker stores with an identity token (a refresh token, as <c>az acr login</c> stores one).</summary>
    public const string IdentityTokenUser = "<token>";

    /// <summary>An identity token: exchanged at the registry's token service for an access token, never sent as Basic credentials.</summary>
    public bool IsIdentityToken => UserName == IdentityTokenUser;
}

/// <summary>
/// Finds the credentials the docker client uses for a registry, as it does: the credential helper its
/// <c>config.json</c> names for the registry (<c>credHelpers</c>), else its credential store (<c>credsStore</c>), run
/// as <c>docker-credential-NAME get</c>; else what <c>docker login</c> stored in <c>auths</c>. The folder is
/// <c>DOCKER_CONFIG</c>, else <c>~/.docker</c>.
/// </summary>
internal static class RegistryCredentials
{
    private static readonly TimeSpan HelperLimit = TimeSpan.FromSeconds(30);

    /// <summary>The credential for <paramref name="registry"/>, or <see langword="null"/> with why none was found (or <see langword="null"/> when the client simply has none).</summary>
    /// <param name="registry">The registry as references name it, e.g. <c>registry.example:5000</c> or <c>docker.io</c>.</param>
    /// <param name="configDirectory">The docker client's config folder.</param>
    /// <param name="environment">The docker client's environment (a credential helper runs with it, e.g. its <c>PATH</c>).</param>
    /// <param name="cancellationToken">Stops a credential helper.</param>
    public static async Task<(RegistryCredential? Credential, string? Note)> FindAsync(string registry, string configDirectory, IReadOnlyDictionary<string, string?> environment, CancellationToken cancellationToken)
    {
        var (credential, helper, note) = Stored(registry, configDirectory);
        if (helper is null)
        {
            return (credential, note);
        }

        // Docker Hub's credentials are kept under its old index address; other registries under their name.
        var server = registry == "docker.io" ? "https://index.docker.io/v1/" : registry;
        var program = "docker-credential-" + helper;
        var answer = await DockerCli.RunAsync(new ProcessCommand(program, ["get"]) { Environment = environment }, server, HelperLimit, cancellationToken).ConfigureAwait(false);
        if (!answer.Succeeded)
        {
            // The helpers' own words for "nothing stored" (docker-credential-helpers' ErrCredentialsNotFound).
            return answer.StandardOutput.Contains("credentials not found", StringComparison.OrdinalIgnoreCase)
                ? (null, null)
                : (null, $"the docker client's credential helper '{program}' failed for {registry}: {answer.Message}");
        }

        try
        {
            using var document = JsonDocument.Parse(answer.StandardOutput);
            var root = document.RootElement;
            var user = root.TryGetProperty("Username", out var u) && u.ValueKind == JsonValueKind.String ? u.GetString() : null;
            var secret = root.TryGetProperty("Secret", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
            return user is { Length: > 0 } && secret is not null ? (new RegistryCredential(user, secret), null) : (null, null);
        }
        catch (JsonException exception)
        {
            return (null, $"the docker client's credential helper '{program}' answered for {registry} with something that is not its JSON: {exception.Message}");
        }
    }

    /// <summary>What the client's <c>config.json</c> says of <paramref name="registry"/>: a credential stored in <c>auths</c>, or the helper to ask.</summary>
    private static (RegistryCredential? Credential, string? Helper, string? Note) Stored(string registry, string configDirectory)
    {
        var path = Path.Combine(configDirectory, "config.json");
        JsonDocument document;
        try
        {
            if (!File.Exists(path))
            {
                return (null, null, null);
            }

            document = JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or JsonException)
        {
            return (null, null, $"the docker client's config '{path}' cannot be read: {exception.Message}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, null, null);
            }

            var names = Names(registry);
            var helper = root.TryGetProperty("credHelpers", out var helpers) && helpers.ValueKind == JsonValueKind.Object
                ? helpers.EnumerateObject().FirstOrDefault(h => names.Contains(HostOf(h.Name))).Value
                : default;
            if (helper.ValueKind == JsonValueKind.String && helper.GetString() is { Length: > 0 } named)
            {
                return (null, named, null);
            }

            if (root.TryGetProperty("credsStore", out var store) && store.ValueKind == JsonValueKind.String && store.GetString() is { Length: > 0 } storeName)
            {
                return (null, storeName, null);
            }

            if (root.TryGetProperty("auths", out var auths) && auths.ValueKind == JsonValueKind.Object)
            {
                foreach (var entry in auths.EnumerateObject().Where(e => names.Contains(HostOf(e.Name)) && e.Value.ValueKind == JsonValueKind.Object))
                {
                    if (Credential(entry.Value) is { } credential)
                    {
                        return (credential, null, null);
                    }
                }
            }

            return (null, null, null);
        }
    }

    private static RegistryCredential? Credential(JsonElement entry)
    {
        if (entry.TryGetProperty("identitytoken", out var identity) && identity.ValueKind == JsonValueKind.String && identity.GetString() is { Length: > 0 } token)
        {
            return new RegistryCredential(RegistryCredential.IdentityTokenUser, token);
        }

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
