using System.Globalization;

namespace CakeParallel.Supervision;

/// <summary>The few fields of <c>/proc/PID/stat</c> that supervision needs.</summary>
internal readonly record struct ProcStat(int ProcessId, char State, int ParentId, int ProcessGroup, int Session)
{
    public static bool TryRead(int pid, out ProcStat stat)
    {
        stat = default;
        string text;
        try
        {
            text = File.ReadAllText("/proc/" + pid.ToString(CultureInfo.InvariantCulture) + "/stat");
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }

        // The command name (field 2) is in parentheses and may contain spaces or ')': parse after the last ')'.
        var close = text.LastIndexOf(')');
        if (close < 0 || close + 2 >= text.Length)
        {
            return false;
        }

        var fields = text[(close + 2)..].Split(' ');
        if (fields.Length < 4
            || !int.TryParse(fields[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var parent)
            || !int.TryParse(fields[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var group)
            || !int.TryParse(fields[3], NumberStyles.Integer, CultureInfo.InvariantCulture, out var session))
        {
            return false;
        }

        stat = new ProcStat(pid, fields[0][0], parent, group, session);
        return true;
    }
}
