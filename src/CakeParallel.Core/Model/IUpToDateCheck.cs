namespace CakeParallel.Model;

/// <summary>
/// Decides, when a leg is about to run on its engine, whether it needs to run at all (docker legs: an image with
/// the same inputs already exists), and how it runs when it does.
/// </summary>
internal interface IUpToDateCheck
{
    /// <summary>Checks <paramref name="leg"/> (as it runs, its needs bound) on the engine named <paramref name="endpoint"/>.</summary>
    /// <param name="leg">The leg about to run.</param>
    /// <param name="endpoint">The engine the leg was placed on; <see langword="null"/>: the leg's own.</param>
    /// <param name="rebuild">Run the leg whatever the check would find (<see cref="RunOptions.Rebuild"/>).</param>
    /// <param name="cancellationToken">Cancelled when the run stops.</param>
    Task<UpToDateCheckResult> CheckAsync(LegSpec leg, string? endpoint, bool rebuild, CancellationToken cancellationToken);
}

/// <summary>What an <see cref="IUpToDateCheck"/> found.</summary>
/// <param name="InputsHash">The leg's inputs hash; <see langword="null"/> when it could not be computed.</param>
/// <param name="Notes">What the check did, for the leg's log.</param>
internal sealed record UpToDateCheckResult(string? InputsHash, IReadOnlyList<string> Notes)
{
    /// <summary>The existing image when the leg is up to date; <see langword="null"/>: the leg runs.</summary>
    public UpToDateImage? Image { get; init; }

    /// <summary>The argv the leg runs with (its image labelled with the hash); <see langword="null"/>: unchanged.</summary>
    public IReadOnlyList<string>? Arguments { get; init; }

    /// <summary>Something the result should remark on (e.g. why the hash could not be computed); <see langword="null"/>: nothing.</summary>
    public string? Remark { get; init; }
}

/// <summary>The image that makes a leg up to date.</summary>
/// <param name="ImageId">Its id (<c>sha256:…</c>).</param>
/// <param name="Tags">The tags that name it (the leg's tags).</param>
/// <param name="Digests">The registry's manifest digest of each tag, when the registry was asked.</param>
/// <param name="Where">Where it was found, in words (for the log), e.g. <c>on the engine</c>.</param>
internal sealed record UpToDateImage(string ImageId, IReadOnlyList<string> Tags, IReadOnlyDictionary<string, string> Digests, string Where);
