using System.Diagnostics;
using System.Globalization;
using CakeParallel.Model;

namespace CakeParallel.Docker;

/// <summary>
/// The up-to-date check of a docker build leg, run when the leg starts on its engine: computes the leg's inputs
/// hash (<see cref="BuildInputsHash"/>, its <c>FROM</c> images resolved by that engine), labels the build with it,
/// and finds an image that already has it under the leg's tags: on the engine, or with push in the registry. A
/// base image the engine does not have (and that is not pinned by digest) cannot be resolved: the leg then builds.
/// </summary>
internal sealed class DockerUpToDateCheck(DockerEndpoint defaultEndpoint, IReadOnlyDictionary<string, DockerEndpoint> engines, IReadOnlyList<string> tags, DockerBuildSettings build) : IUpToDateCheck
{
    private static readonly TimeSpan CommandLimit = TimeSpan.FromSeconds(15);

    public async Task<UpToDateCheckResult> CheckAsync(LegSpec leg, string? endpoint, bool rebuild, CancellationToken cancellationToken)
    {
        var engine = endpoint is not null && engines.TryGetValue(endpoint, out var client) ? client : defaultEndpoint;
        var clock = Stopwatch.StartNew();
        var notes = new List<string>();
        DockerBuildInvocation invocation;
        string dockerfile;
        (string Digest, int Entries) context;
        try
        {
            invocation = DockerBuildInvocation.Parse(leg.Arguments, leg.WorkingDirectory ?? Directory.GetCurrentDirectory());
            dockerfile = await File.ReadAllTextAsync(invocation.Dockerfile, cancellationToken).ConfigureAwait(false);
            var ignore = DockerIgnore.Read(BuildInputsHash.IgnoreFile(invocation));
            context = await Task.Run(() => BuildContextDigest.Compute(invocation.Context, ignore, BuildInputsHash.AlwaysSent(invocation)), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException)
        {
            var problem = $"inputs hash not computed, so the leg builds and its image is not labelled: {exception.Message}";
            notes.Add(problem);
            return new UpToDateCheckResult(null, notes) { Remark = problem };
        }

        var references = DockerfileBaseImages.Of(dockerfile, invocation.BuildArgs);
        var (resolved, unresolved) = await ResolveAsync(engine, references, cancellationToken).ConfigureAwait(false);
        var hash = BuildInputsHash.Compute(invocation, dockerfile, context.Digest, resolved);
        notes.Add($"inputs hash {hash}: {context.Entries} context entries, {references.Count} base image(s), {Milliseconds(clock)}");
        var arguments = leg.Arguments.ToList();
        arguments.InsertRange(arguments.Count - 1, ["--label", $"{DockerLabels.InputsHash}={hash}"]);
        var result = new UpToDateCheckResult(hash, notes) { Arguments = arguments };

        var reason = rebuild ? "Rebuild is on"
            : tags.Count == 0 ? "the leg has no tags to find an image by"
            : unresolved.Count > 0 ? $"base image(s) {string.Join(", ", unresolved)} not on the engine, so their ids are unknown"
            : build.Pull ? "Pull is on: newer base images may be in the registry"
            : null;
        if (reason is not null)
        {
            notes.Add($"building: {reason}");
            return result;
        }

        var image = build.Push ? await InRegistryAsync(hash, invocation.Platform, notes, cancellationToken).ConfigureAwait(false) : await OnEngineAsync(engine, hash, notes, cancellationToken).ConfigureAwait(false);
        if (image is not null)
        {
            notes.Add($"up to date: {image.ImageId} with this inputs hash is {image.Where} ({Milliseconds(clock)})");
        }

        return result with { Image = image };
    }

    /// <summary>Each base image reference and its image id on the engine (one client call for all); a reference pinned by digest stands for itself.</summary>
    private static async Task<(List<(string, string)> Resolved, List<string> Unresolved)> ResolveAsync(DockerEndpoint engine, IReadOnlyList<string> references, CancellationToken cancellationToken)
    {
        var resolved = new List<(string, string)>();
        var unresolved = new List<string>();
        var toAsk = references.Where(r => !r.Contains("@sha256:", StringComparison.Ordinal)).ToArray();
        resolved.AddRange(references.Except(toAsk).Select(r => (r, r[(r.IndexOf('@') + 1)..])));
        if (toAsk.Length == 0)
        {
            return (resolved, unresolved);
        }

        var inspect = await DockerCli.RunAsync(engine, ["image", "inspect", "--format", "{{.Id}}", .. toAsk], CommandLimit, cancellationToken).ConfigureAwait(false);
        var ids = inspect.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (inspect.Succeeded && ids.Length == toAsk.Length)
        {
            resolved.AddRange(toAsk.Select((r, i) => (r, ids[i])));
            return (resolved, unresolved);
        }

        // Some are missing: the answer no longer lines up with the references, so ask for each on its own.
        foreach (var reference in toAsk)
        {
            var one = await DockerCli.RunAsync(engine, ["image", "inspect", "--format", "{{.Id}}", reference], CommandLimit, cancellationToken).ConfigureAwait(false);
            if (one.Succeeded && one.StandardOutput.Trim() is { Length: > 0 } id)
            {
                resolved.Add((reference, id));
            }
            else
            {
                resolved.Add((reference, "unresolved"));
                unresolved.Add(reference);
            }
        }

        return (resolved, unresolved);
    }

    /// <summary>The image under the leg's first tag on the engine when it has the hash; the other tags are pointed at it where they are not already.</summary>
    private async Task<UpToDateImage?> OnEngineAsync(DockerEndpoint engine, string hash, List<string> notes, CancellationToken cancellationToken)
    {
        var format = $"{{{{.Id}}}} {{{{index .Config.Labels \"{DockerLabels.InputsHash}\"}}}}";
        var inspect = await DockerCli.RunAsync(engine, ["image", "inspect", "--format", format, .. tags], CommandLimit, cancellationToken).ConfigureAwait(false);
        var lines = inspect.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(l => l.Split(' ', 2)).ToArray();
        var allTagged = inspect.Succeeded && lines.Length == tags.Count;
        if (!allTagged)
        {
            // A tag is missing: only the first tag's image decides, so ask for it alone.
            inspect = await DockerCli.RunAsync(engine, ["image", "inspect", "--format", format, tags[0]], CommandLimit, cancellationToken).ConfigureAwait(false);
            lines = inspect.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(l => l.Split(' ', 2)).ToArray();
        }

        if (!inspect.Succeeded || lines.Length == 0)
        {
            notes.Add($"building: {tags[0]} is not on the engine");
            return null;
        }

        var (id, label) = (lines[0][0], lines[0].ElementAtOrDefault(1) ?? "");
        if (label != hash)
        {
            notes.Add(label.StartsWith("sha256:", StringComparison.Ordinal)
                ? $"building: {tags[0]} ({id}) was built from other inputs ({label})"
                : $"building: {tags[0]} ({id}) has no inputs hash label");
            return null;
        }

        var retag = allTagged ? tags.Where((_, i) => lines[i][0] != id).ToArray() : tags.Skip(1).ToArray();
        foreach (var tag in retag)
        {
            var tagged = await DockerCli.RunAsync(engine, ["tag", id, tag], CommandLimit, cancellationToken).ConfigureAwait(false);
            if (!tagged.Succeeded)
            {
                notes.Add($"building: re-tagging {tag} failed: {tagged.Message}");
                return null;
            }

            notes.Add($"tagged {tag} ({id})");
        }

        return new UpToDateImage(id, tags, new Dictionary<string, string>(), "on the engine");
    }

    /// <summary>With push: the image every tag names in its registry, when all are the same image with the hash.</summary>
    private async Task<UpToDateImage?> InRegistryAsync(string hash, string? platform, List<string> notes, CancellationToken cancellationToken)
    {
        var found = await Task.WhenAll(tags.Select(t => RegistryImages.ReadAsync(t, platform, cancellationToken))).ConfigureAwait(false);
        var digests = new Dictionary<string, string>(StringComparer.Ordinal);
        string? configDigest = null;
        for (var i = 0; i < tags.Count; i++)
        {
            var (image, problem) = found[i];
            if (image is null)
            {
                notes.Add($"building: {problem}");
                return null;
            }

            if (image.Labels.GetValueOrDefault(DockerLabels.InputsHash) != hash || (configDigest is not null && configDigest != image.ConfigDigest))
            {
                notes.Add($"building: {tags[i]} in the registry was built from other inputs");
                return null;
            }

            configDigest = image.ConfigDigest;
            digests[tags[i]] = image.ManifestDigest;
        }

        return new UpToDateImage(configDigest!, tags, digests, "in the registry under every tag");
    }

    private static string Milliseconds(Stopwatch clock) => clock.Elapsed.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms";
}
