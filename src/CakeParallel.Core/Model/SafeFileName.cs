using System.Text;

namespace CakeParallel.Model;

/// <summary>
/// Turns a leg's or service's name into a file name that any Linux file system takes: characters a file name cannot
/// hold (and whitespace and control characters) become <c>_</c>, and the result fits a budget in UTF-8 bytes —
/// file systems limit a name to 255 bytes, not characters — cut between whole characters, never inside one.
/// </summary>
public static class SafeFileName
{
    /// <summary>The default budget: leaves room in the 255-byte limit for an id suffix and an extension.</summary>
    public const int DefaultMaxBytes = 120;

    /// <summary>A file name for <paramref name="name"/>, at most <paramref name="maxBytes"/> UTF-8 bytes; never empty, never <c>.</c> or <c>..</c>.</summary>
    /// <param name="name">Any text, including invalid UTF-16 (a lone surrogate becomes <c>_</c>).</param>
    /// <param name="maxBytes">The budget in UTF-8 bytes, at least 4 (one character of any size).</param>
    public static string From(string name, int maxBytes = DefaultMaxBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 4);
        var builder = new StringBuilder(Math.Min(name.Length, maxBytes));
        Span<char> utf16 = stackalloc char[2];
        var bytes = 0;
        var index = 0;
        while (index < name.Length)
        {
            var rune = Rune.DecodeFromUtf16(name.AsSpan(index), out var decoded, out var consumed) == System.Buffers.OperationStatus.Done ? decoded : Rune.ReplacementChar;
            index += consumed;
            if (Rune.IsControl(rune) || Rune.IsWhiteSpace(rune) || rune == Rune.ReplacementChar || rune.Value is '/' or '\\' or ':' or '*' or '?' or '"' or '<' or '>' or '|')
            {
                rune = new Rune('_');
            }

            if (bytes + rune.Utf8SequenceLength > maxBytes)
            {
                break;
            }

            bytes += rune.Utf8SequenceLength;
            builder.Append(utf16[..rune.EncodeToUtf16(utf16)]);
        }

        var safe = builder.ToString();
        return safe is "" or "." or ".." ? "_" + safe : safe;
    }
}
