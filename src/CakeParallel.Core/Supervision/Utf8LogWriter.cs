using System.Buffers;
using System.Text.Unicode;

namespace CakeParallel.Supervision;

/// <summary>
/// Writes text as UTF-8 into a stream through a buffer borrowed from the shared pool while there is something to
/// write, so thousands of logs (one per leg) cost no buffer each for their whole life: a <see cref="StreamWriter"/>
/// with a 64 KB buffer holds about 200 KB of large-object-heap arrays per log. Not thread-safe (the log locks).
/// </summary>
internal sealed class Utf8LogWriter(Stream stream) : IDisposable
{
    private const int BufferBytes = 64 * 1024;
    private byte[]? _buffer;
    private int _filled;

    /// <summary>The stream written to; flush first to see every byte in it.</summary>
    public Stream BaseStream => stream;

    public void Write(ReadOnlySpan<char> text)
    {
        while (!text.IsEmpty)
        {
            var buffer = Buffer(Math.Min(text.Length * 3, BufferBytes));
            var status = Utf8.FromUtf16(text, buffer.AsSpan(_filled), out var read, out var written, replaceInvalidSequences: true, isFinalBlock: true);
            _filled += written;
            text = text[read..];
            if (status == OperationStatus.DestinationTooSmall)
            {
                WriteBuffer();
            }
        }
    }

    public void Write(string text) => Write(text.AsSpan());

    /// <summary>Writes bytes that are already UTF-8 as they are.</summary>
    public void Write(ReadOnlySpan<byte> utf8)
    {
        while (!utf8.IsEmpty)
        {
            var buffer = Buffer(Math.Min(utf8.Length, BufferBytes));
            var count = Math.Min(utf8.Length, buffer.Length - _filled);
            utf8[..count].CopyTo(buffer.AsSpan(_filled));
            _filled += count;
            utf8 = utf8[count..];
        }
    }

    /// <summary>Writes the buffered bytes to the stream and flushes it; the buffer goes back to the pool.</summary>
    public void Flush()
    {
        WriteBuffer();
        Return();
        stream.Flush();
    }

    public void Dispose()
    {
        try
        {
            WriteBuffer();
        }
        finally
        {
            Return();
            stream.Dispose();
        }
    }

    /// <summary>The buffer, with room for at least <paramref name="needed"/> more bytes (written out first if full).</summary>
    private byte[] Buffer(int needed)
    {
        if (_buffer is null)
        {
            _buffer = ArrayPool<byte>.Shared.Rent(BufferBytes);
        }
        else if (_buffer.Length - _filled < Math.Min(needed, 4))
        {
            WriteBuffer();
        }

        return _buffer;
    }

    private void WriteBuffer()
    {
        if (_filled > 0)
        {
            var count = _filled;
            _filled = 0;
            stream.Write(_buffer!, 0, count);
        }
    }

    private void Return()
    {
        if (_buffer is not null && _filled == 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = null;
        }
    }
}
