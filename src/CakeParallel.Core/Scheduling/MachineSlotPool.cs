using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using CakeParallel.Model;
using CakeParallel.Supervision;

namespace CakeParallel.Scheduling;

/// <summary>
/// A machine-wide pool of slots (<see cref="SharedSlots"/>): <c>slot-1</c> … <c>slot-N</c> in
/// <c>/tmp/cakeparallel-slots/&lt;name&gt;/</c>, each taken with flock(2) by the process that runs an attempt in it,
/// and a <c>pool</c> file with the count the first run gave. One instance per pool and process, so runs of one
/// process share its slots too.
/// </summary>
/// <remarks>
/// The holder writes <c>pid marker command-line</c> into the slot file while it holds it and empties it before
/// giving it back. So a taker who finds text in a free slot knows its holder died (the kernel dropped the lock);
/// the dead holder's legs may still be running until its keeper has ended them, so the taker treats the slot as
/// held until no process carries the dead runner's marker (<see cref="RunnerKeeper.MarkerVariable"/>). That keeps
/// the machine from being over-filled without the keeper holding locks, and costs nothing on the normal path.
/// </remarks>
internal sealed class MachineSlotPool
{
    /// <summary>The folder of every pool and of the memory reservations.</summary>
    public const string Root = "/tmp/cakeparallel-slots";

    private static readonly ConcurrentDictionary<string, MachineSlotPool> Pools = new(StringComparer.Ordinal);
    private static readonly Lazy<byte[]> HolderRecord = new(DescribeThisProcess);

    private readonly FileLock[] _slots;
    private readonly bool[] _heldHere;
    private readonly Lock _gate = new();

    private MachineSlotPool(string name, int count, string folder)
    {
        Name = name;
        Count = count;
        _slots = Enumerable.Range(1, count).Select(i => FileLock.Open(Path.Combine(folder, "slot-" + i.ToString(CultureInfo.InvariantCulture)))).ToArray();
        _heldHere = new bool[count];
    }

    /// <summary>The pool's name.</summary>
    public string Name { get; }

    /// <summary>The pool's count: the one its first run gave.</summary>
    public int Count { get; }

    /// <summary>The pool named in <paramref name="slots"/>, created with its count if it does not exist yet.</summary>
    /// <param name="slots">The pool's name and the count asked for.</param>
    /// <param name="countWarning">Set when the pool exists with another count (which wins).</param>
    /// <exception cref="IOException">The pool's folder or files cannot be created or opened.</exception>
    public static MachineSlotPool Open(SharedSlots slots, out string? countWarning)
    {
        var pool = Pools.GetOrAdd(slots.Name, name => Create(name, slots.Count));
        countWarning = pool.Count == slots.Count
            ? null
            : $"The shared slot pool '{slots.Name}' already exists with {pool.Count} slot(s); this run asked for {slots.Count}, and the pool's count ({pool.Count}) applies (the first run's count wins; remove {Path.Combine(Root, slots.Name)} while no run uses it to change it).";
        return pool;
    }

    /// <summary>Takes a free slot without waiting; its index, or -1 when every slot is held.</summary>
    public int TryAcquire()
    {
        lock (_gate)
        {
            for (var i = 0; i < _slots.Length; i++)
            {
                if (_heldHere[i] || !_slots[i].TryLock(exclusive: true))
                {
                    continue;
                }

                var previous = _slots[i].Read();
                if (previous.Length > 0 && DeadHolderStillHasLegs(previous))
                {
                    _slots[i].Release();
                    continue;
                }

                _slots[i].Write(HolderRecord.Value);
                _heldHere[i] = true;
                return i;
            }

            return -1;
        }
    }

    /// <summary>Gives back slot <paramref name="index"/>.</summary>
    public void Release(int index)
    {
        lock (_gate)
        {
            _slots[index].Clear();
            _slots[index].Release();
            _heldHere[index] = false;
        }
    }

    /// <summary>Who holds the pool's slots, for a waiting leg's notice, e.g. <c>pid 4711 (dotnet cake build.cake)</c>.</summary>
    public string DescribeHolders()
    {
        var holders = new List<string>();
        var here = 0;
        lock (_gate)
        {
            for (var i = 0; i < _slots.Length; i++)
            {
                if (_heldHere[i])
                {
                    here++;
                    continue;
                }

                var record = _slots[i].Read();
                if (record.Length > 0)
                {
                    var (pid, _, commandLine) = ParseRecord(record);
                    var alive = Directory.Exists("/proc/" + pid);
                    holders.Add($"pid {pid}{(alive ? "" : ", which died; its legs are still being ended")} ({commandLine})");
                }
            }
        }

        if (here > 0)
        {
            holders.Add($"{here} held by this process");
        }

        return $"all {Count} slot(s) of the shared pool '{Name}' are held: " + (holders.Count == 0 ? "by processes that are just giving them back" : string.Join("; ", holders));
    }

    private static MachineSlotPool Create(string name, int count)
    {
        var folder = Path.Combine(Root, name);
        CreateShared(Root);
        CreateShared(folder);
        var poolFile = Path.Combine(folder, "pool");
        if (!File.Exists(poolFile))
        {
            // Written aside and moved without overwriting, so two first runs agree on one count.
            var draft = poolFile + "." + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
            File.WriteAllText(draft, count.ToString(CultureInfo.InvariantCulture) + "\n");
            FileLock.AllowEveryone(draft, isFolder: false);
            try
            {
                File.Move(draft, poolFile, overwrite: false);
            }
            catch (IOException) when (File.Exists(poolFile))
            {
                File.Delete(draft);
            }
        }

        var text = File.ReadAllText(poolFile).Trim();
        var existing = int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed >= 1 ? parsed : count;
        return new MachineSlotPool(name, existing, folder);
    }

    /// <summary>Creates <paramref name="folder"/> so every user's runs can use it (mode 1777, like /tmp).</summary>
    internal static void CreateShared(string folder)
    {
        if (Directory.Exists(folder))
        {
            return;
        }

        Directory.CreateDirectory(folder);

        // Fails only when another user created it in the meantime; its mode is theirs to set.
        FileLock.AllowEveryone(folder, isFolder: true);
    }

    private static (string Pid, string Marker, string CommandLine) ParseRecord(string record)
    {
        var parts = record.TrimEnd('\n').Split(' ', 3);
        return (parts[0], parts.Length > 1 ? parts[1] : "", parts.Length > 2 ? parts[2] : "");
    }

    private static bool DeadHolderStillHasLegs(string record)
    {
        var (_, marker, _) = ParseRecord(record);
        if (marker.Length == 0)
        {
            return false;
        }

        var needle = Encoding.ASCII.GetBytes(RunnerKeeper.MarkerVariable + "=" + marker);
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!char.IsAsciiDigit(Path.GetFileName(directory)[0]))
            {
                continue;
            }

            try
            {
                if (File.ReadAllBytes(Path.Combine(directory, "environ")).AsSpan().IndexOf(needle) >= 0)
                {
                    return true;
                }
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // Gone, or another user's process (which cannot carry our runners' marker).
            }
        }

        return false;
    }

    private static byte[] DescribeThisProcess()
    {
        string commandLine;
        try
        {
            commandLine = File.ReadAllText("/proc/self/cmdline").Replace('\0', ' ').Trim();
        }
        catch (IOException)
        {
            commandLine = Environment.CommandLine;
        }

        if (commandLine.Length > 300)
        {
            commandLine = commandLine[..300] + "…";
        }

        return Encoding.UTF8.GetBytes($"{Environment.ProcessId} {RunnerKeeper.Current.Marker} {commandLine}\n");
    }
}
