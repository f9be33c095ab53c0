using System.Buffers.Text;

namespace CakeParallel.Supervision;

/// <summary>The few fields of <c>/proc/PID/stat</c> that supervision needs.</summary>
internal readonly record struct ProcStat(int ProcessId, char State, int ParentId, int ProcessGroup, int Session)
{
    public static bool TryRead(int pid, out ProcStat stat)
    {
        if (ProcFile.TryRead(pid, "stat", Parse, out var parsed) && parsed is { } found)
        {
            stat = found with { ProcessId = pid };
            return true;
        }

        stat = default;
        return false;
    }

    private static ProcStat? Parse(ReadOnlySpan<byte> text)
    {
        // The command name (field 2) is in parentheses and may contain spaces or ')': parse after the last ')'.
        var close = text.LastIndexOf((byte)')');
        if (close < 0 || close + 2 >= text.Length)
        {
            return null;
        }

        var rest = text[(close + 2)..];
        var state = (char)rest[0];
        Span<int> numbers = stackalloc int[3];
        rest = rest[1..];
        for (var i = 0; i < 3; i++)
        {
            if (rest.Length < 2 || rest[0] != (byte)' ' || !Utf8Parser.TryParse(rest[1..], out int value, out var used))
            {
                return null;
            }

            numbers[i] = value;
            rest = rest[(1 + used)..];
        }

        return new ProcStat(0, state, numbers[0], numbers[1], numbers[2]);
    }
}
