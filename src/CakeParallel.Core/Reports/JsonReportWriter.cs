using System.Globalization;
using System.Text.Json;
using CakeParallel.Model;
using CakeParallel.Scheduling;

namespace CakeParallel.Reports;

/// <summary>
/// Writes the JSON report's records as their serializers would, byte for byte (tests hold them equal for every
/// field): the whole document as <see cref="JsonReportContext"/> writes it, and a leg as either that context or
/// <see cref="JsonJournalContext"/> (through <see cref="JournalLineWriter"/>) writes it. Property order, camelCase
/// names and enum values, and which nulls are left out follow the records' attributes and each context's options.
/// The contexts still read reports and journals back; writing them here skips the serializer's metadata, whose first
/// use costs a process about 3 MB and 100 ms of CPU (hundreds of generic methods compiled).
/// </summary>
internal static class JsonReportWriter
{
    /// <summary>The options of <see cref="JsonReportContext"/>'s writer: indented, the default encoder.</summary>
    public static readonly JsonWriterOptions ReportOptions = new() { Indented = true };

    /// <summary>Pending bytes after which a leg's end hands the report on to the writer's output (about as often as the serializer's stream writer did).</summary>
    private const int FlushThreshold = 16 * 1024;

    private static readonly JsonEncodedText[] LegStatusTexts = EnumTexts(typeof(LegStatus));
    private static readonly JsonEncodedText[] AttemptOutcomeTexts = EnumTexts(typeof(AttemptOutcome));
    private static readonly JsonEncodedText[] ServiceEventKindTexts = EnumTexts(typeof(ServiceEventKind));
    private static readonly JsonEncodedText[] PublishOutcomeTexts = EnumTexts(typeof(PublishOutcome));

    /// <summary>Writes <paramref name="document"/>, flushing <paramref name="writer"/> between legs so a large report is never held whole.</summary>
    public static void WriteDocument(Utf8JsonWriter writer, JsonReportDocument document)
    {
        const JsonNulls nulls = JsonNulls.Written;
        writer.WriteStartObject();
        writer.WriteNumber(JsonPropertyNames.SchemaVersion, document.SchemaVersion);
        if (document.Tool is { } tool)
        {
            writer.WriteStartObject(JsonPropertyNames.Tool);
            writer.WriteString(JsonPropertyNames.Name, tool.Name);
            writer.WriteString(JsonPropertyNames.Version, tool.Version);
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteNull(JsonPropertyNames.Tool);
        }

        writer.WriteString(JsonPropertyNames.RunId, document.RunId);
        writer.WriteString(JsonPropertyNames.Host, document.Host);
        writer.WriteString(JsonPropertyNames.StartedAt, document.StartedAt);
        writer.WriteString(JsonPropertyNames.EndedAt, document.EndedAt);
        writer.WriteNumber(JsonPropertyNames.DurationSeconds, document.DurationSeconds);
        writer.WriteBoolean(JsonPropertyNames.Succeeded, document.Succeeded);
        writer.WriteBoolean(JsonPropertyNames.WasCancelled, document.WasCancelled);
        if (document.Settings is { } settings)
        {
            writer.WritePropertyName(JsonPropertyNames.Settings);
            WriteSettings(writer, settings);
        }
        else
        {
            writer.WriteNull(JsonPropertyNames.Settings);
        }

        writer.WriteStartObject(JsonPropertyNames.Counts);
        foreach (var (status, count) in document.Counts)
        {
            writer.WriteNumber(status, count);
        }

        writer.WriteEndObject();
        writer.WriteStartArray(JsonPropertyNames.Legs);
        foreach (var leg in document.Legs)
        {
            WriteLeg(writer, leg, nulls);
            if (writer.BytesPending >= FlushThreshold)
            {
                writer.Flush();
            }

            YoungGenerationBound.Check();
        }

        writer.WriteEndArray();
        writer.WriteStartArray(JsonPropertyNames.Services);
        foreach (var serviceEvent in document.ServiceEvents)
        {
            WriteServiceEvent(writer, serviceEvent);
        }

        writer.WriteEndArray();
        WriteString(writer, JsonPropertyNames.Shard, document.Shard, nulls);
        if (document.Matrix is { } matrix)
        {
            writer.WritePropertyName(JsonPropertyNames.Matrix);
            WriteMatrix(writer, matrix);
        }
        else
        {
            writer.WriteNull(JsonPropertyNames.Matrix);
        }

        if (document.Publish is { } publish)
        {
            writer.WritePropertyName(JsonPropertyNames.Publish);
            WritePublish(writer, publish);
        }

        if (document.Warnings is { } warnings)
        {
            writer.WriteStartArray(JsonPropertyNames.Warnings);
            foreach (var warning in warnings)
            {
                writer.WriteStartObject();
                writer.WriteString(JsonPropertyNames.Code, warning.Code);
                WriteString(writer, JsonPropertyNames.Leg, warning.Leg, JsonNulls.Omitted);
                writer.WriteString(JsonPropertyNames.Field, warning.Field);
                writer.WriteString(JsonPropertyNames.Message, warning.Message);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    /// <summary>Writes <paramref name="leg"/> (the report's and the journal's legs), with its nulls as the caller's context has them.</summary>
    public static void WriteLeg(Utf8JsonWriter writer, JsonLeg leg, JsonNulls nulls)
    {
        writer.WriteStartObject();
        writer.WriteString(JsonPropertyNames.Id, leg.Id);
        writer.WriteString(JsonPropertyNames.Name, leg.Name);
        WriteMap(writer, JsonPropertyNames.Parameters, leg.Parameters);
        writer.WriteString(JsonPropertyNames.Status, LegStatusTexts[(int)leg.Status]);
        writer.WriteNumber(JsonPropertyNames.DurationSeconds, leg.DurationSeconds);
        WriteNumber(writer, JsonPropertyNames.ExitCode, leg.ExitCode, nulls);
        WriteString(writer, JsonPropertyNames.Signal, leg.Signal, nulls);
        WriteString(writer, JsonPropertyNames.FailureReason, leg.FailureReason, nulls);
        WriteString(writer, JsonPropertyNames.LogFile, leg.LogFile, nulls);
        WriteString(writer, JsonPropertyNames.ImageId, leg.ImageId, nulls);
        WriteList(writer, JsonPropertyNames.Tags, leg.Tags);
        WriteList(writer, JsonPropertyNames.Remarks, leg.Remarks);
        WriteList(writer, JsonPropertyNames.OutputTail, leg.OutputTail);
        writer.WriteStartArray(JsonPropertyNames.Attempts);
        for (var i = 0; i < leg.Attempts.Count; i++)
        {
            WriteAttempt(writer, leg.Attempts[i], nulls);
        }

        writer.WriteEndArray();
        WriteString(writer, JsonPropertyNames.Endpoint, leg.Endpoint, JsonNulls.Omitted);
        if (leg.PushedDigests is not null)
        {
            WriteMap(writer, JsonPropertyNames.PushedDigests, leg.PushedDigests);
        }

        WriteString(writer, JsonPropertyNames.InputsHash, leg.InputsHash, JsonNulls.Omitted);
        WriteString(writer, JsonPropertyNames.Shard, leg.Shard, nulls);
        WriteString(writer, JsonPropertyNames.Host, leg.Host, nulls);
        WriteNumber(writer, JsonPropertyNames.ExpectedDurationSeconds, leg.ExpectedDurationSeconds, nulls);
        if (leg.Needs is not null)
        {
            WriteList(writer, JsonPropertyNames.Needs, leg.Needs);
        }

        WriteNumber(writer, JsonPropertyNames.NeedsWaitSeconds, leg.NeedsWaitSeconds, JsonNulls.Omitted);
        writer.WriteEndObject();
    }

    /// <summary>Writes <paramref name="value"/> as a string, or a null as <paramref name="nulls"/> says.</summary>
    public static void WriteString(Utf8JsonWriter writer, JsonEncodedText name, string? value, JsonNulls nulls)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
        else if (nulls == JsonNulls.Written)
        {
            writer.WriteNull(name);
        }
    }

    /// <summary>Writes <paramref name="value"/> as an ISO 8601 time, or a null as <paramref name="nulls"/> says.</summary>
    public static void WriteString(Utf8JsonWriter writer, JsonEncodedText name, DateTimeOffset? value, JsonNulls nulls)
    {
        if (value is { } time)
        {
            writer.WriteString(name, time);
        }
        else if (nulls == JsonNulls.Written)
        {
            writer.WriteNull(name);
        }
    }

    private static void WriteAttempt(Utf8JsonWriter writer, JsonAttempt attempt, JsonNulls nulls)
    {
        writer.WriteStartObject();
        writer.WriteNumber(JsonPropertyNames.Number, attempt.Number);
        writer.WriteString(JsonPropertyNames.StartedAt, attempt.StartedAt);
        writer.WriteNumber(JsonPropertyNames.DurationSeconds, attempt.DurationSeconds);
        WriteNumber(writer, JsonPropertyNames.ExitCode, attempt.ExitCode, nulls);
        WriteString(writer, JsonPropertyNames.Signal, attempt.Signal, nulls);
        writer.WriteString(JsonPropertyNames.Outcome, AttemptOutcomeTexts[(int)attempt.Outcome]);
        WriteString(writer, JsonPropertyNames.Detail, attempt.Detail, nulls);
        writer.WriteStartObject(JsonPropertyNames.Retry);
        writer.WriteBoolean(JsonPropertyNames.WillRetry, attempt.Retry.WillRetry);
        writer.WriteString(JsonPropertyNames.Reason, attempt.Retry.Reason);
        WriteNumber(writer, JsonPropertyNames.DelaySeconds, attempt.Retry.DelaySeconds, nulls);
        writer.WriteEndObject();
        WriteString(writer, JsonPropertyNames.Endpoint, attempt.Endpoint, JsonNulls.Omitted);
        if (attempt.EndpointLost is { } lost)
        {
            writer.WriteBoolean(JsonPropertyNames.EndpointLost, lost);
        }

        writer.WriteNumber(JsonPropertyNames.AdmissionWaitSeconds, attempt.AdmissionWaitSeconds);
        writer.WriteEndObject();
    }

    private static void WriteSettings(Utf8JsonWriter writer, JsonSettings settings)
    {
        const JsonNulls nulls = JsonNulls.Written;
        writer.WriteStartObject();
        writer.WriteNumber(JsonPropertyNames.MaxParallel, settings.MaxParallel);
        writer.WriteBoolean(JsonPropertyNames.FailFast, settings.FailFast);
        WriteNumber(writer, JsonPropertyNames.TimeoutSeconds, settings.TimeoutSeconds, nulls);
        WriteNumber(writer, JsonPropertyNames.DeadlineSeconds, settings.DeadlineSeconds, nulls);
        writer.WriteString(JsonPropertyNames.Termination, settings.Termination);
        var retry = settings.Retry;
        writer.WriteStartObject(JsonPropertyNames.Retry);
        writer.WriteNumber(JsonPropertyNames.MaxAttempts, retry.MaxAttempts);
        writer.WriteNumber(JsonPropertyNames.InitialDelaySeconds, retry.InitialDelaySeconds);
        writer.WriteNumber(JsonPropertyNames.MaxDelaySeconds, retry.MaxDelaySeconds);
        writer.WriteBoolean(JsonPropertyNames.UseJitter, retry.UseJitter);
        writer.WriteStartArray(JsonPropertyNames.RetryOnExitCodes);
        foreach (var code in retry.RetryOnExitCodes)
        {
            writer.WriteNumberValue(code);
        }

        writer.WriteEndArray();
        WriteList(writer, JsonPropertyNames.RetryOnOutput, retry.RetryOnOutput);
        writer.WriteBoolean(JsonPropertyNames.RetryOnTimeout, retry.RetryOnTimeout);
        writer.WriteEndObject();
        writer.WriteBoolean(JsonPropertyNames.RetryVariesByLeg, settings.RetryVariesByLeg);
        if (settings.Endpoints is { } endpoints)
        {
            writer.WriteStartArray(JsonPropertyNames.Endpoints);
            foreach (var endpoint in endpoints)
            {
                writer.WriteStartObject();
                writer.WriteString(JsonPropertyNames.Name, endpoint.Name);
                writer.WriteNumber(JsonPropertyNames.MaxParallel, endpoint.MaxParallel);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    private static void WriteServiceEvent(Utf8JsonWriter writer, JsonServiceEvent serviceEvent)
    {
        const JsonNulls nulls = JsonNulls.Written;
        writer.WriteStartObject();
        writer.WriteString(JsonPropertyNames.Service, serviceEvent.Service);
        writer.WriteString(JsonPropertyNames.Kind, ServiceEventKindTexts[(int)serviceEvent.Kind]);
        writer.WriteString(JsonPropertyNames.Timestamp, serviceEvent.Timestamp);
        writer.WriteString(JsonPropertyNames.Message, serviceEvent.Message);
        WriteString(writer, JsonPropertyNames.Code, serviceEvent.Code, nulls);
        WriteNumber(writer, JsonPropertyNames.ExitCode, serviceEvent.ExitCode, nulls);
        WriteString(writer, JsonPropertyNames.Signal, serviceEvent.Signal, nulls);
        WriteString(writer, JsonPropertyNames.LastProbeError, serviceEvent.LastProbeError, nulls);
        WriteString(writer, JsonPropertyNames.LogFile, serviceEvent.LogFile, nulls);

        // Left out when false ([JsonIgnore(WhenWritingDefault)]).
        if (serviceEvent.FailsRun)
        {
            writer.WriteBoolean(JsonPropertyNames.FailsRun, true);
        }

        WriteList(writer, JsonPropertyNames.OutputTail, serviceEvent.OutputTail);
        writer.WriteEndObject();
    }

    private static void WriteMatrix(Utf8JsonWriter writer, JsonMatrix matrix)
    {
        writer.WriteStartObject();
        writer.WriteString(JsonPropertyNames.Fingerprint, matrix.Fingerprint);
        writer.WriteStartArray(JsonPropertyNames.Legs);
        foreach (var leg in matrix.Legs)
        {
            writer.WriteStartObject();
            writer.WriteString(JsonPropertyNames.Id, leg.Id);
            writer.WriteString(JsonPropertyNames.Name, leg.Name);
            WriteMap(writer, JsonPropertyNames.Parameters, leg.Parameters);
            WriteString(writer, JsonPropertyNames.Shard, leg.Shard, JsonNulls.Written);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WritePublish(Utf8JsonWriter writer, JsonPublish publish)
    {
        writer.WriteStartObject();
        writer.WriteString(JsonPropertyNames.Policy, publish.Policy);
        writer.WriteString(JsonPropertyNames.Outcome, PublishOutcomeTexts[(int)publish.Outcome]);
        writer.WriteStartArray(JsonPropertyNames.HeldBackBy);
        foreach (var holdBack in publish.HeldBackBy)
        {
            writer.WriteStartObject();
            writer.WriteString(JsonPropertyNames.Leg, holdBack.Leg);
            writer.WriteString(JsonPropertyNames.Status, LegStatusTexts[(int)holdBack.Status]);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartArray(JsonPropertyNames.Tags);
        foreach (var tag in publish.Tags)
        {
            writer.WriteStartObject();
            writer.WriteString(JsonPropertyNames.Tag, tag.Tag);
            writer.WriteString(JsonPropertyNames.Leg, tag.Leg);
            WriteString(writer, JsonPropertyNames.Digest, tag.Digest, JsonNulls.Written);
            writer.WriteBoolean(JsonPropertyNames.Written, tag.Written);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartArray(JsonPropertyNames.StagingTags);
        foreach (var staging in publish.StagingTags)
        {
            writer.WriteStartObject();
            writer.WriteString(JsonPropertyNames.Tag, staging.Tag);
            writer.WriteString(JsonPropertyNames.Digest, staging.Digest);
            writer.WriteBoolean(JsonPropertyNames.Removed, staging.Removed);
            WriteString(writer, JsonPropertyNames.Note, staging.Note, JsonNulls.Omitted);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        WriteString(writer, JsonPropertyNames.Code, publish.Code, JsonNulls.Omitted);
        WriteString(writer, JsonPropertyNames.Error, publish.Error, JsonNulls.Omitted);
        writer.WriteEndObject();
    }

    /// <summary>
    /// Each value of <paramref name="enumType"/> as <see cref="CamelCaseEnumConverter{TEnum}"/> writes it, encoded once
    /// (a leg's status is not a new string per leg), indexed by the value: the enums written count 0, 1, 2 and so on.
    /// </summary>
    private static JsonEncodedText[] EnumTexts(Type enumType)
    {
        var values = Enum.GetValuesAsUnderlyingType(enumType);
        var texts = new JsonEncodedText[values.Length];
        for (var i = 0; i < texts.Length; i++)
        {
            if (Convert.ToInt32(values.GetValue(i), CultureInfo.InvariantCulture) != i)
            {
                throw new InvalidOperationException($"{enumType.Name} does not count 0, 1, 2 and so on; its values cannot index their texts.");
            }

            texts[i] = JsonEncodedText.Encode(JsonNamingPolicy.CamelCase.ConvertName(Enum.GetName(enumType, i)!));
        }

        return texts;
    }

    private static void WriteMap(Utf8JsonWriter writer, JsonEncodedText name, IReadOnlyDictionary<string, string> map)
    {
        writer.WriteStartObject(name);
        if (map.Count > 0)
        {
            // Only when there is any: the map's enumerator is boxed.
            foreach (var (key, value) in map)
            {
                writer.WriteString(key, value);
            }
        }

        writer.WriteEndObject();
    }

    private static void WriteList(Utf8JsonWriter writer, JsonEncodedText name, IReadOnlyList<string> items)
    {
        writer.WriteStartArray(name);
        for (var i = 0; i < items.Count; i++)
        {
            writer.WriteStringValue(items[i]);
        }

        writer.WriteEndArray();
    }

    private static void WriteNumber(Utf8JsonWriter writer, JsonEncodedText name, int? value, JsonNulls nulls)
    {
        if (value is { } number)
        {
            writer.WriteNumber(name, number);
        }
        else if (nulls == JsonNulls.Written)
        {
            writer.WriteNull(name);
        }
    }

    private static void WriteNumber(Utf8JsonWriter writer, JsonEncodedText name, double? value, JsonNulls nulls)
    {
        if (value is { } number)
        {
            writer.WriteNumber(name, number);
        }
        else if (nulls == JsonNulls.Written)
        {
            writer.WriteNull(name);
        }
    }
}

/// <summary>
/// What a writer does with a null property that has no <c>[JsonIgnore]</c> of its own, as its context's
/// <c>DefaultIgnoreCondition</c> says: the report writes it (<c>Never</c>), the journal leaves it out (<c>WhenWritingNull</c>).
/// </summary>
internal enum JsonNulls
{
    /// <summary>Written as <c>null</c>.</summary>
    Written,

    /// <summary>Left out.</summary>
    Omitted,
}

/// <summary>The property names of the report's and the journal's records, encoded once (as the generated serializers have them).</summary>
internal static class JsonPropertyNames
{
    public static readonly JsonEncodedText AdmissionWaitSeconds = JsonEncodedText.Encode("admissionWaitSeconds");
    public static readonly JsonEncodedText Attempts = JsonEncodedText.Encode("attempts");
    public static readonly JsonEncodedText Code = JsonEncodedText.Encode("code");
    public static readonly JsonEncodedText Counts = JsonEncodedText.Encode("counts");
    public static readonly JsonEncodedText DeadlineSeconds = JsonEncodedText.Encode("deadlineSeconds");
    public static readonly JsonEncodedText DelaySeconds = JsonEncodedText.Encode("delaySeconds");
    public static readonly JsonEncodedText Detail = JsonEncodedText.Encode("detail");
    public static readonly JsonEncodedText Digest = JsonEncodedText.Encode("digest");
    public static readonly JsonEncodedText DurationSeconds = JsonEncodedText.Encode("durationSeconds");
    public static readonly JsonEncodedText EndedAt = JsonEncodedText.Encode("endedAt");
    public static readonly JsonEncodedText Endpoint = JsonEncodedText.Encode("endpoint");
    public static readonly JsonEncodedText EndpointLost = JsonEncodedText.Encode("endpointLost");
    public static readonly JsonEncodedText Endpoints = JsonEncodedText.Encode("endpoints");
    public static readonly JsonEncodedText Error = JsonEncodedText.Encode("error");
    public static readonly JsonEncodedText ExitCode = JsonEncodedText.Encode("exitCode");
    public static readonly JsonEncodedText ExpectedDurationSeconds = JsonEncodedText.Encode("expectedDurationSeconds");
    public static readonly JsonEncodedText FailFast = JsonEncodedText.Encode("failFast");
    public static readonly JsonEncodedText FailsRun = JsonEncodedText.Encode("failsRun");
    public static readonly JsonEncodedText FailureReason = JsonEncodedText.Encode("failureReason");
    public static readonly JsonEncodedText Field = JsonEncodedText.Encode("field");
    public static readonly JsonEncodedText Fingerprint = JsonEncodedText.Encode("fingerprint");
    public static readonly JsonEncodedText HeldBackBy = JsonEncodedText.Encode("heldBackBy");
    public static readonly JsonEncodedText Host = JsonEncodedText.Encode("host");
    public static readonly JsonEncodedText Id = JsonEncodedText.Encode("id");
    public static readonly JsonEncodedText ImageId = JsonEncodedText.Encode("imageId");
    public static readonly JsonEncodedText InitialDelaySeconds = JsonEncodedText.Encode("initialDelaySeconds");
    public static readonly JsonEncodedText InputsHash = JsonEncodedText.Encode("inputsHash");
    public static readonly JsonEncodedText Kind = JsonEncodedText.Encode("kind");
    public static readonly JsonEncodedText LastProbeError = JsonEncodedText.Encode("lastProbeError");
    public static readonly JsonEncodedText Leg = JsonEncodedText.Encode("leg");
    public static readonly JsonEncodedText Legs = JsonEncodedText.Encode("legs");
    public static readonly JsonEncodedText LogFile = JsonEncodedText.Encode("logFile");
    public static readonly JsonEncodedText Matrix = JsonEncodedText.Encode("matrix");
    public static readonly JsonEncodedText MaxAttempts = JsonEncodedText.Encode("maxAttempts");
    public static readonly JsonEncodedText MaxDelaySeconds = JsonEncodedText.Encode("maxDelaySeconds");
    public static readonly JsonEncodedText MaxParallel = JsonEncodedText.Encode("maxParallel");
    public static readonly JsonEncodedText Message = JsonEncodedText.Encode("message");
    public static readonly JsonEncodedText Name = JsonEncodedText.Encode("name");
    public static readonly JsonEncodedText Needs = JsonEncodedText.Encode("needs");
    public static readonly JsonEncodedText NeedsWaitSeconds = JsonEncodedText.Encode("needsWaitSeconds");
    public static readonly JsonEncodedText Note = JsonEncodedText.Encode("note");
    public static readonly JsonEncodedText Number = JsonEncodedText.Encode("number");
    public static readonly JsonEncodedText Outcome = JsonEncodedText.Encode("outcome");
    public static readonly JsonEncodedText OutputTail = JsonEncodedText.Encode("outputTail");
    public static readonly JsonEncodedText Parameters = JsonEncodedText.Encode("parameters");
    public static readonly JsonEncodedText Policy = JsonEncodedText.Encode("policy");
    public static readonly JsonEncodedText Publish = JsonEncodedText.Encode("publish");
    public static readonly JsonEncodedText PushedDigests = JsonEncodedText.Encode("pushedDigests");
    public static readonly JsonEncodedText Reason = JsonEncodedText.Encode("reason");
    public static readonly JsonEncodedText Remarks = JsonEncodedText.Encode("remarks");
    public static readonly JsonEncodedText Removed = JsonEncodedText.Encode("removed");
    public static readonly JsonEncodedText Retry = JsonEncodedText.Encode("retry");
    public static readonly JsonEncodedText RetryOnExitCodes = JsonEncodedText.Encode("retryOnExitCodes");
    public static readonly JsonEncodedText RetryOnOutput = JsonEncodedText.Encode("retryOnOutput");
    public static readonly JsonEncodedText RetryOnTimeout = JsonEncodedText.Encode("retryOnTimeout");
    public static readonly JsonEncodedText RetryVariesByLeg = JsonEncodedText.Encode("retryVariesByLeg");
    public static readonly JsonEncodedText RunId = JsonEncodedText.Encode("runId");
    public static readonly JsonEncodedText SchemaVersion = JsonEncodedText.Encode("schemaVersion");
    public static readonly JsonEncodedText Service = JsonEncodedText.Encode("service");
    public static readonly JsonEncodedText Services = JsonEncodedText.Encode("services");
    public static readonly JsonEncodedText Settings = JsonEncodedText.Encode("settings");
    public static readonly JsonEncodedText Shard = JsonEncodedText.Encode("shard");
    public static readonly JsonEncodedText Signal = JsonEncodedText.Encode("signal");
    public static readonly JsonEncodedText StagingTags = JsonEncodedText.Encode("stagingTags");
    public static readonly JsonEncodedText StartedAt = JsonEncodedText.Encode("startedAt");
    public static readonly JsonEncodedText Status = JsonEncodedText.Encode("status");
    public static readonly JsonEncodedText Succeeded = JsonEncodedText.Encode("succeeded");
    public static readonly JsonEncodedText Tag = JsonEncodedText.Encode("tag");
    public static readonly JsonEncodedText Tags = JsonEncodedText.Encode("tags");
    public static readonly JsonEncodedText Termination = JsonEncodedText.Encode("termination");
    public static readonly JsonEncodedText TimeoutSeconds = JsonEncodedText.Encode("timeoutSeconds");
    public static readonly JsonEncodedText Timestamp = JsonEncodedText.Encode("timestamp");
    public static readonly JsonEncodedText Tool = JsonEncodedText.Encode("tool");
    public static readonly JsonEncodedText UseJitter = JsonEncodedText.Encode("useJitter");
    public static readonly JsonEncodedText Version = JsonEncodedText.Encode("version");
    public static readonly JsonEncodedText Warnings = JsonEncodedText.Encode("warnings");
    public static readonly JsonEncodedText WasCancelled = JsonEncodedText.Encode("wasCancelled");
    public static readonly JsonEncodedText WillRetry = JsonEncodedText.Encode("willRetry");
    public static readonly JsonEncodedText Written = JsonEncodedText.Encode("written");
}
