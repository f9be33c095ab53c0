using CakeParallel.Model;

namespace CakeParallel.Reports;

/// <summary>
/// Expected leg durations from earlier JSON reports (<see cref="RunOptions.HistoryFrom"/>), by stable id: a leg's
/// expected duration is its duration in the latest report (by start time) that ran it. Legs that never started
/// there say nothing; a reused leg carries the duration of the run that built it.
/// </summary>
public sealed class DurationHistory
{
    private readonly Dictionary<string, TimeSpan> _expected;

    private DurationHistory(Dictionary<string, TimeSpan> expected) => _expected = expected;

    /// <summary>No history: every leg's expected duration is unknown.</summary>
    public static DurationHistory None { get; } = new([]);

    /// <summary>How many legs have an expected duration.</summary>
    public int Count => _expected.Count;

    /// <summary>The history of <paramref name="runs"/>.</summary>
    /// <param name="runs">Earlier runs' results, in any order.</param>
    public static DurationHistory Of(IEnumerable<RunResult> runs)
    {
        var expected = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        foreach (var run in runs.OrderBy(r => r.StartedAt))
        {
            foreach (var leg in run.Legs.Where(l => l.Status != LegStatus.NotStarted && l.Attempts.Count > 0))
            {
                expected[leg.Id] = leg.Duration;
            }
        }

        return new DurationHistory(expected);
    }

    /// <summary>Reads the reports in <paramref name="paths"/>; a report that cannot be read adds an error naming it.</summary>
    /// <param name="paths">The JSON reports.</param>
    /// <param name="field">The setting that named them, for the errors.</param>
    /// <param name="errors">Receives one <see cref="ErrorCodes.HistoryReportUnusable"/> error per unreadable report.</param>
    public static DurationHistory Read(IReadOnlyList<string> paths, string field, ICollection<ValidationError> errors)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(errors);
        var runs = new List<RunResult>();
        foreach (var path in paths)
        {
            try
            {
                runs.Add(JsonRunReport.Read(path));
            }
            catch (Exception exception) when (exception is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                errors.Add(new ValidationError(ErrorCodes.HistoryReportUnusable, null, field, exception.Message));
            }
        }

        // Most runs have no history: ordering none would still compile LINQ's ordering by a DateTimeOffset key.
        return runs.Count == 0 ? None : Of(runs);
    }

    /// <summary>The expected duration of the leg with stable id <paramref name="id"/>, or <see langword="null"/> when no report ran it.</summary>
    /// <param name="id">The leg's stable id.</param>
    public TimeSpan? Expected(string id) => _expected.TryGetValue(id, out var duration) ? duration : null;
}
