using System.Buffers;
using CakeParallel.Model;

namespace CakeParallel.Supervision;

/// <summary>Receives the lines a <see cref="LineSplitter"/> hands out, of one stream or the other.</summary>
internal interface ILineReceiver
{
    /// <summary>One line of output as the process wrote it (UTF-8, not validated); the span is only valid during the call.</summary>
    void Line(OutputStream stream, ReadOnlySpan<byte> line);

    /// <summary>
    /// One or more complete lines of output as the process wrote them (UTF-8, not validated), each ending with
    /// <c>\n</c>; a <c>\r</c> just before it belongs to the line end, not to the line. No line is longer than the limit.
    /// The span is only valid during the call.
    /// </summary>
    void Lines(OutputStream stream, ReadOnlySpan<byte> lines);
}

/// <summary>
/// Splits what is read from a pipe (into <see cref="Free"/>, then <see cref="Take"/>) into complete lines, as bytes: decoding is left to whoever needs text, so a
/// line that only goes to a log is never decoded. A line longer than the limit is split (at a UTF-8 character
/// boundary) instead of being buffered without bound. Reading makes no garbage per line. Lines are handed out one
/// by one, or in blocks of consecutive lines as read (one call per read instead of one per line, for a reader that
/// can take them so, like a service's log).
/// </summary>
internal sealed class LineSplitter : IDisposable
{
    private readonly int _maxLineBytes;
    private readonly byte[] _buffer;
    private readonly ILineReceiver _receiver;
    private readonly OutputStream _stream;
    private readonly bool _inBlocks;
    private byte[]? _unterminated;
    private int _filled;

    // After a forced split, a newline that follows at once ends that long line; it is not an empty line.
    private bool _afterSplit;

    /// <summary>Hands out the lines of <paramref name="stream"/> to <paramref name="receiver"/>, one by one or in blocks; each read may bring up to <paramref name="readBytes"/> more.</summary>
    public LineSplitter(int maxLineBytes, int readBytes, ILineReceiver receiver, OutputStream stream, bool inBlocks)
    {
        _maxLineBytes = Math.Max(maxLineBytes, 64);
        _buffer = ArrayPool<byte>.Shared.Rent(_maxLineBytes + readBytes);
        _receiver = receiver;
        _stream = stream;
        _inBlocks = inBlocks;
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
    }

    /// <summary>Where the next read goes.</summary>
    public Span<byte> Free => _buffer.AsSpan(_filled);

    /// <summary>Whether no part of a line waits for its end (so the stream's end hands out nothing).</summary>
    public bool IsEmpty => _filled == 0;

    /// <summary>Hands out the lines completed by <paramref name="read"/> more bytes; false (after the last line) when the stream ended.</summary>
    public bool Take(int read)
    {
        if (read == 0)
        {
            if (_filled > 0)
            {
                Emit(0, _filled);
            }

            return false;
        }

        // Bytes before 'scanned' hold no newline: the rest of a line that is still being read.
        var scanned = _filled;
        _filled += read;
        var start = 0;

        // In blocks: where the complete lines not handed out yet begin (-1: none).
        var block = -1;
        while (true)
        {
            var newline = _buffer.AsSpan(scanned, _filled - scanned).IndexOf((byte)'\n');
            var end = newline < 0 ? -1 : scanned + newline;
            var length = (end < 0 ? _filled : end) - start;
            if (length >= _maxLineBytes)
            {
                // A line as long as the limit: emit its first part as a line of its own, cut where no character is split.
                EmitBlock(ref block, start);
                var cut = Utf8Boundary(_buffer.AsSpan(start, _maxLineBytes));
                Emit(start, cut);
                start += cut;
                _afterSplit = true;
                scanned = end < 0 ? _filled : start;
                continue;
            }

            if (end < 0)
            {
                break;
            }

            if (_afterSplit && end == start)
            {
                EmitBlock(ref block, start);
            }
            else if (!_inBlocks)
            {
                Emit(start, end - start);
            }
            else if (block < 0)
            {
                block = start;
            }

            _afterSplit = false;
            start = end + 1;
            if (_inBlocks)
            {
                // In blocks, lines need not be found one by one, only shown to be shorter than the limit: while a
                // newline lies within the limit ahead, every line up to it is.
                while (_filled - start > _maxLineBytes)
                {
                    var last = _buffer.AsSpan(start, _maxLineBytes).LastIndexOf((byte)'\n');
                    if (last < 0)
                    {
                        break;
                    }

                    block = block < 0 ? start : block;
                    start += last + 1;
                }
            }

            scanned = start;
        }

        EmitBlock(ref block, start);
        if (start > 0)
        {
            Buffer.BlockCopy(_buffer, start, _buffer, 0, _filled - start);
            _filled -= start;
        }

        return true;
    }

    /// <summary>Hands out the complete lines from <paramref name="block"/> up to <paramref name="end"/> in one call, if any.</summary>
    private void EmitBlock(ref int block, int end)
    {
        if (block >= 0)
        {
            _receiver.Lines(_stream, _buffer.AsSpan(block, end - block));
            block = -1;
        }
    }

    /// <summary>
    /// Hands out one line; in blocks only a line that is not followed by its newline in the buffer (a forced split,
    /// the last line of the stream) comes here, and goes out as a copy with one.
    /// </summary>
    private void Emit(int start, int length)
    {
        var line = _buffer.AsSpan(start, length);
        if (_inBlocks)
        {
            // Rare (only long lines and a last line without a newline): a copy ending in the newline a block has.
            _unterminated ??= new byte[_maxLineBytes + 1];
            line.CopyTo(_unterminated);
            _unterminated[length] = (byte)'\n';
            _receiver.Lines(_stream, _unterminated.AsSpan(0, length + 1));
            return;
        }

        if (line.Length > 0 && line[^1] == (byte)'\r')
        {
            line = line[..^1];
        }

        _receiver.Line(_stream, line);
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
