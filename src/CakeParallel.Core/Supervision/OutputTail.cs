using CakeParallel.Model;

namespace CakeParallel.Supervision;

/// <summary>
/// The last N lines of an attempt's output, each capped, kept in reused character buffers: memory stays bounded
/// and no string is made per line, whatever a leg writes. Strings are made only when a snapshot is taken.
/// </summary>
internal sealed class OutputTail
{
    public const int MaxLineChars = 1000;

    private readonly char[]?[] _slots;
    private readonly int[] _lengths;
    private readonly LineCopy _lastLine = new();
    private readonly LineCopy _lastErrorLine = new();
    private readonly Lock _gate = new();
    private int _next;
    private int _count;

    public OutputTail(int capacity)
    {
        _slots = new char[Math.Max(capacity, 1)][];
        _lengths = new int[_slots.Length];
    }

    /// <summary>The last non-empty line written to stderr, which is usually the error a person wants to see.</summary>
    public string? LastErrorLine
    {
        get
        {
            lock (_gate)
            {
                return _lastErrorLine.ToStringOrNull();
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
                return _lastLine.ToStringOrNull();
            }
        }
    }

    public void Add(OutputStream stream, ReadOnlySpan<char> text)
    {
        var capped = text.Length > MaxLineChars ? text[..MaxLineChars] : text;
        var truncated = text.Length > MaxLineChars;
        lock (_gate)
        {
            var slot = _slots[_next];
            var needed = capped.Length + (truncated ? 1 : 0);
            if (slot is null || slot.Length < needed)
            {
                slot = _slots[_next] = new char[Math.Max(needed, 64)];
            }

            capped.CopyTo(slot);
            if (truncated)
            {
                slot[capped.Length] = '…';
            }

            _lengths[_next] = needed;
            _next = (_next + 1) % _slots.Length;
            _count = Math.Min(_count + 1, _slots.Length);
            if (!capped.IsWhiteSpace())
            {
                _lastLine.Set(capped);
                if (stream == OutputStream.Stderr)
                {
                    _lastErrorLine.Set(capped);
                }
            }
        }
    }

    public IReadOnlyList<string> Snapshot()
    {
        lock (_gate)
        {
            var result = new string[_count];
            var start = (_next - _count + _slots.Length) % _slots.Length;
            for (var i = 0; i < _count; i++)
            {
                var index = (start + i) % _slots.Length;
                result[i] = new string(_slots[index].AsSpan(0, _lengths[index]));
            }

            return result;
        }
    }

    private sealed class LineCopy
    {
        private char[] _buffer = [];
        private int _length = -1;

        public void Set(ReadOnlySpan<char> text)
        {
            if (_buffer.Length < text.Length)
            {
                _buffer = new char[Math.Max(text.Length, 128)];
            }

            text.CopyTo(_buffer);
            _length = text.Length;
        }

        public string? ToStringOrNull() => _length < 0 ? null : new string(_buffer, 0, _length);
    }
}
