using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using CakeParallel.Model;

namespace CakeParallel.Reports;

/// <summary>
/// The JSON report of a run (schema version <see cref="SchemaVersion"/>, documented in <c>docs/report-schema.md</c>):
/// everything in a <see cref="RunResult"/>, in a form other tools and a later <see cref="ReportOptions.ResumeFrom"/> read.
/// </summary>
public static class JsonRunReport
{
    /// <summary>The schema version this library writes and reads.</summary>
    public const int SchemaVersion = 1;

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        RespectNullableAnnotations = true,
    };

    /// <summary>Renders <paramref name="result"/> as the JSON report.</summary>
    /// <param name="result">The run's result.</param>
    public static string Render(RunResult result) => JsonSerializer.Serialize(ToDocument(result), Json) + "\n";

    /// <summary>Reads a JSON report back into a <see cref="RunResult"/>.</summary>
    /// <param name="json">The report's text.</param>
    /// <exception cref="InvalidDataException">The text is not a CakeParallel report of a supported schema version; the message says why.</exception>
    public static RunResult Parse(string json)
    {
        int version;
        try
        {
            using var probe = JsonDocument.Parse(json);
            if (probe.RootElement.ValueKind != JsonValueKind.Object
                || !probe.RootElement.TryGetProperty("schemaVersion", out var versionElement)
                || !versionElement.TryGetInt32(out version))
            {
                throw new InvalidDataException("it is not a CakeParallel report: it has no integer 'schemaVersion'.");
            }
        }
        catch (JsonException exception)
        {
            throw new InvalidDataException($"it is not valid JSON: {exception.Message}", exception);
        }

        if (version != SchemaVersion)
        {
            throw new InvalidDataException($"its schemaVersion is {version}; this version of CakeParallel reads schemaVersion {SchemaVersion}.");
        }

        try
        {
            var document = JsonSerializer.Deserialize<JsonReportDocument>(json, Json)
                ?? throw new InvalidDataException("it is empty (null).");
            return FromDocument(document);
        }
        catch (JsonException exception)
        {
            throw new InvalidDataException($"it does not match schemaVersion {SchemaVersion}: {exception.Message}", exception);
        }
    }

    /// <summary>Reads the JSON report in <paramref name="path"/>.</summary>
    /// <param name="path">The report file.</param>
    /// <exception cref="InvalidDataException">The file is not a CakeParallel report of a supported schema version.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static RunResult Read(string path)
    {
        var text = File.ReadAllText(path);
        try
        {
            return Parse(text);
        }
        catch (InvalidDataException exception)
        {
            throw new InvalidDataException($"'{path}' cannot be read as a report: {exception.Message}", exception);
        }
    }

    private static JsonReportDocument ToDocument(RunResult result) => new()
    {
        SchemaVersion = SchemaVersion,
        Tool = new JsonTool("CakeParallel", ToolVersion()),
        RunId = result.RunId,
        Host = result.Host,
        StartedAt = result.StartedAt,
        // From the rounded duration, so endedAt - startedAt is exactly durationSeconds, also after a round trip.
        EndedAt = result.StartedAt + TimeSpan.FromSeconds(Seconds(result.Duration)),
        DurationSeconds = Seconds(result.Duration),
        Succeeded = result.Succeeded,
        WasCancelled = result.WasCancelled,
        Settings = result.Settings is { } s ? ToJson(s) : null,
        Counts = Enum.GetValues<LegStatus>().ToDictionary(StatusName, result.Count),
        Legs = result.Legs.Select(ToJson).ToList(),
        Services = result.ServiceEvents.Select(e => new JsonServiceEvent
        {
            Service = e.Service,
            Kind = e.Kind,
            Timestamp = e.Timestamp,
            Message = e.Message,
            Code = e.Code,
            ExitCode = e.ExitCode,
            Signal = e.Signal,
            LastProbeError = e.LastProbeError,
            LogFile = e.LogFile,
            OutputTail = [.. e.OutputTail],
        }).ToList(),
    };

    private static JsonSettings ToJson(RunSettings settings) => new()
    {
        MaxParallel = settings.MaxParallel,
        FailFast = settings.FailFast,
        TimeoutSeconds = Seconds(settings.Timeout),
        DeadlineSeconds = Seconds(settings.Deadline),
        Termination = settings.Termination,
        Retry = new JsonRetryPolicy
        {
            MaxAttempts = settings.Retry.MaxAttempts,
            InitialDelaySeconds = Seconds(settings.Retry.InitialDelay),
            MaxDelaySeconds = Seconds(settings.Retry.MaxDelay),
            UseJitter = settings.Retry.UseJitter,
            RetryOnExitCodes = [.. settings.Retry.RetryOnExitCodes],
            RetryOnOutput = [.. settings.Retry.RetryOnOutput],
            RetryOnTimeout = settings.Retry.RetryOnTimeout,
        },
    };

    private static JsonLeg ToJson(LegResult leg) => new()
    {
        Id = leg.Id,
        Name = leg.Name,
        Parameters = new Dictionary<string, string>(leg.Parameters),
        Status = leg.Status,
        DurationSeconds = Seconds(leg.Duration),
        ExitCode = leg.ExitCode,
        Signal = leg.Signal,
        FailureReason = leg.FailureReason,
        LogFile = leg.LogFile,
        ImageId = leg.ImageId,
        Tags = [.. leg.Tags],
        Remarks = [.. leg.Remarks],
        OutputTail = [.. leg.OutputTail],
        Attempts = leg.Attempts.Select(a => new JsonAttempt
        {
            Number = a.Number,
            StartedAt = a.StartedAt,
            DurationSeconds = Seconds(a.Duration),
            ExitCode = a.ExitCode,
            Signal = a.Signal,
            Outcome = a.Outcome,
            Detail = a.Detail,
            Retry = new JsonRetryDecision { WillRetry = a.Decision.WillRetry, Reason = a.Decision.Reason, DelaySeconds = Seconds(a.Decision.Delay) },
        }).ToList(),
    };

    private static RunResult FromDocument(JsonReportDocument document) => new()
    {
        RunId = document.RunId,
        Host = document.Host,
        StartedAt = document.StartedAt,
        Duration = TimeSpan.FromSeconds(document.DurationSeconds),
        WasCancelled = document.WasCancelled,
        Settings = document.Settings is { } s
            ? new RunSettings(s.MaxParallel, s.FailFast, Time(s.TimeoutSeconds), Time(s.DeadlineSeconds), s.Termination, new RetryPolicy
            {
                MaxAttempts = s.Retry.MaxAttempts,
                InitialDelay = TimeSpan.FromSeconds(s.Retry.InitialDelaySeconds),
                MaxDelay = TimeSpan.FromSeconds(s.Retry.MaxDelaySeconds),
                UseJitter = s.Retry.UseJitter,
                RetryOnExitCodes = s.Retry.RetryOnExitCodes,
                RetryOnOutput = s.Retry.RetryOnOutput,
                RetryOnTimeout = s.Retry.RetryOnTimeout,
            })
            : null,
        Legs = document.Legs.Select(FromJson).ToArray(),
        ServiceEvents = document.Services.Select(e => new ServiceEvent(e.Service, e.Kind, e.Timestamp, e.Message)
        {
            Code = e.Code,
            ExitCode = e.ExitCode,
            Signal = e.Signal,
            LastProbeError = e.LastProbeError,
            LogFile = e.LogFile,
            OutputTail = e.OutputTail,
        }).ToArray(),
    };

    private static LegResult FromJson(JsonLeg leg) => new()
    {
        Id = leg.Id,
        Name = leg.Name,
        Parameters = leg.Parameters,
        Status = leg.Status,
        Duration = TimeSpan.FromSeconds(leg.DurationSeconds),
        ExitCode = leg.ExitCode,
        Signal = leg.Signal,
        FailureReason = leg.FailureReason,
        LogFile = leg.LogFile,
        ImageId = leg.ImageId,
        Tags = leg.Tags,
        Remarks = leg.Remarks,
        OutputTail = leg.OutputTail,
        Attempts = leg.Attempts.Select(a => new AttemptRecord(
            a.Number,
            a.StartedAt,
            TimeSpan.FromSeconds(a.DurationSeconds),
            a.ExitCode,
            a.Signal,
            a.Outcome,
            new RetryDecision(a.Retry.WillRetry, a.Retry.Reason, Time(a.Retry.DelaySeconds)),
            a.Detail)).ToArray(),
    };

    private static string StatusName(LegStatus status) => JsonNamingPolicy.CamelCase.ConvertName(status.ToString());

    // Millisecond precision: enough for people and CI, and stable in a round trip.
    private static double Seconds(TimeSpan duration) => Math.Round(duration.TotalSeconds, 3);

    private static double? Seconds(TimeSpan? duration) => duration is { } d ? Seconds(d) : null;

    private static TimeSpan? Time(double? seconds) => seconds is { } s ? TimeSpan.FromSeconds(s) : null;

    private static string ToolVersion() =>
        typeof(JsonRunReport).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(JsonRunReport).Assembly.GetName().Version?.ToString(3)
        ?? "0.0.0";
}
