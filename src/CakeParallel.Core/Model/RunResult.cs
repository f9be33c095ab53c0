
namespace CakeParallel.Model;

/// <summary>The outcome of a run: one <see cref="LegResult"/> per leg, in input order, whatever the completion order.</summary>
public sealed record RunResult
{
    /// <summary>Every leg's result, in the order the legs were given.</summary>
    public required IReadOnlyList<LegResult> Legs { get; init; }

    /// <summary>When the run started (UTC).</summary>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>
    /// What happened to the run's <see cref="RunOptions.Services"/>: ready, stopped, and above all a service that
    /// died while legs were running (<see cref="ServiceEventKind.Died"/>) or could not start. Empty without services.
    /// </summary>
    public IReadOnlyList<ServiceEvent> ServiceEvents { get; init; } = [];

    /// <summary>Wall time of the whole run, measured on a monotonic clock.</summary>
    public required TimeSpan Duration { get; init; }

    /// <summary>True when the run was cancelled by its host (Ctrl+C, MSBuild's Cancel()).</summary>
    public bool WasCancelled { get; init; }

    /// <summary>A unique, time-ordered id of the run (a version 7 UUID), shown in every report.</summary>
    public string RunId { get; init; } = Guid.CreateVersion7().ToString();

    /// <summary>The machine the run ran on.</summary>
    public string Host { get; init; } = Environment.MachineName;

    /// <summary>The settings the run was made with, or <see langword="null"/> when unknown.</summary>
    public RunSettings? Settings { get; init; }

    /// <summary>The shard this run was, or <see langword="null"/> when it ran the whole matrix (or is a merge of shards).</summary>
    public Shard? Shard { get; init; }

    /// <summary>The whole matrix the run belongs to, with each leg's planned shard; <see langword="null"/> in reports written before 0.2.0.</summary>
    public MatrixLayout? Matrix { get; init; }

    /// <summary>
    /// What the all-or-nothing publish of a docker matrix did after the legs ended, or <see langword="null"/> when
    /// the run had none (each leg pushed its own tags, or nothing was pushed).
    /// </summary>
    public PublishResult? Publish { get; init; }

    /// <summary>
    /// What planning found and the run went ahead with, e.g. an engine of the pool that did not answer
    /// (<c>CPAR0212</c>) and was left out; empty when nothing was found.
    /// </summary>
    public IReadOnlyList<ValidationError> Warnings { get; init; } = [];

    /// <summary>
    /// True only when every leg succeeded (or was reused from an earlier successful run, or was up to date), no service of the run
    /// failed while legs ran (<see cref="ServiceEvent.FailsRun"/>) and the publish, if any, did not fail.
    /// </summary>
    public bool Succeeded => Legs.All(l => l.Status.SatisfiesDependents()) && !ServiceEvents.Any(e => e.FailsRun) && Publish?.FailsRun != true;

    /// <summary>The legs that did not succeed, in input order.</summary>
    public IEnumerable<LegResult> Unsuccessful => Legs.Where(l => !l.Status.SatisfiesDependents());

    /// <summary>How many legs ended with <paramref name="status"/>.</summary>
    /// <param name="status">The status to count.</param>
    public int Count(LegStatus status) => Legs.Count(l => l.Status == status);

    /// <summary>Counts per status, e.g. <c>3 succeeded, 1 failed, 1 timed out</c> (zero counts omitted).</summary>
    public string CountsDisplay
    {
        get
        {
            var parts = Enum.GetValues<LegStatus>()
                .Select(s => (Status: s, Count: Count(s)))
                .Where(c => c.Count > 0)
                .Select(c => $"{c.Count} {LegStatusText.Of(c.Status)}");
            return string.Join(", ", parts);
        }
    }
}
