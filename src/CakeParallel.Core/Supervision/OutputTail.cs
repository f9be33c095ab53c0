using System.Text;
using CakeParallel.Model;

namespace CakeParallel.Supervision;

/// <summary>
/// The last N lines of an attempt's output, each capped, kept as UTF-8 in reused byte buffers: memory stays bounded
/// and nothing is decoded or allocated per line, whatever a leg writes. Text is made only when it is read.
/// </summary>
internal sealed class OutputTail
{
    public const int MaxLineChars = 1000;

    /// <summary>Bytes kept of a line: enough for <see cref="MaxLineChars"/> characters of any UTF-8 text.</summary>
    private const int MaxLineBytes = 4 * MaxLineChars;

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    private readonly int _capacity;
    private LineCopy?[]? _slots;
    private readonly Lock _gate = new();

    // The last lines with text: found in the ring by their number while they are in it, else in the copy made when
    // they left it (a copy per line would cost a chatty process more than the ring itself).
    private readonly LineCopy _lastLine = new();
    private readonly LineCopy _lastErrorLine = new();
    private long _lastLineNumber = -1;
    private long _lastErrorLineNumber = -1;
    private long _added;
    private int _next;
    private int _count;

    public OutputTail(int capacity)
    {
        // The ring and its slots are made as lines arrive: most attempts write few lines or none.
        _capacity = Math.Max(capacity, 1);
    }

    /// <summary>The last non-empty line written to stderr, which is usually the error a person wants to see.</summary>
    public string? LastErrorLine
    {
        get
        {
            lock (_gate)
            {
                return Line(_lastErrorLineNumber, _lastErrorLine).ToStringOrNull(ellipsis: false);
            }
        }
    }

    /// <summary>The last non-empty line of either stream.</summary>
    public string? LastLine
    {
        get
        {
            lock (_gate)
            {
                return Line(_lastLineNumber, _lastLine).ToStringOrNull(ellipsis: false);
            }
        }
    }

    public void Add(OutputStream stream, ReadOnlySpan<char> text)
    {
        var capped = text.Length > MaxLineChars ? text[..MaxLineChars] : text;
        lock (_gate)
        {
            Next().SetText(capped, text.Length > MaxLineChars);
            Added(stream, !capped.IsWhiteSpace());
        }
    }

    /// <summary>Adds a line given as (valid) UTF-8.</summary>
    public void AddUtf8(OutputStream stream, ReadOnlySpan<byte> line)
    {
        var capped = line.Length > MaxLineBytes ? line[..MaxLineBytes] : line;
        Add(stream, capped, line.Length > MaxLineBytes, !IsWhiteSpace(capped));
    }

    /// <summary>
    /// Adds a block of lines given as (valid) UTF-8, each ending with <c>\n</c> (a <c>\r</c> before it belongs to the
    /// line end): only the lines the tail keeps are copied, from the end of the block, and the last line with text
    /// if it is earlier still; the lines before them would leave the tail at once.
    /// </summary>
    public void AddUtf8Lines(OutputStream stream, ReadOnlySpan<byte> lines)
    {
        // Walk back over the lines the tail keeps, noting the last one with text; if none has text, further back to
        // the last line with text in the block, if any.
        var kept = lines.Length;
        var count = 0;
        var lastWithText = -1;
        var lastWithTextEnd = -1;
        for (var end = lines.Length; end > 0 && (count < _capacity || lastWithText < 0);)
        {
            var start = lines[..(end - 1)].LastIndexOf((byte)'\n') + 1;
            if (lastWithText < 0 && !IsWhiteSpace(Capped(Line(lines, start, end))))
            {
                lastWithText = start;
                lastWithTextEnd = end;
            }

            if (count < _capacity)
            {
                kept = start;
                count++;
            }

            end = start;
        }

        lock (_gate)
        {
            if (lastWithText >= 0 && lastWithText < kept)
            {
                // It would leave the ring with the lines before the kept ones: it goes straight into its copy.
                var line = Line(lines, lastWithText, lastWithTextEnd);
                _lastLine.Set(Capped(line), line.Length > MaxLineBytes);
                _lastLineNumber = -1;
                if (stream == OutputStream.Stderr)
                {
                    _lastErrorLine.Set(Capped(line), line.Length > MaxLineBytes);
                    _lastErrorLineNumber = -1;
                }
            }

            for (var start = kept; start < lines.Length;)
            {
                var end = start + lines[start..].IndexOf((byte)'\n') + 1;
                var line = Line(lines, start, end);
                Next().Set(Capped(line), line.Length > MaxLineBytes);
                Added(stream, start == lastWithText);
                start = end;
            }
        }
    }

    public IReadOnlyList<string> Snapshot()
    {
        lock (_gate)
        {
            if (_count == 0)
            {
                return [];
            }

            var result = new string[_count];
            for (var i = 0; i < _count; i++)
            {
                result[i] = _slots![(_added - _count + i) % _capacity]!.ToStringOrNull(ellipsis: true)!;
            }

            return result;
        }
    }

    private void Add(OutputStream stream, ReadOnlySpan<byte> utf8, bool truncated, bool hasText)
    {
        lock (_gate)
        {
            Next().Set(utf8, truncated);
            Added(stream, hasText);
        }
    }

    /// <summary>The slot the next line goes into (under the gate); the line leaving it is kept if it is still the last line with text.</summary>
    private LineCopy Next()
    {
        _slots ??= new LineCopy[_capacity];
        var slot = _slots[_next] ??= new LineCopy();
        if (_count == _capacity)
        {
            var leaving = _added - _count;
            if (leaving == _lastLineNumber)
            {
                _lastLine.CopyFrom(slot);
            }

            if (leaving == _lastErrorLineNumber)
            {
                _lastErrorLine.CopyFrom(slot);
            }
        }

        return slot;
    }

    /// <summary>Counts the line just written into <see cref="Next"/>'s slot (under the gate).</summary>
    private void Added(OutputStream stream, bool hasText)
    {
        if (hasText)
        {
            _lastLineNumber = _added;
            if (stream == OutputStream.Stderr)
            {
                _lastErrorLineNumber = _added;
            }
        }

        _added++;
        _next = _next + 1 == _capacity ? 0 : _next + 1;
        _count = Math.Min(_count + 1, _capacity);
    }

    /// <summary>Line number <paramref name="number"/>: in the ring if it is still there, else its <paramref name="copy"/>.</summary>
    private LineCopy Line(long number, LineCopy copy) => number >= _added - _count ? _slots![number % _capacity]! : copy;

    /// <summary>The line of a block that starts at <paramref name="start"/> and ends (after its newline) at <paramref name="end"/>, without its line end.</summary>
    private static ReadOnlySpan<byte> Line(ReadOnlySpan<byte> lines, int start, int end)
    {
        var line = lines[start..(end - 1)];
        return line.Length > 0 && line[^1] == (byte)'\r' ? line[..^1] : line;
    }

    private static ReadOnlySpan<byte> Capped(ReadOnlySpan<byte> line) => line.Length > MaxLineBytes ? line[..MaxLineBytes] : line;

    /// <summary>Whether the line is empty or white space only; decoded only when no byte is a printable ASCII character.</summary>
    private static bool IsWhiteSpace(ReadOnlySpan<byte> utf8)
    {
        foreach (var b in utf8)
        {
            if (b is > (byte)' ' and < 0x80)
            {
                return false;
            }
        }

        return Utf8.GetString(utf8).AsSpan().IsWhiteSpace();
    }

    /// <summary>One kept line: its UTF-8 bytes (at most <see cref="MaxLineBytes"/>) and whether it was longer.</summary>
    private sealed class LineCopy
    {
        private byte[] _buffer = [];
        private int _length = -1;
        private bool _truncated;

        public void Set(ReadOnlySpan<byte> utf8, bool truncated)
        {
            if (_buffer.Length < utf8.Length)
            {
                _buffer = new byte[Math.Max(utf8.Length, 128)];
            }

            utf8.CopyTo(_buffer);
            _length = utf8.Length;
            _truncated = truncated;
        }

        public void SetText(ReadOnlySpan<char> text, bool truncated)
        {
            var most = Utf8.GetMaxByteCount(text.Length);
            if (_buffer.Length < most)
            {
                _buffer = new byte[Math.Max(most, 128)];
            }

            _length = Utf8.GetBytes(text, _buffer);
            _truncated = truncated;
        }

        public void CopyFrom(LineCopy other)
        {
            if (other._length < 0)
            {
                _length = -1;
                return;
            }

            Set(other._buffer.AsSpan(0, other._length), other._truncated);
        }

        /// <summary>The line, capped at <see cref="MaxLineChars"/> characters (with <c>…</c> when asked and cut).</summary>
        public string? ToStringOrNull(bool ellipsis)
        {
            if (_length < 0)
            {
                return null;
            }

            var text = Utf8.GetString(_buffer, 0, _length);
            if (!_truncated && text.Length <= MaxLineChars)
            {
                return text;
            }

            return ellipsis ? string.Concat(text.AsSpan(0, Math.Min(text.Length, MaxLineChars)), "…") : text[..Math.Min(text.Length, MaxLineChars)];
        }
    }
}
