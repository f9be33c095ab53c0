using System.Collections.ObjectModel;

namespace CakeParallel.Model;

/// <summary>The outcome of one leg: its status, every attempt, and what is needed to explain a failure at a glance.</summary>
public sealed record LegResult
{
    /// <summary>The leg's name.</summary>
    public required string Name { get; init; }

    /// <summary>The leg's stable id (see <see cref="LegSpec.Id"/>).</summary>
    public required string Id { get; init; }

    /// <summary>The matrix parameters of the leg (empty for plain legs).</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; init; } = ReadOnlyDictionary<string, string>.Empty;

    /// <summary>The final status.</summary>
    public required LegStatus Status { get; init; }

    /// <summary>Every attempt, in order (empty for legs that never started).</summary>
    public IReadOnlyList<AttemptRecord> Attempts { get; init; } = [];

    /// <summary>From the first attempt's start to the last attempt's end, retry waits included.</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>The last attempt's exit code (128+N when killed by signal N), or <see langword="null"/>.</summary>
    public int? ExitCode { get; init; }

    /// <summary>The signal that killed the last attempt (e.g. <c>SIGKILL</c>), or <see langword="null"/>.</summary>
    public string? Signal { get; init; }

    /// <summary>The leg's complete log (every attempt, both streams, timestamped), or <see langword="null"/> if it never started.</summary>
    public string? LogFile { get; init; }

    /// <summary>The last output lines of the last attempt (each line capped), oldest first.</summary>
    public IReadOnlyList<string> OutputTail { get; init; } = [];

    /// <summary>Why the leg did not succeed, in one sentence; <see langword="null"/> when it succeeded.</summary>
    public string? FailureReason { get; init; }

    /// <summary>The image id a docker build leg produced, or <see langword="null"/>.</summary>
    public string? ImageId { get; init; }

    /// <summary>The tags a docker build leg was asked to write (empty for other legs).</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>The engine (endpoint) the leg's last attempt ran on, or <see langword="null"/> when the run has no endpoints.</summary>
    public string? Endpoint { get; init; }

    /// <summary>The digest (<c>sha256:…</c>) of each tag a docker build leg pushed, by tag (empty when nothing was pushed).</summary>
    public IReadOnlyDictionary<string, string> PushedDigests { get; init; } = ReadOnlyDictionary<string, string>.Empty;

    /// <summary>
    /// The docker build leg's inputs hash (<c>sha256:…</c>, the image's <c>cakeparallel.inputs-hash</c> label), or
    /// <see langword="null"/> for other legs and when it could not be computed (a remark says why).
    /// </summary>
    public string? InputsHash { get; init; }

    /// <summary>Further facts found after the leg ended, e.g. that a terminated BuildKit build still tagged its image.</summary>
    public IReadOnlyList<string> Remarks { get; init; } = [];

    /// <summary>The shard that ran (or was planned to run) the leg, or <see langword="null"/> when the run was not sharded.</summary>
    public Shard? Shard { get; init; }

    /// <summary>The machine that ran the leg, as merged reports show it; <see langword="null"/>: the run's <see cref="RunResult.Host"/>.</summary>
    public string? Host { get; init; }

    /// <summary>How long the leg was expected to take (from <see cref="RunOptions.HistoryFrom"/>), or <see langword="null"/> without history.</summary>
    public TimeSpan? ExpectedDuration { get; init; }

    /// <summary>The stable ids of the legs this leg needed (see <see cref="LegSpec.Needs"/>), in the order it named them; empty when it needed none.</summary>
    public IReadOnlyList<string> Needs { get; init; } = [];

    /// <summary>
    /// How long after the run's start the leg's needs were all done, which is how long it waited for them (it could
    /// not start before); <see langword="null"/> when it needed no leg or the run stopped while it waited.
    /// </summary>
    public TimeSpan? NeedsWait { get; init; }

    /// <summary>The exit code and signal as one short text, e.g. <c>0</c>, <c>3</c> or <c>137 (SIGKILL)</c>; empty when none.</summary>
    public string ExitDisplay => ExitCode is null ? "" : Signal is null ? ExitCode.Value.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{ExitCode} ({Signal})";
}
