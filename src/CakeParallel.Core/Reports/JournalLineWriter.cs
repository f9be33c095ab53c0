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
        WriteIfNotNull(writer, "runId", entry.RunId);
        WriteIfNotNull(writer, "host", entry.Host);
        if (entry.StartedAt is { } startedAt)
        {
            writer.WriteString("startedAt", startedAt);
        }

        if (entry.Leg is { } leg)
        {
            writer.WritePropertyName("leg");
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
        writer.WriteString("id", leg.Id);
        writer.WriteString("name", leg.Name);
        WriteMap(writer, "parameters", leg.Parameters);
        writer.WriteString("status", EnumText(leg.Status));
        writer.WriteNumber("durationSeconds", leg.DurationSeconds);
        WriteIfNotNull(writer, "exitCode", leg.ExitCode);
        WriteIfNotNull(writer, "signal", leg.Signal);
        WriteIfNotNull(writer, "failureReason", leg.FailureReason);
        WriteIfNotNull(writer, "logFile", leg.LogFile);
        WriteIfNotNull(writer, "imageId", leg.ImageId);
        WriteList(writer, "tags", leg.Tags);
        WriteList(writer, "remarks", leg.Remarks);
        WriteList(writer, "outputTail", leg.OutputTail);
        writer.WriteStartArray("attempts");
        foreach (var attempt in leg.Attempts)
        {
            WriteAttempt(writer, attempt);
        }

        writer.WriteEndArray();
        WriteIfNotNull(writer, "endpoint", leg.Endpoint);
        if (leg.PushedDigests is not null)
        {
            WriteMap(writer, "pushedDigests", leg.PushedDigests);
        }

        WriteIfNotNull(writer, "inputsHash", leg.InputsHash);
        WriteIfNotNull(writer, "shard", leg.Shard);
        WriteIfNotNull(writer, "host", leg.Host);
        WriteIfNotNull(writer, "expectedDurationSeconds", leg.ExpectedDurationSeconds);
        if (leg.Needs is not null)
        {
            WriteList(writer, "needs", leg.Needs);
        }

        WriteIfNotNull(writer, "needsWaitSeconds", leg.NeedsWaitSeconds);
        writer.WriteEndObject();
    }

    private static void WriteAttempt(Utf8JsonWriter writer, JsonAttempt attempt)
    {
        writer.WriteStartObject();
        writer.WriteNumber("number", attempt.Number);
        writer.WriteString("startedAt", attempt.StartedAt);
        writer.WriteNumber("durationSeconds", attempt.DurationSeconds);
        WriteIfNotNull(writer, "exitCode", attempt.ExitCode);
        WriteIfNotNull(writer, "signal", attempt.Signal);
        writer.WriteString("outcome", EnumText(attempt.Outcome));
        WriteIfNotNull(writer, "detail", attempt.Detail);
        writer.WriteStartObject("retry");
        writer.WriteBoolean("willRetry", attempt.Retry.WillRetry);
        writer.WriteString("reason", attempt.Retry.Reason);
        WriteIfNotNull(writer, "delaySeconds", attempt.Retry.DelaySeconds);
        writer.WriteEndObject();
        WriteIfNotNull(writer, "endpoint", attempt.Endpoint);
        if (attempt.EndpointLost is { } lost)
        {
            writer.WriteBoolean("endpointLost", lost);
        }

        writer.WriteNumber("admissionWaitSeconds", attempt.AdmissionWaitSeconds);
        writer.WriteEndObject();
    }

    /// <summary>An enum value as <see cref="CamelCaseEnumConverter{TEnum}"/> writes it.</summary>
    private static string EnumText(Enum value) =>
        JsonNamingPolicy.CamelCase.ConvertName(value.ToString());

    private static void WriteMap(Utf8JsonWriter writer, string name, Dictionary<string, string> map)
    {
        writer.WriteStartObject(name);
        foreach (var (key, value) in map)
        {
            writer.WriteString(key, value);
        }

        writer.WriteEndObject();
    }

    private static void WriteList(Utf8JsonWriter writer, string name, List<string> items)
    {
        writer.WriteStartArray(name);
        foreach (var item in items)
        {
            writer.WriteStringValue(item);
        }

        writer.WriteEndArray();
    }

    private static void WriteIfNotNull(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    private static void WriteIfNotNull(Utf8JsonWriter writer, string name, int? value)
    {
        if (value is { } number)
        {
            writer.WriteNumber(name, number);
        }
    }

    private static void WriteIfNotNull(Utf8JsonWriter writer, string name, double? value)
    {
        if (value is { } number)
        {
            writer.WriteNumber(name, number);
        }
    }
}
