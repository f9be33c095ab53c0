using System.Text;
using CakeParallel.Supervision;

namespace CakeParallel.Tests.Supervision;

/// <summary>The log writer encodes exactly as UTF-8 does, also across its buffer's edge, and writes bytes as they are.</summary>
public sealed class Utf8LogWriterTests
{
    [Fact]
    public void Text_longer_than_the_buffer_with_characters_across_its_edge_is_written_as_utf8()
    {
        // Surrogate pairs (4 bytes) and three-byte characters at every offset around the 64 KB buffer edge.
        var text = string.Concat(Enumerable.Range(0, 30000).Select(i => (i % 3) switch { 0 => "a", 1 => "€", _ => "😀" }));
        var file = new MemoryStream();

        using (var writer = new Utf8LogWriter(new KeepOpen(file)))
        {
            writer.Write(text);
            writer.Write(" raw é\n"u8);
            writer.Write("\uD800 lone surrogate");
        }

        file.ToArray().ShouldBe(Encoding.UTF8.GetBytes(text + " raw é\n" + "\uFFFD lone surrogate"));
    }

    [Fact]
    public void Flush_writes_everything_buffered_to_the_stream()
    {
        var file = new MemoryStream();
        using var writer = new Utf8LogWriter(new KeepOpen(file));

        writer.Write("first line\n");
        file.Length.ShouldBe(0);
        writer.Flush();

        Encoding.UTF8.GetString(file.ToArray()).ShouldBe("first line\n");
        writer.Write("second\n");
        writer.Flush();
        Encoding.UTF8.GetString(file.ToArray()).ShouldBe("first line\nsecond\n");
    }

    /// <summary>A memory stream the writer may dispose without losing what it holds.</summary>
    private sealed class KeepOpen(MemoryStream inner) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => inner.Length;

        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
    }
}
