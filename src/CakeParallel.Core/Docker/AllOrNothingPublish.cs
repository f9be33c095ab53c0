using CakeParallel.Model;

namespace CakeParallel.Docker;

/// <summary>
/// The publish step of a docker matrix with <see cref="DockerPublishPolicy.AllOrNothing"/>, run once after every
/// leg ended: each leg pushed its image under a staging tag (see <see cref="DockerLegBuilder.StagingTagPrefix"/>);
/// when every leg succeeded, each final tag is written in its registry with the exact manifest its leg staged
/// (read by digest, written by tag through the registry's HTTP API), and the staging tags are then deleted where
/// the registry can delete a tag alone. When a leg did not succeed, no final tag moves and the staging tags stay,
/// so that a resumed run can publish the successful legs' images without building them again.
/// </summary>
internal sealed class AllOrNothingPublish(DockerEndpoint defaultEndpoint, IReadOnlyDictionary<string, DockerEndpoint> engines, IReadOnlySet<string> pushingLegs)
{
    private static readonly TimeSpan RequestLimit = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The publish step of <paramref name="matrix"/>, whose legs reach their daemons as the first of <paramref name="legs"/>
    /// does; the tags of the legs that push are published (with targets, a target that does not push keeps its tags
    /// on its engine, but its legs still hold the publish back when they fail).
    /// </summary>
    public static AllOrNothingPublish For(DockerMatrix matrix, IReadOnlyList<DockerLeg> legs)
    {
        var endpoint = legs[0].Endpoint;
        return new(
            endpoint,
            matrix.Build.Endpoints.GroupBy(e => e.DisplayName, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().ClientFor(endpoint.Executable, endpoint.Environment), StringComparer.Ordinal),
            legs.Where(l => l.Spec.FollowUpArguments.Count > 0).Select(l => l.Spec.Id).ToHashSet(StringComparer.Ordinal));
    }

    /// <summary>Publishes, or holds back; never throws because of the registry (a registry error is <see cref="PublishOutcome.Failed"/>).</summary>
    /// <param name="legs">Every leg's final result, in input order.</param>
    /// <param name="cancellationToken">Stops the publish before its first write; once writing, it writes every tag.</param>
    public async Task<PublishResult> RunAsync(IReadOnlyList<LegResult> legs, CancellationToken cancellationToken)
    {
        var tags = legs.Where(l => pushingLegs.Contains(l.Id)).SelectMany(l => l.Tags.Select(t => new PublishTag(t, l.Name, StagedDigest(l, t)))).ToArray();
        var staging = legs.SelectMany(l => l.PushedDigests.Where(p => IsStagingTag(p.Key)).Select(p => new StagingTag(p.Key, p.Value))).ToArray();
        var heldBackBy = legs.Where(l => !Succeeded(l.Status)).Select(l => new PublishHoldBack(l.Name, l.Status)).ToArray();
        if (heldBackBy.Length > 0)
        {
            const string kept = "kept: it holds a successful leg's image in the registry, so a resumed run (ResumeFrom this report) publishes it without building again";
            return new PublishResult { Outcome = PublishOutcome.HeldBack, Code = ErrorCodes.DockerPublishHeldBack, HeldBackBy = heldBackBy, Tags = tags, StagingTags = [.. staging.Select(s => s with { Note = kept })] };
        }

        if (tags.FirstOrDefault(t => t.Digest is null) is { } unstaged)
        {
            return Failed(tags, staging, $"leg {unstaged.Leg} succeeded, but no staged digest of {DockerReference.Repository(unstaged.Tag)} is known for it (see its remarks), so {unstaged.Tag} cannot be written; no tag was written.");
        }

        using var clients = new RegistryClients("pull,push", RequestLimit);
        try
        {
            // Read every manifest before writing any tag: a registry that fails now leaves every tag where it was.
            var manifests = new Dictionary<(string Registry, string Path, string Digest), RegistryManifest>();
            foreach (var tag in tags)
            {
                var (registry, path) = DockerReference.Locate(DockerReference.Repository(tag.Tag));
                if (!manifests.ContainsKey((registry, path, tag.Digest!)))
                {
                    var client = await ClientAsync(clients, registry, legs.First(l => l.Name == tag.Leg), cancellationToken).ConfigureAwait(false);
                    manifests[(registry, path, tag.Digest!)] = await client.GetManifestAsync(path, tag.Digest!, cancellationToken).ConfigureAwait(false);
                }
            }

            cancellationToken.ThrowIfCancellationRequested();
            for (var i = 0; i < tags.Length; i++)
            {
                var (registry, path) = DockerReference.Locate(DockerReference.Repository(tags[i].Tag));
                try
                {
                    var client = await ClientAsync(clients, registry, legs.First(l => l.Name == tags[i].Leg), CancellationToken.None).ConfigureAwait(false);
                    await client.PutManifestAsync(path, DockerReference.Tag(tags[i].Tag), manifests[(registry, path, tags[i].Digest!)], CancellationToken.None).ConfigureAwait(false);
                }
                catch (RegistryException exception)
                {
                    var written = tags.Count(t => t.Written);
                    return Failed(tags, staging, $"{exception.Message}; {(written == 0 ? "no tag was written" : $"{written} of {tags.Length} tags were written before")}.");
                }

                tags[i] = tags[i] with { Written = true };
            }

            for (var i = 0; i < staging.Length; i++)
            {
                var (registry, path) = DockerReference.Locate(DockerReference.Repository(staging[i].Tag));
                var client = await ClientAsync(clients, registry, legs.First(l => l.PushedDigests.ContainsKey(staging[i].Tag)), CancellationToken.None).ConfigureAwait(false);
                var deletion = await client.DeleteTagAsync(path, DockerReference.Tag(staging[i].Tag), CancellationToken.None).ConfigureAwait(false);
                staging[i] = staging[i] with { Removed = deletion.Removed, Note = deletion.Reason };
            }

            return new PublishResult { Outcome = PublishOutcome.Published, Tags = tags, StagingTags = staging };
        }
        catch (RegistryException exception)
        {
            return Failed(tags, staging, exception.Message + "; no tag was written.");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return Failed(tags, staging, "the run was stopped before the final tags were written; no tag was written.");
        }
    }

    /// <summary>True for the statuses that let an all-or-nothing publish go ahead: those that let a leg's dependents run (a success, now or reused).</summary>
    private static bool Succeeded(LegStatus status) => status.SatisfiesDependents();

    private static PublishResult Failed(PublishTag[] tags, StagingTag[] staging, string error) => new()
    {
        Outcome = PublishOutcome.Failed,
        Tags = tags,
        StagingTags = [.. staging.Select(s => s with { Note = "kept: the publish failed; the staged image stays for another attempt" })],
        Code = ErrorCodes.DockerPublishFailed,
        Error = error,
    };

    /// <summary>
    /// The digest a leg staged for <paramref name="tag"/>: its pushed staging tag in the tag's repository (also when
    /// reused from an earlier run's report); for a leg reused from a per-leg run, the digest it pushed under the tag itself.
    /// </summary>
    private static string? StagedDigest(LegResult leg, string tag)
    {
        var repository = DockerReference.Repository(tag);
        return leg.PushedDigests.Where(p => IsStagingTag(p.Key) && DockerReference.Repository(p.Key) == repository).Select(p => p.Value).FirstOrDefault()
            ?? leg.PushedDigests.GetValueOrDefault(tag);
    }

    private static bool IsStagingTag(string reference) => DockerReference.Tag(reference).StartsWith(DockerLegBuilder.StagingTagPrefix, StringComparison.Ordinal);

    /// <summary>The client of <paramref name="registry"/>, reached as the engine that pushed <paramref name="leg"/>'s staging tag reached it.</summary>
    private Task<RegistryClient> ClientAsync(RegistryClients clients, string registry, LegResult leg, CancellationToken cancellationToken) =>
        clients.ForAsync(registry, leg.Endpoint is { } name && engines.TryGetValue(name, out var engine) ? engine : defaultEndpoint, cancellationToken);
}
