using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using CakeParallel.Model;
using CakeParallel.Supervision;

namespace CakeParallel.Reports;

/// <summary>
/// The run's journal: <c>run-journal.jsonl</c> in its log folder, one JSON line for the run, then one per leg's final
/// result as it ends, each flushed at once (a leg is reported ended only once its line is written), so a runner
/// killed mid-run (SIGKILL, a crash, a lost machine) leaves a record that <see cref="ReportOptions.ResumeFrom"/> reads. Held open with a shared lock while the run lasts, which
/// tells log folder pruning the folder is in use. Writing never fails the run: on an IO error the journal stops.
/// </summary>
internal sealed class RunJournal : IDisposable
{
    private readonly Lock _gate = new();
    private readonly JournalLineWriter _lines = new();
    private FileStream? _file;

    private RunJournal(FileStream? file) => _file = file;

    /// <summary>Starts the journal of run <paramref name="runId"/> in <paramref name="logDirectory"/> (replacing an earlier run's).</summary>
    public static RunJournal Start(string logDirectory, string runId, DateTimeOffset startedAt)
    {
        try
        {
            var journal = new RunJournal(new FileStream(Path.Combine(logDirectory, RunLogFolder.JournalFileName), FileMode.Create, FileAccess.Write, FileShare.Read, 1));
            journal.Append(new JsonJournalEntry { RunId = runId, Host = Environment.MachineName, StartedAt = startedAt });
            return journal;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return new RunJournal(null);
        }
    }

    /// <summary>
    /// Appends a leg's final result, written and flushed before this returns: a caller that tells others the leg
    /// ended calls it first, so a runner killed after that leaves the line behind.
    /// </summary>
    public void Record(LegResult result) => Append(new JsonJournalEntry { Leg = JsonLeg.From(result) });

    public void Dispose()
    {
        lock (_gate)
        {
            try
            {
                _file?.Dispose();
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // Every line was flushed when written; nothing is lost here.
            }

            _file = null;
            _lines.Dispose();
        }
    }

    /// <summary>Whether <paramref name="path"/> names a journal (or a log folder holding one) rather than a JSON report.</summary>
    public static bool IsJournal(string path) =>
        Directory.Exists(path) || path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Reads a journal (or the journal in a log folder) as the result of its run, with the legs that ended before
    /// the journal stopped. A half-written last line (the runner died while writing it) is ignored.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is not a CakeParallel journal, or a line before the last is damaged.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static RunResult Read(string path)
    {
        var file = Directory.Exists(path) ? Path.Combine(path, RunLogFolder.JournalFileName) : path;
        var lines = File.ReadAllLines(file, Encoding.UTF8);
        if (lines.Length == 0 || Parse(lines[0]) is not { RunId: { } runId, StartedAt: { } startedAt } header)
        {
            throw new InvalidDataException($"'{file}' is not a CakeParallel run journal: its first line does not name the run.");
        }

        var legs = new List<LegResult>();
        for (var i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0)
            {
                continue;
            }

            if (Parse(lines[i]) is { Leg: { } leg })
            {
                legs.Add(leg.ToModel());
            }
            else if (i < lines.Length - 1)
            {
                throw new InvalidDataException($"'{file}' line {i + 1} is not a journal entry; only the last line may be incomplete.");
            }
        }

        return new RunResult { RunId = runId, Host = header.Host ?? "", StartedAt = startedAt, Duration = TimeSpan.Zero, Legs = legs };
    }

    private static JsonJournalEntry? Parse(string line)
    {
        try
        {
            return JsonSerializer.Deserialize(line, JsonJournalContext.Default.JsonJournalEntry);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private void Append(JsonJournalEntry entry)
    {
        lock (_gate)
        {
            if (_file is null)
            {
                return;
            }

            try
            {
                // One write per line: a reader (or a crash) sees whole lines, except at worst the very last one.
                _file.Write(_lines.Line(entry));
                _file.Flush();
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                _file.Dispose();
                _file = null;
            }
        }
    }
}

/// <summary>One journal line: the run's header (id, host, start), or one leg's final result.</summary>
internal sealed record JsonJournalEntry
{
    public string? RunId { get; init; }

    public string? Host { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public JsonLeg? Leg { get; init; }
}

/// <summary>The journal's serializer (for reading it; <see cref="JournalLineWriter"/> writes it): the report's leg records, one line each.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = false,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    RespectNullableAnnotations = true,
    Converters = [typeof(CamelCaseEnumConverter<LegStatus>), typeof(CamelCaseEnumConverter<AttemptOutcome>), typeof(CamelCaseEnumConverter<ServiceEventKind>)])]
[JsonSerializable(typeof(JsonJournalEntry))]
internal sealed partial class JsonJournalContext : JsonSerializerContext;
