using System.Buffers.Text;

namespace CakeParallel.Supervision;

/// <summary>The few fields of <c>/proc/PID/stat</c> that supervision needs.</summary>
internal readonly record struct ProcStat(int ProcessId, char State, int ParentId, int ProcessGroup, int Session, uint Flags)
{
    // PF_KTHREAD: a kernel thread, which has no environment or command line of its own.
    private const uint KernelThreadFlag = 0x00200000;

    /// <summary>Whether this is a kernel thread rather than a process of some program.</summary>
    public bool IsKernelThread => (Flags & KernelThreadFlag) != 0;

    public static bool TryRead(int pid, out ProcStat stat)
    {
        if (ProcFile.TryRead(pid, "stat", 0, Parse, out var parsed) && parsed is { } found)
        {
            stat = found with { ProcessId = pid };
            return true;
        }

        stat = default;
        return false;
    }

    private static ProcStat? Parse(ReadOnlySpan<byte> text, int unused)
    {
        // The command name (field 2) is in parentheses and may contain spaces or ')': parse after the last ')'.
        var close = text.LastIndexOf((byte)')');
        if (close < 0 || close + 2 >= text.Length)
        {
            return null;
        }

        var rest = text[(close + 2)..];
        var state = (char)rest[0];
        // After the state: ppid, pgrp, session, tty_nr, tpgid (which can be -1), flags.
        Span<long> numbers = stackalloc long[6];
        rest = rest[1..];
        for (var i = 0; i < numbers.Length; i++)
        {
            if (rest.Length < 2 || rest[0] != (byte)' ' || !Utf8Parser.TryParse(rest[1..], out long value, out var used))
            {
                return null;
            }

            numbers[i] = value;
            rest = rest[(1 + used)..];
        }

        return new ProcStat(0, state, (int)numbers[0], (int)numbers[1], (int)numbers[2], (uint)numbers[5]);
    }
}
