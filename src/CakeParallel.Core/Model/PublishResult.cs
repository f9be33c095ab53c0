namespace CakeParallel.Model;

/// <summary>
/// What the all-or-nothing publish of a docker matrix did after every leg ended: which final tags it wrote in
/// the registry (each by the digest its leg pushed under a staging tag), or which legs held it back, or the
/// registry error that stopped it; and what became of the staging tags.
/// </summary>
public sealed record PublishResult
{
    /// <summary>Whether the final tags were written.</summary>
    public required PublishOutcome Outcome { get; init; }

    /// <summary>The legs that did not succeed and so kept every final tag from moving, in input order (empty unless <see cref="PublishOutcome.HeldBack"/>).</summary>
    public IReadOnlyList<PublishHoldBack> HeldBackBy { get; init; } = [];

    /// <summary>Every final tag of the matrix with its leg and the digest staged for it, and whether it was written.</summary>
    public IReadOnlyList<PublishTag> Tags { get; init; } = [];

    /// <summary>The staging tags the legs pushed, and whether each was removed from the registry afterwards.</summary>
    public IReadOnlyList<StagingTag> StagingTags { get; init; } = [];

    /// <summary>
    /// The code of an outcome other than <see cref="PublishOutcome.Published"/>: <see cref="ErrorCodes.DockerPublishHeldBack"/>
    /// or <see cref="ErrorCodes.DockerPublishFailed"/>; <see langword="null"/> when published.
    /// </summary>
    public string? Code { get; init; }

    /// <summary>Why the publish failed (the registry's answer), or <see langword="null"/>.</summary>
    public string? Error { get; init; }

    /// <summary>True when the publish failed; the run then fails even if every leg succeeded.</summary>
    public bool FailsRun => Outcome == PublishOutcome.Failed;
}

/// <summary>How an all-or-nothing publish ended.</summary>
public enum PublishOutcome
{
    /// <summary>Every leg succeeded and every final tag was written.</summary>
    Published,

    /// <summary>A leg did not succeed: no final tag was written.</summary>
    HeldBack,

    /// <summary>Every leg succeeded, but the registry refused or failed a step; <see cref="PublishTag.Written"/> tells which tags were written before it.</summary>
    Failed,
}

/// <summary>A leg that held an all-or-nothing publish back.</summary>
/// <param name="Leg">The leg's name.</param>
/// <param name="Status">Its status.</param>
public sealed record PublishHoldBack(string Leg, LegStatus Status);

/// <summary>A final tag of an all-or-nothing publish.</summary>
/// <param name="Tag">The tag, e.g. <c>registry.example:5000/app:20-alpine</c>.</param>
/// <param name="Leg">The name of the leg that built it.</param>
/// <param name="Digest">The manifest digest the leg pushed for the tag's repository, or <see langword="null"/> when the leg pushed nothing.</param>
public sealed record PublishTag(string Tag, string Leg, string? Digest)
{
    /// <summary>True when the tag was written in the registry (it points at <see cref="Digest"/>).</summary>
    public bool Written { get; init; }
}

/// <summary>A staging tag a leg pushed for an all-or-nothing publish.</summary>
/// <param name="Tag">The staging tag, e.g. <c>registry.example:5000/app:cakeparallel-staging-&lt;run&gt;-&lt;leg&gt;</c>.</param>
/// <param name="Digest">The manifest digest pushed under it.</param>
public sealed record StagingTag(string Tag, string Digest)
{
    /// <summary>True when the staging tag was deleted from the registry after the publish.</summary>
    public bool Removed { get; init; }

    /// <summary>Why it is still there (kept for a resumed run, or the registry cannot delete a tag alone), or <see langword="null"/>.</summary>
    public string? Note { get; init; }
}
