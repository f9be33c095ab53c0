using System.Diagnostics;
using System.Globalization;
using CakeParallel.Model;

namespace CakeParallel.Docker;

/// <summary>
/// The up-to-date check of a docker build leg, run when the leg starts on its engine: computes the leg's inputs
/// hash (<see cref="BuildInputsHash"/>, its <c>FROM</c> images resolved by that engine), labels the build with it
/// (on the classic builder with all labels in one step: <see cref="LabelledDockerfile"/>),
/// and finds an image that already has it under the leg's tags: on the engine, or with push in the registry. A
/// base image the engine does not have (and that is not pinned by digest) cannot be resolved: the leg then builds.
/// </summary>
internal sealed class DockerUpToDateCheck(DockerEndpoint defaultEndpoint, IReadOnlyDictionary<string, DockerEndpoint> engines, IReadOnlyList<string> tags, DockerBuildSettings build) : IUpToDateCheck
{
    private static readonly TimeSpan RegistryRequestLimit = TimeSpan.FromSeconds(15);

    /// <summary>Where the leg's Dockerfile is copied with its labels in one step on the classic builder (see <see cref="LabelledDockerfile"/>), or <see langword="null"/> to pass them as options.</summary>
    public string? LabelledDockerfileCopy { get; init; }

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
        // One lookup for the base images and, when the engine decides, the leg's tags.
        var pinned = references.Where(r => r.Contains("@sha256:", StringComparison.Ordinal)).ToArray();
        var bases = references.Except(pinned).ToArray();
        var lookTags = !rebuild && !build.Push && !build.Pull && !build.NoCache && tags.Count > 0;
        var found = await EngineImages.InspectAsync(engine, [.. bases, .. lookTags ? tags : []], cancellationToken).ConfigureAwait(false);
        var resolved = references.Select(r => Array.IndexOf(bases, r) is var i and >= 0 ? (r, found[i]?.Id ?? "unresolved") : (r, r[(r.IndexOf('@') + 1)..])).ToArray();
        var unresolved = bases.Where((_, i) => found[i] is null).ToArray();
        var hash = BuildInputsHash.Compute(invocation, dockerfile, context.Digest, resolved);
        notes.Add($"inputs hash {hash}: {context.Entries} context entries, {references.Count} base image(s), {Milliseconds(clock)}");
        var arguments = leg.Arguments.ToList();
        arguments.InsertRange(arguments.Count - 1, ["--label", $"{DockerLabels.InputsHash}={hash}"]);
        var result = new UpToDateCheckResult(hash, notes) { Arguments = arguments };

        var reason = rebuild ? "Rebuild is on"
            : tags.Count == 0 ? "the leg has no tags to find an image by"
            : unresolved.Length > 0 ? $"base image(s) {string.Join(", ", unresolved)} not on the engine, so their ids are unknown"
            : build.Pull ? "Pull is on: newer base images may be in the registry"
            : build.NoCache ? "NoCache is on: docker's cache is not used, so neither is an image with the same inputs"
            : null;
        if (reason is not null)
        {
            notes.Add($"building: {reason}");
            return result with { Arguments = await LabelInOneStepAsync(engine, arguments, invocation, dockerfile, cancellationToken).ConfigureAwait(false) ?? arguments };
        }

        var image = build.Push
            ? await InRegistryAsync(engine, hash, invocation.Platform, notes, cancellationToken).ConfigureAwait(false)
            : await OnEngineAsync(engine, hash, found.Skip(bases.Length).ToArray(), notes, cancellationToken).ConfigureAwait(false);
        if (image is not null)
        {
            notes.Add($"up to date: {image.ImageId} with this inputs hash is {image.Where} ({Milliseconds(clock)})");
            return result with { Image = image };
        }

        return result with { Arguments = await LabelInOneStepAsync(engine, arguments, invocation, dockerfile, cancellationToken).ConfigureAwait(false) ?? arguments };
    }

    /// <summary>The image under the leg's first tag on the engine when it has the hash; the other tags are pointed at it where they are not already.</summary>
    private async Task<UpToDateImage?> OnEngineAsync(DockerEndpoint engine, string hash, IReadOnlyList<EngineImage?> tagged, List<string> notes, CancellationToken cancellationToken)
    {
        if (tagged[0] is not { } first)
        {
            notes.Add($"building: {tags[0]} is not on the engine");
            return null;
        }

        if (first.InputsHash != hash)
        {
            notes.Add(first.InputsHash.Length > 0
                ? $"building: {tags[0]} ({first.Id}) was built from other inputs ({first.InputsHash})"
                : $"building: {tags[0]} ({first.Id}) has no inputs hash label");
            return null;
        }

        for (var i = 1; i < tags.Count; i++)
        {
            if (tagged[i]?.Id == first.Id)
            {
                continue;
            }

            if (await EngineImages.TagAsync(engine, first.Id, tags[i], cancellationToken).ConfigureAwait(false) is { } problem)
            {
                notes.Add($"building: re-tagging {tags[i]} failed: {problem}");
                return null;
            }

            notes.Add($"tagged {tags[i]} ({first.Id})");
        }

        return new UpToDateImage(first.Id, tags, new Dictionary<string, string>(), "on the engine");
    }

    /// <summary>
    /// With push: the image every tag names in its registry, when all are the same image with the hash. Registries
    /// are reached as <paramref name="engine"/>'s docker client reaches them (scheme, credentials); the tags are read
    /// one by one, and the first that is not the image ends the check.
    /// </summary>
    private async Task<UpToDateImage?> InRegistryAsync(DockerEndpoint engine, string hash, string? platform, List<string> notes, CancellationToken cancellationToken)
    {
        using var clients = new RegistryClients("pull", RegistryRequestLimit);
        var digests = new Dictionary<string, string>(StringComparer.Ordinal);
        string? configDigest = null;
        for (var i = 0; i < tags.Count; i++)
        {
            var (registry, _) = DockerReference.Locate(DockerReference.Repository(tags[i]));
            var client = await clients.ForAsync(registry, engine, cancellationToken).ConfigureAwait(false);
            var (image, problem) = await RegistryImages.ReadAsync(client, tags[i], platform, cancellationToken).ConfigureAwait(false);
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

    /// <summary>
    /// On the classic builder, the argv that builds <see cref="LabelledDockerfileCopy"/> (the Dockerfile with all
    /// labels in one step) instead of one step per <c>--label</c>; <see langword="null"/> when the argv stays.
    /// </summary>
    private async Task<IReadOnlyList<string>?> LabelInOneStepAsync(DockerEndpoint engine, IReadOnlyList<string> arguments, DockerBuildInvocation invocation, string dockerfile, CancellationToken cancellationToken)
    {
        if (LabelledDockerfileCopy is null || !await ClassicBuilderProbe.IsClassicAsync(engine).WaitAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        try
        {
            return LabelledDockerfile.Write(arguments, invocation, dockerfile, LabelledDockerfileCopy);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // The labels then go as options, one step each: slower, the same image.
            return null;
        }
    }

    private static string Milliseconds(Stopwatch clock) => clock.Elapsed.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms";
}
