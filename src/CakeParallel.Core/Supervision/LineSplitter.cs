using System.Buffers;
using System.Text;

namespace CakeParallel.Supervision;

/// <summary>Receives one line of output; the span is only valid during the call.</summary>
internal delegate void LineHandler(ReadOnlySpan<char> line);

/// <summary>
/// Reads a pipe to its end and hands out complete lines. A line longer than the limit is split (at a UTF-8
/// character boundary) instead of being buffered without bound; invalid UTF-8 decodes to U+FFFD. Lines are
/// decoded into a reused buffer, so reading makes no garbage per line.
/// </summary>
internal static class LineSplitter
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    public static async Task PumpAsync(Stream source, int maxLineBytes, LineHandler onLine, CancellationToken cancellationToken)
    {
        var capacity = Math.Max(maxLineBytes, 64);
        var buffer = ArrayPool<byte>.Shared.Rent(capacity);

        // UTF-8 never decodes to more chars than it has bytes.
        var chars = ArrayPool<char>.Shared.Rent(capacity);
        try
        {
            var filled = 0;
            var scanned = 0;

            // After a forced split, a newline that follows at once ends that long line; it is not an empty line.
            var afterSplit = false;
            while (true)
            {
                var read = await source.ReadAsync(buffer.AsMemory(filled, capacity - filled), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    if (filled > 0)
                    {
                        Emit(buffer, 0, filled, chars, onLine);
                    }

                    return;
                }

                filled += read;
                var start = 0;
                var newline = buffer.AsSpan(scanned, filled - scanned).IndexOf((byte)'\n');
                while (newline >= 0)
                {
                    var end = scanned + newline;
                    if (!(afterSplit && end == start))
                    {
                        Emit(buffer, start, end - start, chars, onLine);
                    }

                    afterSplit = false;
                    start = end + 1;
                    scanned = start;
                    newline = buffer.AsSpan(scanned, filled - scanned).IndexOf((byte)'\n');
                }

                if (start == 0 && filled == capacity)
                {
                    // A full buffer with no newline: emit it as a line of its own, cut where no character is split.
                    var cut = Utf8Boundary(buffer.AsSpan(0, filled));
                    Emit(buffer, 0, cut, chars, onLine);
                    start = cut;
                    afterSplit = true;
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
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    private static void Emit(byte[] buffer, int start, int length, char[] chars, LineHandler onLine)
    {
        var line = buffer.AsSpan(start, length);
        if (line.Length > 0 && line[^1] == (byte)'\r')
        {
            line = line[..^1];
        }

        var count = Utf8.GetChars(line, chars);
        onLine(chars.AsSpan(0, count));
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
