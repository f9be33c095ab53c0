using System.Diagnostics;
using System.Globalization;
using System.Text;
using CakeParallel.Model;

namespace CakeParallel.Supervision;

/// <summary>What ending the escaped processes of one supervised process did.</summary>
/// <param name="Count">How many processes had escaped.</param>
/// <param name="Text">One sentence, e.g. <c>escaped processes terminated: 2 (sleep, sleep); ended by SIGTERM after 12 ms</c>.</param>
internal sealed record EscapeReport(int Count, string Text);

/// <summary>A process that left its supervised group (<c>setsid cmd &amp;</c>, a double fork) but still carries its marker.</summary>
internal readonly record struct EscapedProcess(int ProcessId, string Name);

/// <summary>
/// Finds and ends the processes that escaped a supervised process group. Every supervised process gets a marker of
/// its own in its environment (<see cref="MarkerVariable"/>), which its descendants inherit whatever group or
/// session they move to; after the group has ended, any live process that still carries the marker escaped.
/// This needs no cgroups (not every machine delegates them); a process that clears its environment is not found.
/// </summary>
internal static class EscapedProcesses
{
    /// <summary>The environment variable holding a supervised process's own marker.</summary>
    public const string MarkerVariable = "CAKEPARALLEL_PROCESS";

    /// <summary>A new marker value, unique to one supervised process.</summary>
    public static string NewMarker() => Guid.NewGuid().ToString("N");

    /// <summary>
    /// How long a supervised process may have lived for its descendants to be sought only among the pids created
    /// since it started: pids are handed out in a cycle, and no machine creates a whole cycle (32,768 and more) of
    /// processes in this time. Longer-lived ones get the full search, whose cost is small beside their run time.
    /// </summary>
    public static readonly TimeSpan RecentWindow = TimeSpan.FromSeconds(1);

    // Up to this many pids handed out since a leg started, they are tried one by one rather than listed from /proc.
    private const int DirectProbeLimit = 64;

    /// <summary>
    /// How long a live process whose environment reads empty is given to show one. A process in the middle of an
    /// exec (<c>setsid python3 …</c> as its parent exits) has none to read until the kernel has set up its new stack,
    /// which on a loaded machine can take a while; one that cleared its environment never shows one.
    /// </summary>
    public static readonly TimeSpan ExecWindow = TimeSpan.FromSeconds(1);

    /// <summary>The live processes that carry <paramref name="marker"/>.</summary>
    /// <param name="marker">The value of <see cref="MarkerVariable"/>.</param>
    /// <param name="firstProcessId">
    /// The supervised process's id: its descendants were created after it, so (until pids wrap around) only larger
    /// pids are read, which keeps the search cheap on a busy machine.
    /// </param>
    /// <param name="lived">
    /// How long the supervised process lived; under <see cref="RecentWindow"/> only the pids created since it started
    /// are read (on a quiet machine: its own descendants and the other legs, no other process's environment).
    /// </param>
    public static Task<IReadOnlyList<EscapedProcess>> FindAsync(string marker, int firstProcessId, TimeSpan? lived = null)
    {
        // Sought after every supervised process: nothing but the needle is allocated when nothing escaped.
        var needle = Needle(marker);
        List<EscapedProcess>? found = null;
        List<int>? unsettled = null;
        var leadersOnly = Scan(needle, firstProcessId, lived, ref found, ref unsettled);
        return unsettled is null
            ? Task.FromResult<IReadOnlyList<EscapedProcess>>(found is null ? [] : found)
            : SettleAsync(needle, found ?? [], unsettled, leadersOnly);
    }

    // Reads the processes whose environment was empty again until each shows one, or the exec window passes.
    private static async Task<IReadOnlyList<EscapedProcess>> SettleAsync(byte[] needle, List<EscapedProcess> found, List<int> unsettled, bool leadersOnly)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < ExecWindow)
        {
            await Task.Delay(2).ConfigureAwait(false);
            List<EscapedProcess>? more = found;
            unsettled.RemoveAll(pid => Consider(pid, needle, ref more, leadersOnly) != Sighting.Unsettled);
            if (unsettled.Count == 0)
            {
                break;
            }
        }

        return found;
    }

    // MARKER_VARIABLE=marker and the NUL that ends an environment entry, as ASCII.
    private static byte[] Needle(string marker)
    {
        var needle = new byte[MarkerVariable.Length + marker.Length + 2];
        Encoding.ASCII.GetBytes(MarkerVariable, needle);
        needle[MarkerVariable.Length] = (byte)'=';
        Encoding.ASCII.GetBytes(marker, needle.AsSpan(MarkerVariable.Length + 1));
        return needle;
    }

    // Reads the candidate pids once; returns whether only thread group leaders count (see below).
    private static bool Scan(byte[] needle, int firstProcessId, TimeSpan? lived, ref List<EscapedProcess>? found, ref List<int>? unsettled)
    {
        var lastProcessId = LastProcessId();
        if (lived is { } age && age < RecentWindow && lastProcessId is { } last)
        {
            var window = last >= firstProcessId ? last - firstProcessId + 1 : int.MaxValue;
            if (window <= DirectProbeLimit)
            {
                // A few pids were handed out since: try each directly instead of reading all of /proc. Thread ids
                // are pids too; a thread of a marked process carries the marker as well, so only group leaders count.
                for (var pid = firstProcessId; pid <= last; pid++)
                {
                    Note(pid, Consider(pid, needle, ref found, leadersOnly: true), ref unsettled);
                }

                return true;
            }
        }

        var recent = lived is { } lifetime && lifetime < RecentWindow && lastProcessId is not null;
        var wrapped = lastProcessId is not { } newest || newest < firstProcessId;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory.AsSpan()), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && (recent ? CreatedSince(pid, firstProcessId, lastProcessId!.Value) : wrapped || pid >= firstProcessId))
            {
                Note(pid, Consider(pid, needle, ref found, leadersOnly: false), ref unsettled);
            }
        }

        return false;
    }

    private static void Note(int pid, Sighting sighting, ref List<int>? unsettled)
    {
        if (sighting == Sighting.Unsettled)
        {
            (unsettled ??= []).Add(pid);
        }
    }

    private static Sighting Consider(int pid, byte[] needle, ref List<EscapedProcess>? found, bool leadersOnly)
    {
        if (pid == Environment.ProcessId || !ProcFile.TryRead(pid, "environ", needle, Find, out var mark))
        {
            return Sighting.None;
        }

        if (mark == Sighting.None || !ProcStat.TryRead(pid, out var stat) || stat.State is 'Z' or 'X' || stat.IsKernelThread
            || (leadersOnly && !LeadsThreadGroup(pid)))
        {
            return Sighting.None;
        }

        if (mark == Sighting.Carries)
        {
            (found ??= []).Add(new EscapedProcess(pid, Name(pid)));
            return mark;
        }

        // The runner's own children are the legs it starts (nothing is reparented to it): one in the middle of its
        // exec is another leg starting, not a descendant of the process that ended.
        return stat.ParentId == Environment.ProcessId ? Sighting.None : mark;
    }

    private static bool LeadsThreadGroup(int pid) =>
        ProcFile.TryRead(pid, "status", 0, static (text, _) =>
        {
            var at = text.IndexOf("\nTgid:\t"u8);
            return at >= 0 && System.Buffers.Text.Utf8Parser.TryParse(text[(at + 7)..], out int group, out _) ? group : -1;
        }, out var group) && group == pid;

    // Whether pid lies in the cyclic interval [first, last] of the pids handed out since first.
    private static bool CreatedSince(int pid, int first, int last) =>
        last >= first ? pid >= first && pid <= last : pid >= first || pid <= last;

    /// <summary>
    /// Applies <paramref name="sequence"/> to the escaped processes (to the whole group of one that leads its own
    /// group, so its children go too) until none is alive; returns what happened, for the leg's result and log.
    /// </summary>
    public static async Task<EscapeReport> TerminateAsync(IReadOnlyList<EscapedProcess> escaped, TerminationSequence sequence)
    {
        var clock = Stopwatch.StartNew();
        var platform = ProcessGroupPlatform.Current;
        string? last = null;
        foreach (var step in sequence.Steps)
        {
            SignalNames.TryGetNumber(step.Signal, out var number);
            last = step.Signal;
            foreach (var process in escaped)
            {
                // Its group as it is now, not as the search saw it: a process caught before its setsid() may lead a
                // group of its own by now, with children in it.
                if (!ProcStat.TryRead(process.ProcessId, out var stat) || stat.State is 'Z' or 'X')
                {
                    continue;
                }

                if (stat.ProcessGroup == process.ProcessId && process.ProcessId > 1)
                {
                    platform.SignalGroup(process.ProcessId, number);
                }
                else
                {
                    platform.SignalProcess(process.ProcessId, number);
                }
            }

            var stepClock = Stopwatch.StartNew();
            while (escaped.Any(IsAlive) && stepClock.Elapsed < step.Wait)
            {
                await Task.Delay(20).ConfigureAwait(false);
            }

            if (!escaped.Any(IsAlive))
            {
                break;
            }
        }

        var names = string.Join(", ", escaped.Select(p => p.Name));
        var how = escaped.Any(IsAlive) ? $"still alive after {last}" : $"ended by {last} after {DurationText.Format(clock.Elapsed)}";
        return new EscapeReport(escaped.Count, $"escaped processes terminated: {escaped.Count} ({names}); {how}");
    }

    /// <summary>Whether process <paramref name="pid"/> carries <paramref name="marker"/> (descends from that supervised process).</summary>
    public static bool Carries(int pid, string marker) => Carries(pid, Needle(marker));

    private static bool IsAlive(EscapedProcess process) =>
        ProcStat.TryRead(process.ProcessId, out var stat) && stat.State is not ('Z' or 'X');

    // A process that ended while we looked, or someone else's, does not carry it.
    private static bool Carries(int pid, byte[] needle) =>
        ProcFile.TryRead(pid, "environ", needle, Find, out var mark) && mark == Sighting.Carries;

    // An empty environment is one that cannot be read yet (a process in the middle of an exec) or none at all.
    private static Sighting Find(ReadOnlySpan<byte> environment, byte[] needle)
    {
        if (environment.IsEmpty)
        {
            return Sighting.Unsettled;
        }

        var at = environment.IndexOf(needle);
        return at == 0 || (at > 0 && environment[at - 1] == 0) ? Sighting.Carries : Sighting.None;
    }

    private enum Sighting
    {
        None,
        Carries,
        Unsettled,
    }

    private static string Name(int pid)
    {
        try
        {
            return File.ReadAllText("/proc/" + pid.ToString(CultureInfo.InvariantCulture) + "/comm").Trim();
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return "?";
        }
    }

    /// <summary>The most recently created pid (the fifth field of <c>/proc/loadavg</c>).</summary>
    private static int? LastProcessId() =>
        ProcFile.TryRead(0, "loadavg", 0, static (text, _) =>
        {
            var space = text.TrimEnd((byte)'\n').LastIndexOf((byte)' ');
            return space >= 0 && System.Buffers.Text.Utf8Parser.TryParse(text[(space + 1)..], out int pid, out _) ? pid : (int?)null;
        }, out var last) ? last : null;
}
