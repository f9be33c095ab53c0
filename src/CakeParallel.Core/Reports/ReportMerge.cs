using CakeParallel.Model;

namespace CakeParallel.Reports;

/// <summary>
/// Merges the JSON reports of a matrix's shards (each CI job's) into one report of the whole matrix: every leg in
/// matrix order, each with its shard and the machine that ran it. A shard that sent no report leaves its legs
/// <see cref="LegStatus.NotStarted"/> with the reason; a leg two reports have, or reports of different matrices,
/// are errors. The merged report is a report like any other: it works as <see cref="ReportOptions.ResumeFrom"/>
/// and as <see cref="RunOptions.HistoryFrom"/>.
/// </summary>
public static class ReportMerge
{
    /// <summary>Reads and merges the reports in <paramref name="reportFiles"/>, then writes the reports <paramref name="output"/> names.</summary>
    /// <param name="reportFiles">The shards' JSON reports, in any order.</param>
    /// <param name="output">The reports to write (JSON, JUnit, Markdown with <c>$GITHUB_STEP_SUMMARY</c>, HTML); <see cref="ReportOptions.ResumeFrom"/> is ignored.</param>
    /// <returns>The merged result.</returns>
    /// <exception cref="InvalidRunException">The reports cannot be merged, or an output path is unusable; every problem is listed and nothing was written.</exception>
    /// <exception cref="ReportWriteException">A report could not be written; the others were.</exception>
    public static RunResult MergeAndWrite(IReadOnlyList<string> reportFiles, ReportOptions output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var merged = Merge(reportFiles);
        var outputErrors = ReportOptionsValidator.Validate(output with { ResumeFrom = null }).ToArray();
        if (merged.Run is null || outputErrors.Length > 0)
        {
            throw new InvalidRunException([.. merged.Errors, .. outputErrors]);
        }

        RunReporting.Start(output with { ResumeFrom = null }).Write(merged.Run);
        return merged.Run;
    }

    /// <summary>Reads and merges the reports in <paramref name="reportFiles"/>.</summary>
    /// <param name="reportFiles">The shards' JSON reports, in any order.</param>
    public static MergeResult Merge(IReadOnlyList<string> reportFiles)
    {
        ArgumentNullException.ThrowIfNull(reportFiles);
        var errors = new List<ValidationError>();
        var reports = new List<(string Source, RunResult Run)>();
        foreach (var path in reportFiles)
        {
            try
            {
                reports.Add((path, JsonRunReport.Read(path)));
            }
            catch (Exception exception) when (exception is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                errors.Add(new ValidationError(ErrorCodes.MergeReportUnusable, null, "Reports", exception.Message));
            }
        }

        if (errors.Count > 0)
        {
            return new MergeResult(null, errors);
        }

        return Merge(reports);
    }

    /// <summary>Merges reports already read.</summary>
    /// <param name="reports">Each report with where it came from (for messages).</param>
    public static MergeResult Merge(IReadOnlyList<(string Source, RunResult Run)> reports)
    {
        ArgumentNullException.ThrowIfNull(reports);
        var errors = new List<ValidationError>();
        if (reports.Count == 0)
        {
            errors.Add(new ValidationError(ErrorCodes.MergeReportUnusable, null, "Reports", "there are no reports to merge."));
        }

        foreach (var (source, run) in reports.Where(r => r.Run.Matrix is null))
        {
            errors.Add(new ValidationError(ErrorCodes.MergeReportUnusable, null, "Reports", $"'{source}' records no matrix (it was written before CakeParallel 0.2.0), so what its matrix has is unknown."));
        }

        if (errors.Count > 0)
        {
            return new MergeResult(null, errors);
        }

        var fingerprints = reports.GroupBy(r => r.Run.Matrix!.Fingerprint, StringComparer.Ordinal).ToArray();
        if (fingerprints.Length > 1)
        {
            var described = fingerprints.Select(g => $"{g.Key} ({string.Join(", ", g.Select(r => $"'{r.Source}'"))})");
            errors.Add(new ValidationError(ErrorCodes.MergeMatricesDiffer, null, "Reports", $"the reports are of {fingerprints.Length} different matrices: {string.Join("; ", described)}."));
            return new MergeResult(null, errors);
        }

        var reported = new Dictionary<string, (LegResult Leg, string Source, RunResult Run)>(StringComparer.Ordinal);
        foreach (var (source, run) in reports)
        {
            foreach (var leg in run.Legs)
            {
                if (reported.TryGetValue(leg.Id, out var first))
                {
                    errors.Add(new ValidationError(ErrorCodes.MergeLegDuplicate, leg.Name, "Reports", $"is reported by '{first.Source}' ({ShardName(first.Run)}) and by '{source}' ({ShardName(run)})."));
                    continue;
                }

                reported[leg.Id] = (leg, source, run);
            }
        }

        if (errors.Count > 0)
        {
            return new MergeResult(null, errors);
        }

        var layout = reports[0].Run.Matrix!;
        var shardsReported = reports.Select(r => r.Run.Shard).Where(s => s is not null).ToHashSet();
        var legs = layout.Legs.Select(planned =>
        {
            if (reported.TryGetValue(planned.Id, out var found))
            {
                return found.Leg with { Shard = found.Leg.Shard ?? found.Run.Shard ?? planned.Shard, Host = found.Leg.Host ?? found.Run.Host };
            }

            var reason = planned.Shard is not { } shard ? "no report has it"
                : shardsReported.Contains(shard) ? $"shard {shard} reported no result for it"
                : $"shard {shard} sent no report";
            return new LegResult
            {
                Id = planned.Id,
                Name = planned.Name,
                Parameters = planned.Parameters,
                Status = LegStatus.NotStarted,
                Shard = planned.Shard,
                FailureReason = "Not started: " + reason,
            };
        }).ToArray();

        var runs = reports.Select(r => r.Run).ToArray();
        var startedAt = runs.Min(r => r.StartedAt);
        var endedAt = runs.Max(r => r.StartedAt + r.Duration);
        var merged = new RunResult
        {
            Legs = legs,
            StartedAt = startedAt,
            Duration = endedAt - startedAt,
            WasCancelled = runs.Any(r => r.WasCancelled),
            Host = string.Join(", ", runs.Select(r => r.Host).Distinct(StringComparer.Ordinal)),
            Settings = runs[0].Settings,
            ServiceEvents = [.. runs.SelectMany(r => r.ServiceEvents)],
            Warnings = [.. runs.SelectMany(r => r.Warnings).Distinct()],
            Matrix = layout,
        };
        return new MergeResult(merged, []);
    }

    private static string ShardName(RunResult run) => run.Shard is { } shard ? $"shard {shard}" : "not sharded";
}

/// <summary>What merging reports gave: the merged result, or every reason it could not be made.</summary>
/// <param name="Run">The merged result; <see langword="null"/> when there are errors.</param>
/// <param name="Errors">Every problem found; empty when <see cref="Run"/> is set.</param>
public sealed record MergeResult(RunResult? Run, IReadOnlyList<ValidationError> Errors)
{
    /// <summary>The merged result.</summary>
    /// <exception cref="InvalidRunException">The reports could not be merged; the exception lists every problem.</exception>
    public RunResult GetRunOrThrow() => Run ?? throw new InvalidRunException(Errors);
}
