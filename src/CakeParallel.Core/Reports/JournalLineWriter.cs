using System.Buffers;
using System.Text.Json;

namespace CakeParallel.Reports;

/// <summary>
/// Writes journal lines as <see cref="JsonJournalContext"/> would, byte for byte (a test holds the two equal for every
/// field): property order, camelCase names and enum values, nulls left out; the leg is written by
/// <see cref="JsonReportWriter"/>, as in the report. The context still reads the journal back; writing it here skips
/// the serializer's metadata for the leg records, whose first use costs a process about 100 ms of CPU (some 600
/// generic methods compiled), and that while its first legs need the CPU. One buffer serves every line, so a line
/// makes no garbage of its own; not for concurrent use.
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
        JsonReportWriter.WriteString(writer, JsonPropertyNames.RunId, entry.RunId, JsonNulls.Omitted);
        JsonReportWriter.WriteString(writer, JsonPropertyNames.Host, entry.Host, JsonNulls.Omitted);
        JsonReportWriter.WriteString(writer, JsonPropertyNames.StartedAt, entry.StartedAt, JsonNulls.Omitted);
        if (entry.Leg is { } leg)
        {
            writer.WritePropertyName(JsonPropertyNames.Leg);
            JsonReportWriter.WriteLeg(writer, leg, JsonNulls.Omitted);
        }

        writer.WriteEndObject();
        writer.Flush();
        _buffer.GetSpan(1)[0] = (byte)'\n';
        _buffer.Advance(1);
        return _buffer.WrittenSpan;
    }

    public void Dispose() => _writer.Dispose();
}
