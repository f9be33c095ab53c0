using System.Runtime.InteropServices;
using System.Text.Json;

namespace CakeParallel.Docker;

/// <summary>An image in a registry: the tag's manifest digest, its config digest (the image id) and its labels.</summary>
internal sealed record RegistryImage(string ManifestDigest, string ConfigDigest, IReadOnlyDictionary<string, string> Labels);

/// <summary>
/// Reads an image's labels from its registry without pulling it: the tag's manifest (for a multi-platform index,
/// the manifest of the wanted platform), then its config blob, through a <see cref="RegistryClient"/> (so with the
/// scheme and the credentials docker would use). A registry that cannot be read is a problem to report, not an error.
/// </summary>
internal static class RegistryImages
{
    /// <summary>The image <paramref name="tag"/> names in its registry (for <paramref name="platform"/> when the tag is a multi-platform index), or why it could not be read.</summary>
    /// <param name="client">The client of the tag's registry.</param>
    /// <param name="tag">The image reference, e.g. <c>127.0.0.1:5000/app:1</c>.</param>
    /// <param name="platform">The leg's platform (<c>os/arch[/variant]</c>), or <see langword="null"/> for this machine's.</param>
    /// <param name="cancellationToken">Stops the reading.</param>
    public static async Task<(RegistryImage? Image, string? Problem)> ReadAsync(RegistryClient client, string tag, string? platform, CancellationToken cancellationToken)
    {
        var (_, path) = DockerReference.Locate(DockerReference.Repository(tag));
        try
        {
            if (await client.FindManifestAsync(path, DockerReference.Tag(tag), cancellationToken).ConfigureAwait(false) is not { } manifest)
            {
                return (null, $"{tag} is not in the registry");
            }

            using var document = JsonDocument.Parse(manifest.Content);
            var root = document.RootElement;
            if (!root.TryGetProperty("manifests", out var manifests))
            {
                return await ReadConfigAsync(client, path, root, manifest.Digest, cancellationToken).ConfigureAwait(false);
            }

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

            var platformManifest = await client.GetManifestAsync(path, entry.GetProperty("digest").GetString()!, cancellationToken).ConfigureAwait(false);
            using var platformDocument = JsonDocument.Parse(platformManifest.Content);
            return await ReadConfigAsync(client, path, platformDocument.RootElement, manifest.Digest, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is RegistryException or JsonException or InvalidOperationException or KeyNotFoundException && !cancellationToken.IsCancellationRequested)
        {
            return (null, $"{tag} could not be read from its registry: {exception.Message}");
        }
    }

    private static async Task<(RegistryImage?, string?)> ReadConfigAsync(RegistryClient client, string path, JsonElement manifest, string manifestDigest, CancellationToken cancellationToken)
    {
        var configDigest = manifest.GetProperty("config").GetProperty("digest").GetString()!;
        using var config = JsonDocument.Parse(await client.GetBlobAsync(path, configDigest, cancellationToken).ConfigureAwait(false));
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

    private static string LocalArchitecture() => RuntimeInformation.OSArchitecture switch
    {
        Architecture.X64 => "amd64",
        Architecture.Arm64 => "arm64",
        Architecture.Arm => "arm",
        Architecture.X86 => "386",
        var other => other.ToString().ToLowerInvariant(),
    };
}
