using System.Text.Json;

namespace CakeParallel.Docker;

/// <summary>An image on an engine: its id and its inputs hash label (empty when it has none).</summary>
internal sealed record EngineImage(string Id, string InputsHash);

/// <summary>
/// Looks images up on a leg's engine and tags them, for the up-to-date check, which must take milliseconds: over
/// the engine's API on its unix socket when the endpoint names one (or nothing, and the client has no other current
/// context), else through the docker client, one call for all references.
/// </summary>
internal static class EngineImages
{
    private static readonly TimeSpan CommandLimit = TimeSpan.FromSeconds(15);

    /// <summary>Each reference's image, in order; <see langword="null"/> for one the engine does not have.</summary>
    public static async Task<IReadOnlyList<EngineImage?>> InspectAsync(DockerEndpoint endpoint, IReadOnlyList<string> references, CancellationToken cancellationToken)
    {
        if (references.Count == 0)
        {
            return [];
        }

        if (SocketOf(endpoint) is { } socket)
        {
            try
            {
                return await Task.WhenAll(references.Select(r => InspectOverSocketAsync(socket, r, cancellationToken))).ConfigureAwait(false);
            }
            catch (EngineApiSocketException)
            {
                // The socket did not answer as an engine: the client knows better (a proxy, a context, TLS).
            }
        }

        // Labels as JSON: "index" fails on an image without labels, where Labels is null.
        const string format = "{{.Id}} {{json .Config.Labels}}";
        var all = await DockerCli.RunAsync(endpoint, ["image", "inspect", "--format", format, .. references], CommandLimit, cancellationToken).ConfigureAwait(false);
        var lines = Lines(all.StandardOutput);
        if (all.Succeeded && lines.Length == references.Count)
        {
            return lines.Select(Parse).ToArray();
        }

        // Some are missing: the answer no longer lines up with the references, so ask for each on its own.
        var images = new EngineImage?[references.Count];
        for (var i = 0; i < references.Count; i++)
        {
            var one = await DockerCli.RunAsync(endpoint, ["image", "inspect", "--format", format, references[i]], CommandLimit, cancellationToken).ConfigureAwait(false);
            images[i] = one.Succeeded && Lines(one.StandardOutput) is [var line] ? Parse(line) : null;
        }

        return images;
    }

    /// <summary>
    /// Asks the engine's API for its ping while the daemon check runs, so that the legs' up-to-date checks find the
    /// socket code loaded and compiled (the first request of a process costs tens of milliseconds more than the next);
    /// nothing when the endpoint is reached through its client. An engine that does not answer is left to the checks.
    /// </summary>
    public static async Task ConnectAheadAsync(DockerEndpoint endpoint)
    {
        if (SocketOf(endpoint) is not { } socket)
        {
            return;
        }

        try
        {
            await EngineApiSocket.SendAsync(socket, "GET", "/_ping", CommandLimit, CancellationToken.None).ConfigureAwait(false);
        }
        catch (EngineApiSocketException)
        {
            // The daemon check reports an engine that does not answer.
        }
    }

    /// <summary>Points <paramref name="tag"/> at the image <paramref name="id"/>; the problem, or <see langword="null"/> when it worked.</summary>
    public static async Task<string?> TagAsync(DockerEndpoint endpoint, string id, string tag, CancellationToken cancellationToken)
    {
        if (SocketOf(endpoint) is { } socket)
        {
            var repository = DockerReference.Repository(tag);
            var name = tag.Length > repository.Length ? tag[(repository.Length + 1)..] : "latest";
            try
            {
                var answer = await EngineApiSocket.SendAsync(socket, "POST", $"/images/{id}/tag?repo={Uri.EscapeDataString(repository)}&tag={Uri.EscapeDataString(name)}", CommandLimit, cancellationToken).ConfigureAwait(false);
                return answer.Succeeded ? null : $"HTTP {answer.Status}: {answer.Text}".Trim();
            }
            catch (EngineApiSocketException)
            {
                // As for inspect: the client decides.
            }
        }

        var tagged = await DockerCli.RunAsync(endpoint, ["tag", id, tag], CommandLimit, cancellationToken).ConfigureAwait(false);
        return tagged.Succeeded ? null : tagged.Message;
    }

    private static async Task<EngineImage?> InspectOverSocketAsync(string socket, string reference, CancellationToken cancellationToken)
    {
        var answer = await EngineApiSocket.SendAsync(socket, "GET", $"/images/{reference}/json", CommandLimit, cancellationToken).ConfigureAwait(false);
        if (answer.Status == 404)
        {
            return null;
        }

        if (!answer.Succeeded)
        {
            throw new EngineApiSocketException($"inspecting {reference}: HTTP {answer.Status}: {answer.Text}".Trim());
        }

        try
        {
            using var image = JsonDocument.Parse(answer.Body);
            var root = image.RootElement;
            var hash = root.TryGetProperty("Config", out var config) && config.ValueKind == JsonValueKind.Object && config.TryGetProperty("Labels", out var labels) ? InputsHash(labels) : "";
            return new EngineImage(root.GetProperty("Id").GetString()!, hash);
        }
        catch (Exception exception) when (exception is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new EngineApiSocketException($"inspecting {reference}: the answer is not an image", exception);
        }
    }

    /// <summary>The engine's unix socket, when that is where the endpoint's client would go; else <see langword="null"/>.</summary>
    private static string? SocketOf(DockerEndpoint endpoint)
    {
        string? Setting(string name) => endpoint.Environment.TryGetValue(name, out var value) ? value : Environment.GetEnvironmentVariable(name);
        if (endpoint.Context is not null || !string.IsNullOrEmpty(Setting("DOCKER_CONTEXT")) || HasOtherCurrentContext(Setting("DOCKER_CONFIG")))
        {
            return null;
        }

        var host = Setting("DOCKER_HOST");
        var path = string.IsNullOrEmpty(host) ? "/var/run/docker.sock" : host.StartsWith("unix://", StringComparison.Ordinal) ? host["unix://".Length..] : null;
        return path is not null && File.Exists(path) ? path : null;
    }

    /// <summary>True when the client's configuration selects a context other than the default one, which may be another engine.</summary>
    private static bool HasOtherCurrentContext(string? configDirectory)
    {
        var directory = string.IsNullOrEmpty(configDirectory) ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".docker") : configDirectory;
        var file = Path.Combine(directory, "config.json");
        try
        {
            if (!File.Exists(file))
            {
                return false;
            }

            using var config = JsonDocument.Parse(File.ReadAllText(file));
            return config.RootElement.TryGetProperty("currentContext", out var current) && current.GetString() is { Length: > 0 } name && name != "default";
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or JsonException)
        {
            // Unreadable: let the client read it.
            return true;
        }
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static EngineImage Parse(string line)
    {
        var parts = line.Split(' ', 2);
        using var labels = JsonDocument.Parse(parts.Length == 2 ? parts[1] : "null");
        return new EngineImage(parts[0], InputsHash(labels.RootElement));
    }

    private static string InputsHash(JsonElement labels) =>
        labels.ValueKind == JsonValueKind.Object && labels.TryGetProperty(DockerLabels.InputsHash, out var label) ? label.GetString() ?? "" : "";
}
