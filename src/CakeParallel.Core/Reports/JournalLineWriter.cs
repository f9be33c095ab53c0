using System.Buffers;
using System.Text.Json;

namespace CakeParallel.Reports;

/// <summary>
/// Writes journal lines as <see cref="JsonJournalContext"/> would, byte for byte (a test holds the two equal for every
/// field): property order, camelCase names and enum values, nulls left out. The context still reads the journal back;
/// writing it here skips the serializer's metadata for the leg records, whose first use costs a process about 100 ms
/// of CPU (some 600 generic methods compiled), and that while its first legs need the CPU. One buffer serves every
/// line, so a line makes no garbage of its own; not for concurrent use.
/// </summary>
internal sealed class JournalLineWriter : IDisposable
{
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private readonly Utf8JsonWriter _writer;

    public JournalLineWriter() => _writer = new Utf8JsonWriter(_buffer);

    /// <summary>The UTF-8 bytes of <paramref name="entry"/> as one JSON line, ending with <c>\n</c>; valid until the next call.</summary>
    public ReadOnlySpan<byte> Line(JsonJournalEntry entry)
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        var writer = _writer;
        writer.WriteStartObject();
        WriteIfNotNull(writer, Names.RunId, entry.RunId);
        WriteIfNotNull(writer, Names.Host, entry.Host);
        if (entry.StartedAt is { } startedAt)
        {
            writer.WriteString(Names.StartedAt, startedAt);
        }

        if (entry.Leg is { } leg)
        {
            writer.WritePropertyName(Names.Leg);
            WriteLeg(writer, leg);
        }

        writer.WriteEndObject();
        writer.Flush();
        _buffer.GetSpan(1)[0] = (byte)'\n';
        _buffer.Advance(1);
        return _buffer.WrittenSpan;
    }

    public void Dispose() => _writer.Dispose();

    private static void WriteLeg(Utf8JsonWriter writer, JsonLeg leg)
    {
        writer.WriteStartObject();
        writer.WriteString(Names.Id, leg.Id);
        writer.WriteString(Names.Name, leg.Name);
        WriteMap(writer, Names.Parameters, leg.Parameters);
        writer.WriteString(Names.Status, EnumText(leg.Status));
        writer.WriteNumber(Names.DurationSeconds, leg.DurationSeconds);
        WriteIfNotNull(writer, Names.ExitCode, leg.ExitCode);
        WriteIfNotNull(writer, Names.Signal, leg.Signal);
        WriteIfNotNull(writer, Names.FailureReason, leg.FailureReason);
        WriteIfNotNull(writer, Names.LogFile, leg.LogFile);
        WriteIfNotNull(writer, Names.ImageId, leg.ImageId);
        WriteList(writer, Names.Tags, leg.Tags);
        WriteList(writer, Names.Remarks, leg.Remarks);
        WriteList(writer, Names.OutputTail, leg.OutputTail);
        writer.WriteStartArray(Names.Attempts);
        foreach (var attempt in leg.Attempts)
        {
            WriteAttempt(writer, attempt);
        }

        writer.WriteEndArray();
        WriteIfNotNull(writer, Names.Endpoint, leg.Endpoint);
        if (leg.PushedDigests is not null)
        {
            WriteMap(writer, Names.PushedDigests, leg.PushedDigests);
        }

        WriteIfNotNull(writer, Names.InputsHash, leg.InputsHash);
        WriteIfNotNull(writer, Names.Shard, leg.Shard);
        WriteIfNotNull(writer, Names.Host, leg.Host);
        WriteIfNotNull(writer, Names.ExpectedDurationSeconds, leg.ExpectedDurationSeconds);
        if (leg.Needs is not null)
        {
            WriteList(writer, Names.Needs, leg.Needs);
        }

        WriteIfNotNull(writer, Names.NeedsWaitSeconds, leg.NeedsWaitSeconds);
        writer.WriteEndObject();
    }

    private static void WriteAttempt(Utf8JsonWriter writer, JsonAttempt attempt)
    {
        writer.WriteStartObject();
        writer.WriteNumber(Names.Number, attempt.Number);
        writer.WriteString(Names.StartedAt, attempt.StartedAt);
        writer.WriteNumber(Names.DurationSeconds, attempt.DurationSeconds);
        WriteIfNotNull(writer, Names.ExitCode, attempt.ExitCode);
        WriteIfNotNull(writer, Names.Signal, attempt.Signal);
        writer.WriteString(Names.Outcome, EnumText(attempt.Outcome));
        WriteIfNotNull(writer, Names.Detail, attempt.Detail);
        writer.WriteStartObject(Names.Retry);
        writer.WriteBoolean(Names.WillRetry, attempt.Retry.WillRetry);
        writer.WriteString(Names.Reason, attempt.Retry.Reason);
        WriteIfNotNull(writer, Names.DelaySeconds, attempt.Retry.DelaySeconds);
        writer.WriteEndObject();
        WriteIfNotNull(writer, Names.Endpoint, attempt.Endpoint);
        if (attempt.EndpointLost is { } lost)
        {
            writer.WriteBoolean(Names.EndpointLost, lost);
        }

        writer.WriteNumber(Names.AdmissionWaitSeconds, attempt.AdmissionWaitSeconds);
        writer.WriteEndObject();
    }

    /// <summary>An enum value as <see cref="CamelCaseEnumConverter{TEnum}"/> writes it.</summary>
    private static string EnumText(Enum value) =>
        JsonNamingPolicy.CamelCase.ConvertName(value.ToString());

    private static void WriteMap(Utf8JsonWriter writer, JsonEncodedText name, Dictionary<string, string> map)
    {
        writer.WriteStartObject(name);
        foreach (var (key, value) in map)
        {
            writer.WriteString(key, value);
        }

        writer.WriteEndObject();
    }

    private static void WriteList(Utf8JsonWriter writer, JsonEncodedText name, List<string> items)
    {
        writer.WriteStartArray(name);
        foreach (var item in items)
        {
            writer.WriteStringValue(item);
        }

        writer.WriteEndArray();
    }

    private static void WriteIfNotNull(Utf8JsonWriter writer, JsonEncodedText name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    private static void WriteIfNotNull(Utf8JsonWriter writer, JsonEncodedText name, int? value)
    {
        if (value is { } number)
        {
            writer.WriteNumber(name, number);
        }
    }

    private static void WriteIfNotNull(Utf8JsonWriter writer, JsonEncodedText name, double? value)
    {
        if (value is { } number)
        {
            writer.WriteNumber(name, number);
        }
    }

    /// <summary>The property names, encoded once (as the generated serializer has them).</summary>
    private static class Names
    {
        public static readonly JsonEncodedText AdmissionWaitSeconds = JsonEncodedText.Encode("admissionWaitSeconds");
        public static readonly JsonEncodedText Attempts = JsonEncodedText.Encode("attempts");
        public static readonly JsonEncodedText DelaySeconds = JsonEncodedText.Encode("delaySeconds");
        public static readonly JsonEncodedText Detail = JsonEncodedText.Encode("detail");
        public static readonly JsonEncodedText DurationSeconds = JsonEncodedText.Encode("durationSeconds");
        public static readonly JsonEncodedText Endpoint = JsonEncodedText.Encode("endpoint");
        public static readonly JsonEncodedText EndpointLost = JsonEncodedText.Encode("endpointLost");
        public static readonly JsonEncodedText ExitCode = JsonEncodedText.Encode("exitCode");
        public static readonly JsonEncodedText ExpectedDurationSeconds = JsonEncodedText.Encode("expectedDurationSeconds");
        public static readonly JsonEncodedText FailureReason = JsonEncodedText.Encode("failureReason");
        public static readonly JsonEncodedText Host = JsonEncodedText.Encode("host");
        public static readonly JsonEncodedText Id = JsonEncodedText.Encode("id");
        public static readonly JsonEncodedText ImageId = JsonEncodedText.Encode("imageId");
        public static readonly JsonEncodedText InputsHash = JsonEncodedText.Encode("inputsHash");
        public static readonly JsonEncodedText Leg = JsonEncodedText.Encode("leg");
        public static readonly JsonEncodedText LogFile = JsonEncodedText.Encode("logFile");
        public static readonly JsonEncodedText Name = JsonEncodedText.Encode("name");
        public static readonly JsonEncodedText Needs = JsonEncodedText.Encode("needs");
        public static readonly JsonEncodedText NeedsWaitSeconds = JsonEncodedText.Encode("needsWaitSeconds");
        public static readonly JsonEncodedText Number = JsonEncodedText.Encode("number");
        public static readonly JsonEncodedText Outcome = JsonEncodedText.Encode("outcome");
        public static readonly JsonEncodedText OutputTail = JsonEncodedText.Encode("outputTail");
        public static readonly JsonEncodedText Parameters = JsonEncodedText.Encode("parameters");
        public static readonly JsonEncodedText PushedDigests = JsonEncodedText.Encode("pushedDigests");
        public static readonly JsonEncodedText Reason = JsonEncodedText.Encode("reason");
        public static readonly JsonEncodedText Remarks = JsonEncodedText.Encode("remarks");
        public static readonly JsonEncodedText Retry = JsonEncodedText.Encode("retry");
        public static readonly JsonEncodedText RunId = JsonEncodedText.Encode("runId");
        public static readonly JsonEncodedText Shard = JsonEncodedText.Encode("shard");
        public static readonly JsonEncodedText Signal = JsonEncodedText.Encode("signal");
        public static readonly JsonEncodedText StartedAt = JsonEncodedText.Encode("startedAt");
        public static readonly JsonEncodedText Status = JsonEncodedText.Encode("status");
        public static readonly JsonEncodedText Tags = JsonEncodedText.Encode("tags");
        public static readonly JsonEncodedText WillRetry = JsonEncodedText.Encode("willRetry");
    }
}
