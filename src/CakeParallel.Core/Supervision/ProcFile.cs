using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Unicode;

namespace CakeParallel.Supervision;

/// <summary>
/// Reads small <c>/proc</c> files with plain open/read/close: a <see cref="FileStream"/> would add an fstat and a
/// flock (the runtime's FileShare emulation) to each, and supervision reads thousands of them.
/// </summary>
/// <summary>Turns a <c>/proc</c> file's content into a value, with what the caller passed along; the span is only valid during the call.</summary>
internal delegate T ProcFileParser<in TState, out T>(ReadOnlySpan<byte> content, TState state);

internal static unsafe partial class ProcFile
{
    private const int ReadOnlyCloseOnExec = 0x80000;
    private const int Eintr = 4;

    /// <summary>The whole of <c>/proc/<paramref name="pid"/>/<paramref name="name"/></c>; false when the process is gone or not ours.</summary>
    /// <param name="pid">The process, or 0 for <c>/proc/<paramref name="name"/></c> itself.</param>
    /// <param name="name">The file, e.g. <c>stat</c>.</param>
    /// <param name="state">Passed to <paramref name="parse"/> (so that it need not be a closure made for each read).</param>
    /// <param name="parse">Turns the content into the result.</param>
    /// <param name="result">The parsed content.</param>
    public static bool TryRead<TState, T>(int pid, string name, TState state, ProcFileParser<TState, T> parse, out T result)
    {
        result = default!;
        Span<byte> path = stackalloc byte[64];
        int length;
        var written = pid == 0
            ? Utf8.TryWrite(path, CultureInfo.InvariantCulture, $"/proc/{name}", out length)
            : Utf8.TryWrite(path, CultureInfo.InvariantCulture, $"/proc/{pid}/{name}", out length);
        if (!written || length == path.Length)
        {
            return false;
        }

        path[length] = 0;
        int fd;
        fixed (byte* p = path)
        {
            fd = Open(p, ReadOnlyCloseOnExec);
        }

        if (fd < 0)
        {
            return false;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            var filled = 0;
            while (true)
            {
                if (filled == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, filled).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                long got;
                fixed (byte* b = &buffer[filled])
                {
                    got = Read(fd, b, buffer.Length - filled);
                }

                if (got == 0)
                {
                    break;
                }

                if (got < 0)
                {
                    if (Marshal.GetLastPInvokeError() == Eintr)
                    {
                        continue;
                    }

                    return false; // ESRCH and the like: it ended while we read
                }

                filled += (int)got;
            }

            result = parse(buffer.AsSpan(0, filled), state);
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            _ = PosixSpawn.Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true)]
    private static partial int Open(byte* path, int flags);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static partial long Read(int fd, byte* buffer, long count);
}
