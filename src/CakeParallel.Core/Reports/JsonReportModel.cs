using System.Collections.ObjectModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using CakeParallel.Model;

namespace CakeParallel.Reports;

// The JSON report's shape (docs/report-schema.md), owned here and nowhere else: each record names its fields once
// and maps itself to and from the engine's model. Durations are seconds with millisecond precision, times are
// ISO 8601 with offset, enums are camelCase strings. The rule for additions: a new field is optional (a default
// here, so reports written before it still read) and does not change SchemaVersion; readers ignore unknown fields.
// JsonReportWriter writes these records as JsonReportContext would: a field added here is written there too
// (JsonReportWriterTests fails until it is, and until its full report sets the field).

/// <summary>The document root.</summary>
internal sealed record JsonReportDocument
{
    [JsonRequired] public required int SchemaVersion { get; init; }

    public JsonTool? Tool { get; init; }

    [JsonRequired] public required string RunId { get; init; }

    public string Host { get; init; } = "";

    [JsonRequired] public required DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset EndedAt { get; init; }

    [JsonRequired] public required double DurationSeconds { get; init; }

    public bool Succeeded { get; init; }

    public bool WasCancelled { get; init; }

    public JsonSettings? Settings { get; init; }

    public Dictionary<string, int> Counts { get; init; } = [];

    /// <summary>Read as a list; written from the run's legs one at a time (see <see cref="ProjectedList{TSource, T}"/>).</summary>
    [JsonRequired] public required IReadOnlyList<JsonLeg> Legs { get; init; }

    [JsonPropertyName("services")] public List<JsonServiceEvent> ServiceEvents { get; init; } = [];

    /// <summary>Added in 0.2.0: the shard this run was (<c>i/n</c>); absent in earlier reports, which read as null (not sharded).</summary>
    public string? Shard { get; init; }

    /// <summary>Added in 0.2.0: the whole matrix with each leg's planned shard; absent in earlier reports, which read as null.</summary>
    public JsonMatrix? Matrix { get; init; }

    /// <summary>Added in 0.2.0: what the all-or-nothing publish of a docker matrix did; absent when the run had none.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public JsonPublish? Publish { get; init; }

    /// <summary>Added in 0.2.0: what planning found and the run went ahead with; absent when nothing was found.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<JsonWarning>? Warnings { get; init; }

    public static JsonReportDocument From(RunResult run, int schemaVersion, string toolVersion) => new()
    {
        SchemaVersion = schemaVersion,
        Tool = new JsonTool("CakeParallel", toolVersion),
        RunId = run.RunId,
        Host = run.Host,
        StartedAt = run.StartedAt,
        // From the rounded duration, so endedAt - startedAt is exactly durationSeconds, also after a round trip.
        EndedAt = run.StartedAt + TimeSpan.FromSeconds(JsonSeconds.Of(run.Duration)),
        DurationSeconds = JsonSeconds.Of(run.Duration),
        Succeeded = run.Succeeded,
        WasCancelled = run.WasCancelled,
        Settings = run.Settings is { } settings ? JsonSettings.From(settings) : null,
        Counts = Enum.GetValues<LegStatus>().ToDictionary(s => JsonNamingPolicy.CamelCase.ConvertName(s.ToString()), run.Count),
        Legs = new ProjectedList<LegResult, JsonLeg>(run.Legs, JsonLeg.From),
        ServiceEvents = [.. run.ServiceEvents.Select(JsonServiceEvent.From)],
        Shard = run.Shard?.ToString(),
        Matrix = run.Matrix is { } matrix ? JsonMatrix.From(matrix) : null,
        Publish = run.Publish is { } publish ? JsonPublish.From(publish) : null,
        Warnings = run.Warnings.Count > 0 ? [.. run.Warnings.Select(w => new JsonWarning(w.Code, w.Leg, w.Field, w.Message))] : null,
    };

    public RunResult ToModel() => new()
    {
        RunId = RunId,
        Host = Host,
        StartedAt = StartedAt,
        Duration = TimeSpan.FromSeconds(DurationSeconds),
        WasCancelled = WasCancelled,
        Settings = Settings?.ToModel(),
        Legs = [.. Legs.Select(l => l.ToModel())],
        ServiceEvents = [.. ServiceEvents.Select(e => e.ToModel())],
        Shard = JsonShard.Read(Shard),
        Matrix = Matrix?.ToModel(),
        Publish = Publish?.ToModel(),
        Warnings = Warnings is null ? [] : [.. Warnings.Select(w => new ValidationError(w.Code, w.Leg, w.Field, w.Message))],
    };
}

/// <summary>One warning of planning (added in 0.2.0): its code, the leg (absent for the run), the field and the message.</summary>
internal sealed record JsonWarning(
    [property: JsonRequired] string Code,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Leg,
    string Field,
    string Message);

/// <summary>The all-or-nothing publish of a docker matrix (added in 0.2.0).</summary>
internal sealed record JsonPublish
{
    public string Policy { get; init; } = "all-or-nothing";

    public PublishOutcome Outcome { get; init; }

    public List<JsonPublishHoldBack> HeldBackBy { get; init; } = [];

    public List<JsonPublishTag> Tags { get; init; } = [];

    public List<JsonStagingTag> StagingTags { get; init; } = [];

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Code { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Error { get; init; }

    public static JsonPublish From(PublishResult publish) => new()
    {
        Outcome = publish.Outcome,
        HeldBackBy = [.. publish.HeldBackBy.Select(h => new JsonPublishHoldBack(h.Leg, h.Status))],
        Tags = [.. publish.Tags.Select(t => new JsonPublishTag(t.Tag, t.Leg, t.Digest, t.Written))],
        StagingTags = [.. publish.StagingTags.Select(s => new JsonStagingTag(s.Tag, s.Digest, s.Removed, s.Note))],
        Code = publish.Code,
        Error = publish.Error,
    };

    public PublishResult ToModel() => new()
    {
        Outcome = Outcome,
        HeldBackBy = [.. HeldBackBy.Select(h => new PublishHoldBack(h.Leg, h.Status))],
        Tags = [.. Tags.Select(t => new PublishTag(t.Tag, t.Leg, t.Digest) { Written = t.Written })],
        StagingTags = [.. StagingTags.Select(s => new StagingTag(s.Tag, s.Digest) { Removed = s.Removed, Note = s.Note })],
        Code = Code,
        Error = Error,
    };
}

/// <summary>A leg that held the publish back.</summary>
internal sealed record JsonPublishHoldBack(string Leg, LegStatus Status);

/// <summary>A final tag, the digest its leg staged, and whether it was written.</summary>
internal sealed record JsonPublishTag(string Tag, string Leg, string? Digest, bool Written);

/// <summary>A staging tag, and whether it was removed from the registry.</summary>
internal sealed record JsonStagingTag(string Tag, string Digest, bool Removed, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Note);

/// <summary>Shards as the report writes them: <c>i/n</c>; text that is not a shard reads as none.</summary>
internal static class JsonShard
{
    public static Shard? Read(string? text) => Model.Shard.TryParse(text, out var shard) ? shard : null;
}

/// <summary>The whole matrix a run belongs to.</summary>
internal sealed record JsonMatrix
{
    public string Fingerprint { get; init; } = "";

    public List<JsonMatrixLeg> Legs { get; init; } = [];

    public static JsonMatrix From(MatrixLayout layout) => new()
    {
        Fingerprint = layout.Fingerprint,
        Legs = [.. layout.Legs.Select(l => new JsonMatrixLeg { Id = l.Id, Name = l.Name, Parameters = new Dictionary<string, string>(l.Parameters), Shard = l.Shard?.ToString() })],
    };

    public MatrixLayout ToModel() => new(Fingerprint, [.. Legs.Select(l => new MatrixLayoutLeg(l.Id, l.Name, l.Parameters, JsonShard.Read(l.Shard)))]);
}

/// <summary>One leg of the whole matrix.</summary>
internal sealed record JsonMatrixLeg
{
    public string Id { get; init; } = "";

    public string Name { get; init; } = "";

    public Dictionary<string, string> Parameters { get; init; } = [];

    public string? Shard { get; init; }
}

/// <summary>What wrote the report.</summary>
internal sealed record JsonTool(string Name, string Version);

/// <summary>The run's settings.</summary>
internal sealed record JsonSettings
{
    public int MaxParallel { get; init; }

    public bool FailFast { get; init; }

    public double? TimeoutSeconds { get; init; }

    public double? DeadlineSeconds { get; init; }

    public string Termination { get; init; } = "";

    public JsonRetryPolicy Retry { get; init; } = new();

    /// <summary>Added in 0.2.0 (schema version 1 still): absent in earlier reports, which read as false.</summary>
    public bool RetryVariesByLeg { get; init; }

    /// <summary>Added in 0.2.0 (schema version 1 still): the docker engines the legs ran on; absent when the run had none.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<JsonEndpoint>? Endpoints { get; init; }

    public static JsonSettings From(RunSettings settings) => new()
    {
        MaxParallel = settings.MaxParallel,
        FailFast = settings.FailFast,
        TimeoutSeconds = JsonSeconds.Of(settings.Timeout),
        DeadlineSeconds = JsonSeconds.Of(settings.Deadline),
        Termination = settings.Termination,
        Retry = JsonRetryPolicy.From(settings.Retry),
        RetryVariesByLeg = settings.RetryVariesByLeg,
        Endpoints = settings.Endpoints.Count == 0 ? null : [.. settings.Endpoints.Select(e => new JsonEndpoint(e.Name, e.MaxParallel))],
    };

    public RunSettings ToModel() =>
        new(MaxParallel, FailFast, JsonSeconds.Time(TimeoutSeconds), JsonSeconds.Time(DeadlineSeconds), Termination, Retry.ToModel())
        {
            RetryVariesByLeg = RetryVariesByLeg,
            Endpoints = Endpoints?.Select(e => new EndpointSetting(e.Name, e.MaxParallel)).ToArray() ?? [],
        };
}

/// <summary>One docker engine of the run's pool (added in 0.2.0).</summary>
internal sealed record JsonEndpoint(string Name, int MaxParallel);

/// <summary>The retry policy the legs ran with.</summary>
internal sealed record JsonRetryPolicy
{
    public int MaxAttempts { get; init; } = 1;

    public double InitialDelaySeconds { get; init; }

    public double MaxDelaySeconds { get; init; }

    public bool UseJitter { get; init; }

    public List<int> RetryOnExitCodes { get; init; } = [];

    public List<string> RetryOnOutput { get; init; } = [];

    public bool RetryOnTimeout { get; init; }

    public static JsonRetryPolicy From(RetryPolicy policy) => new()
    {
        MaxAttempts = policy.MaxAttempts,
        InitialDelaySeconds = JsonSeconds.Of(policy.InitialDelay),
        MaxDelaySeconds = JsonSeconds.Of(policy.MaxDelay),
        UseJitter = policy.UseJitter,
        RetryOnExitCodes = [.. policy.RetryOnExitCodes],
        RetryOnOutput = [.. policy.RetryOnOutput],
        RetryOnTimeout = policy.RetryOnTimeout,
    };

    public RetryPolicy ToModel() => new()
    {
        MaxAttempts = MaxAttempts,
        InitialDelay = TimeSpan.FromSeconds(InitialDelaySeconds),
        MaxDelay = TimeSpan.FromSeconds(MaxDelaySeconds),
        UseJitter = UseJitter,
        RetryOnExitCodes = RetryOnExitCodes,
        RetryOnOutput = RetryOnOutput,
        RetryOnTimeout = RetryOnTimeout,
    };
}

/// <summary>One leg.</summary>
internal sealed record JsonLeg
{
    [JsonRequired] public required string Id { get; init; }

    [JsonRequired] public required string Name { get; init; }

    public IReadOnlyDictionary<string, string> Parameters { get; init; } = ReadOnlyDictionary<string, string>.Empty;

    [JsonRequired] public required LegStatus Status { get; init; }

    public double DurationSeconds { get; init; }

    public int? ExitCode { get; init; }

    public string? Signal { get; init; }

    public string? FailureReason { get; init; }

    public string? LogFile { get; init; }

    public string? ImageId { get; init; }

    public IReadOnlyList<string> Tags { get; init; } = [];

    public IReadOnlyList<string> Remarks { get; init; } = [];

    public IReadOnlyList<string> OutputTail { get; init; } = [];

    public IReadOnlyList<JsonAttempt> Attempts { get; init; } = [];

    /// <summary>Added in 0.2.0: the engine of the leg's last attempt; absent when the run had no endpoints.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Endpoint { get; init; }

    /// <summary>Added in 0.2.0: the digest of each pushed tag, by tag; absent when nothing was pushed.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, string>? PushedDigests { get; init; }

    /// <summary>Added in 0.2.0: a docker build leg's inputs hash; absent for other legs and in earlier reports.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? InputsHash { get; init; }
    /// <summary>Added in 0.2.0: the shard that ran the leg; absent in earlier reports, which read as null.</summary>
    public string? Shard { get; init; }

    /// <summary>Added in 0.2.0: the machine that ran the leg, in merged reports; absent in earlier reports, which read as null.</summary>
    public string? Host { get; init; }

    /// <summary>Added in 0.2.0: the leg's expected duration from history; absent in earlier reports, which read as null.</summary>
    public double? ExpectedDurationSeconds { get; init; }

    /// <summary>Added in 0.2.0: the stable ids of the legs this leg needed; absent when it needed none.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Needs { get; init; }

    /// <summary>Added in 0.2.0: seconds from the run's start until the leg's needs were done; absent when it needed none.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? NeedsWaitSeconds { get; init; }

    /// <summary>The leg as written; its lists are the result's own (both are immutable), not copies.</summary>
    public static JsonLeg From(LegResult leg) => new()
    {
        Id = leg.Id,
        Name = leg.Name,
        Parameters = leg.Parameters,
        Status = leg.Status,
        DurationSeconds = JsonSeconds.Of(leg.Duration),
        ExitCode = leg.ExitCode,
        Signal = leg.Signal,
        FailureReason = leg.FailureReason,
        LogFile = leg.LogFile,
        ImageId = leg.ImageId,
        Tags = leg.Tags,
        Remarks = leg.Remarks,
        OutputTail = leg.OutputTail,
        Attempts = JsonAttempt.AllOf(leg.Attempts),
        Endpoint = leg.Endpoint,
        PushedDigests = leg.PushedDigests.Count == 0 ? null : leg.PushedDigests,
        InputsHash = leg.InputsHash,
        Shard = leg.Shard?.ToString(),
        Host = leg.Host,
        ExpectedDurationSeconds = JsonSeconds.Of(leg.ExpectedDuration),
        Needs = leg.Needs.Count == 0 ? null : leg.Needs,
        NeedsWaitSeconds = JsonSeconds.Of(leg.NeedsWait),
    };

    public LegResult ToModel() => new()
    {
        Id = Id,
        Name = Name,
        Parameters = Parameters,
        Status = Status,
        Duration = TimeSpan.FromSeconds(DurationSeconds),
        ExitCode = ExitCode,
        Signal = Signal,
        FailureReason = FailureReason,
        LogFile = LogFile,
        ImageId = ImageId,
        Tags = Tags,
        Remarks = Remarks,
        OutputTail = OutputTail,
        Attempts = [.. Attempts.Select(a => a.ToModel())],
        Endpoint = Endpoint,
        PushedDigests = PushedDigests ?? ReadOnlyDictionary<string, string>.Empty,
        InputsHash = InputsHash,
        Shard = JsonShard.Read(Shard),
        Host = Host,
        ExpectedDuration = JsonSeconds.Time(ExpectedDurationSeconds),
        Needs = Needs ?? [],
        NeedsWait = JsonSeconds.Time(NeedsWaitSeconds),
    };
}

/// <summary>One attempt of a leg.</summary>
internal sealed record JsonAttempt
{
    public int Number { get; init; }

    public DateTimeOffset StartedAt { get; init; }

    public double DurationSeconds { get; init; }

    public int? ExitCode { get; init; }

    public string? Signal { get; init; }

    public AttemptOutcome Outcome { get; init; }

    public string? Detail { get; init; }

    public JsonRetryDecision Retry { get; init; } = new();

    /// <summary>Added in 0.2.0: the engine the attempt ran on; absent when the run had no endpoints.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Endpoint { get; init; }

    /// <summary>Added in 0.2.0: true when the attempt ended because its engine went away; absent otherwise.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? EndpointLost { get; init; }
    /// <summary>Added in 0.2.0 (schema version 1 still): absent in earlier reports, which read as 0.</summary>
    public double AdmissionWaitSeconds { get; init; }

    /// <summary>Each of <paramref name="attempts"/> as written.</summary>
    public static JsonAttempt[] AllOf(IReadOnlyList<AttemptRecord> attempts)
    {
        var all = new JsonAttempt[attempts.Count];
        for (var i = 0; i < all.Length; i++)
        {
            all[i] = From(attempts[i]);
        }

        return all;
    }

    public static JsonAttempt From(AttemptRecord attempt) => new()
    {
        AdmissionWaitSeconds = JsonSeconds.Of(attempt.AdmissionWait),
        Number = attempt.Number,
        StartedAt = attempt.StartedAt,
        DurationSeconds = JsonSeconds.Of(attempt.Duration),
        ExitCode = attempt.ExitCode,
        Signal = attempt.Signal,
        Outcome = attempt.Outcome,
        Detail = attempt.Detail,
        Retry = new JsonRetryDecision { WillRetry = attempt.Decision.WillRetry, Reason = attempt.Decision.Reason, DelaySeconds = JsonSeconds.Of(attempt.Decision.Delay) },
        Endpoint = attempt.Endpoint,
        EndpointLost = attempt.EndpointLost ? true : null,
    };

    public AttemptRecord ToModel() => new(
        Number,
        StartedAt,
        TimeSpan.FromSeconds(DurationSeconds),
        ExitCode,
        Signal,
        Outcome,
        new RetryDecision(Retry.WillRetry, Retry.Reason, JsonSeconds.Time(Retry.DelaySeconds)),
        Detail)
    {
        Endpoint = Endpoint,
        EndpointLost = EndpointLost == true,
        AdmissionWait = TimeSpan.FromSeconds(AdmissionWaitSeconds),
    };
}

/// <summary>Whether an attempt was retried, and why.</summary>
internal sealed record JsonRetryDecision
{
    public bool WillRetry { get; init; }

    public string Reason { get; init; } = "";

    public double? DelaySeconds { get; init; }
}

/// <summary>One event of a run's background service (start failure, death while legs ran, ready, stopped).</summary>
internal sealed record JsonServiceEvent
{
    public string Service { get; init; } = "";

    public ServiceEventKind Kind { get; init; }

    public DateTimeOffset Timestamp { get; init; }

    public string Message { get; init; } = "";

    public string? Code { get; init; }

    public int? ExitCode { get; init; }

    public string? Signal { get; init; }

    public string? LastProbeError { get; init; }

    public string? LogFile { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool FailsRun { get; init; }

    public List<string> OutputTail { get; init; } = [];

    public static JsonServiceEvent From(ServiceEvent e) => new()
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
        FailsRun = e.FailsRun,
        OutputTail = [.. e.OutputTail],
    };

    public ServiceEvent ToModel() => new(Service, Kind, Timestamp, Message)
    {
        Code = Code,
        ExitCode = ExitCode,
        Signal = Signal,
        LastProbeError = LastProbeError,
        LogFile = LogFile,
        FailsRun = FailsRun,
        OutputTail = OutputTail,
    };
}

/// <summary>Durations as the report writes them: seconds, millisecond precision (enough for people and CI, and stable in a round trip).</summary>
internal static class JsonSeconds
{
    public static double Of(TimeSpan duration) => Math.Round(duration.TotalSeconds, 3);

    public static double? Of(TimeSpan? duration) => duration is { } d ? Of(d) : null;

    public static TimeSpan? Time(double? seconds) => seconds is { } s ? TimeSpan.FromSeconds(s) : null;
}

/// <summary>
/// A list whose items are made from another list's as they are read: the report of a run of thousands of legs
/// is written without first holding a second copy of every leg in the report's own shape.
/// </summary>
internal sealed class ProjectedList<TSource, T>(IReadOnlyList<TSource> source, Func<TSource, T> project) : IReadOnlyList<T>
{
    public int Count => source.Count;

    public T this[int index] => project(source[index]);

    public IEnumerator<T> GetEnumerator()
    {
        foreach (var item in source)
        {
            yield return project(item);
        }
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>Enumerations as camelCase strings; numbers are refused.</summary>
internal sealed class CamelCaseEnumConverter<TEnum>() : JsonStringEnumConverter<TEnum>(JsonNamingPolicy.CamelCase, allowIntegerValues: false)
    where TEnum : struct, Enum;

/// <summary>The report's serializer, generated at compile time from the records above.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    RespectNullableAnnotations = true,
    Converters = [typeof(CamelCaseEnumConverter<LegStatus>), typeof(CamelCaseEnumConverter<AttemptOutcome>), typeof(CamelCaseEnumConverter<ServiceEventKind>), typeof(CamelCaseEnumConverter<PublishOutcome>)])]
[JsonSerializable(typeof(JsonReportDocument))]
internal sealed partial class JsonReportContext : JsonSerializerContext;
