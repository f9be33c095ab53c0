using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;

namespace CakeParallel.Supervision;

/// <summary>
/// Reads small <c>/proc</c> files with plain open/read/close: a <see cref="FileStream"/> would add an fstat and a
/// flock (the runtime's FileShare emulation) to each, and supervision reads thousands of them.
/// </summary>
/// <summary>Turns a <c>/proc</c> file's content into a value; the span is only valid during the call.</summary>
internal delegate T ProcFileParser<T>(ReadOnlySpan<byte> content);

internal static unsafe partial class ProcFile
{
    private const int ReadOnlyCloseOnExec = 0x80000;
    private const int Eintr = 4;

    /// <summary>The whole of <c>/proc/<paramref name="pid"/>/<paramref name="name"/></c>; false when the process is gone or not ours.</summary>
    /// <param name="pid">The process, or 0 for <c>/proc/<paramref name="name"/></c> itself.</param>
    /// <param name="name">The file, e.g. <c>stat</c>.</param>
    /// <param name="parse">Turns the content into the result.</param>
    /// <param name="result">The parsed content.</param>
    public static bool TryRead<T>(int pid, string name, ProcFileParser<T> parse, out T result)
    {
        result = default!;
        Span<byte> path = stackalloc byte[64];
        var length = pid == 0
            ? System.Text.Encoding.ASCII.GetBytes("/proc/" + name, path)
            : System.Text.Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"/proc/{pid}/{name}"), path);
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

            result = parse(buffer.AsSpan(0, filled));
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
