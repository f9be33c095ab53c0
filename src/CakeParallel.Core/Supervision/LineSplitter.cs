using System.Buffers;
using System.Text;

namespace CakeParallel.Supervision;

/// <summary>
/// Reads a pipe to its end and hands out complete lines. A line longer than the limit is split (at a UTF-8
/// character boundary) instead of being buffered without bound; invalid UTF-8 decodes to U+FFFD.
/// </summary>
internal static class LineSplitter
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    public static async Task PumpAsync(Stream source, int maxLineBytes, Action<string> onLine, CancellationToken cancellationToken)
    {
        var capacity = Math.Max(maxLineBytes, 64);
        var buffer = ArrayPool<byte>.Shared.Rent(capacity);
        try
        {
            var filled = 0;
            var scanned = 0;
            while (true)
            {
                var read = await source.ReadAsync(buffer.AsMemory(filled, capacity - filled), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    if (filled > 0)
                    {
                        onLine(Decode(buffer.AsSpan(0, filled)));
                    }

                    return;
                }

                filled += read;
                var start = 0;
                var newline = buffer.AsSpan(scanned, filled - scanned).IndexOf((byte)'\n');
                while (newline >= 0)
                {
                    var end = scanned + newline;
                    onLine(Decode(buffer.AsSpan(start, end - start)));
                    start = end + 1;
                    scanned = start;
                    newline = buffer.AsSpan(scanned, filled - scanned).IndexOf((byte)'\n');
                }

                if (start == 0 && filled == capacity)
                {
                    // A full buffer with no newline: emit it as a line of its own, cut where no character is split.
                    var cut = Utf8Boundary(buffer.AsSpan(0, filled));
                    onLine(Decode(buffer.AsSpan(0, cut)));
                    start = cut;
                }

                if (start > 0)
                {
                    Buffer.BlockCopy(buffer, start, buffer, 0, filled - start);
                    filled -= start;
                }

                scanned = filled;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static string Decode(ReadOnlySpan<byte> line)
    {
        if (line.Length > 0 && line[^1] == (byte)'\r')
        {
            line = line[..^1];
        }

        return line.Length == 0 ? string.Empty : Utf8.GetString(line);
    }

    /// <summary>The largest cut ≤ length that does not split a UTF-8 sequence (falls back to length for invalid data).</summary>
    private static int Utf8Boundary(ReadOnlySpan<byte> data)
    {
        for (var back = 0; back < 4 && back < data.Length; back++)
        {
            var b = data[data.Length - 1 - back];
            if ((b & 0xC0) != 0x80)
            {
                // b starts a sequence (or is ASCII): keep it only if the sequence is complete.
                var needed = b < 0x80 ? 1 : (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3 : (b & 0xF8) == 0xF0 ? 4 : 1;
                return back + 1 >= needed ? data.Length : data.Length - 1 - back;
            }
        }

        return data.Length;
    }
}
