namespace CakeParallel.Supervision;

/// <summary>The last N lines of an attempt's output, each capped, in a fixed-size ring: memory stays bounded whatever a leg writes.</summary>
internal sealed class OutputTail
{
    public const int MaxLineChars = 1000;

    private readonly string[] _lines;
    private int _next;
    private int _count;

    public OutputTail(int capacity) => _lines = new string[Math.Max(capacity, 1)];

    /// <summary>The last non-empty line written to stderr, which is usually the error a person wants to see.</summary>
    public string? LastErrorLine { get; private set; }

    /// <summary>The last non-empty line of either stream.</summary>
    public string? LastLine { get; private set; }

    public void Add(OutputStream stream, string text)
    {
        var capped = text.Length > MaxLineChars ? string.Concat(text.AsSpan(0, MaxLineChars), "…") : text;
        lock (_lines)
        {
            _lines[_next] = capped;
            _next = (_next + 1) % _lines.Length;
            _count = Math.Min(_count + 1, _lines.Length);
            if (!string.IsNullOrWhiteSpace(capped))
            {
                LastLine = capped;
                if (stream == OutputStream.Stderr)
                {
                    LastErrorLine = capped;
                }
            }
        }
    }

    public IReadOnlyList<string> Snapshot()
    {
        lock (_lines)
        {
            var result = new string[_count];
            var start = (_next - _count + _lines.Length) % _lines.Length;
            for (var i = 0; i < _count; i++)
            {
                result[i] = _lines[(start + i) % _lines.Length];
            }

            return result;
        }
    }
}
