using System.Globalization;
using System.Text;
using CakeParallel.Model;
using CakeParallel.Supervision;

namespace CakeParallel.Scheduling;

/// <summary>
/// Memory and load admission, machine-wide: available memory is <c>MemAvailable</c> from <c>/proc/meminfo</c>
/// minus the live reservations of every run on the machine; the load is the 1-minute average of <c>/proc/loadavg</c>.
/// </summary>
/// <remarks>
/// A reservation is a file in <c>/tmp/cakeparallel-slots/reservations/</c> holding its size, locked by its holder
/// while the leg runs; a reservation whose file is not locked belongs to a dead holder and is ignored (and
/// removed). Checking and reserving happen under one machine-wide lock, so two runs cannot both take the last
/// free gigabyte. A running leg's actual use also lowers <c>MemAvailable</c>, so a reservation counts it twice
/// while it runs: admission errs on the side of starting later.
/// </remarks>
internal static class MachineResources
{
    private static readonly string Folder = Path.Combine(MachineSlotPool.Root, "reservations");
    private static long _sequence;

    /// <summary>Reserves <paramref name="memory"/> if memory and load allow a leg to start now.</summary>
    /// <param name="memory">The leg's declared memory, or <see langword="null"/>.</param>
    /// <param name="minFreeMemory">The free memory that must remain, or <see langword="null"/>.</param>
    /// <param name="maxLoad">The load the 1-minute average must be below, or <see langword="null"/>.</param>
    /// <param name="reservation">The reservation to dispose when the attempt ends (<see langword="null"/> when nothing was reserved).</param>
    /// <param name="shortage">When not admitted: what the leg waits for and what there is, e.g. <c>2 GiB of free memory; 1.1 GiB was available</c>.</param>
    public static bool TryAdmit(long? memory, long? minFreeMemory, double? maxLoad, out IDisposable? reservation, out string shortage)
    {
        reservation = null;
        shortage = "";
        if (maxLoad is { } limit && ReadLoad() is var load && load >= limit)
        {
            shortage = string.Create(CultureInfo.InvariantCulture, $"the 1-minute load to drop below {limit:0.##}; it was {load:0.##}");
            return false;
        }

        if (memory is null && minFreeMemory is null)
        {
            return true;
        }

        MachineSlotPool.CreateShared(MachineSlotPool.Root);
        MachineSlotPool.CreateShared(Folder);
        using var admission = FileLock.Open(Path.Combine(MachineSlotPool.Root, "admission.lock"));
        admission.LockExclusiveWaiting();
        var reserved = LiveReservations();
        var available = ReadMemAvailable() - reserved;
        var needed = (memory ?? 0) + (minFreeMemory ?? 0);
        if (available < needed)
        {
            var what = memory is { } m
                ? ByteSize.Format(m) + " of free memory" + (minFreeMemory is { } f ? $" above the {ByteSize.Format(f)} that must stay free" : "")
                : ByteSize.Format(minFreeMemory!.Value) + " of free memory";
            shortage = $"{what}; {ByteSize.Format(Math.Max(available, 0))} was available" + (reserved > 0 ? $" ({ByteSize.Format(reserved)} reserved by running legs)" : "");
            return false;
        }

        if (memory is { } bytes)
        {
            reservation = Reserve(bytes);
        }

        return true;
    }

    private static IDisposable Reserve(long bytes)
    {
        var path = Path.Combine(Folder, $"{Environment.ProcessId}-{Interlocked.Increment(ref _sequence)}");
        var file = FileLock.Open(path);
        file.TryLock(exclusive: true);
        file.Write(Encoding.ASCII.GetBytes(bytes.ToString(CultureInfo.InvariantCulture)));
        return new Reservation(file);
    }

    private static long LiveReservations()
    {
        long total = 0;
        foreach (var path in Directory.EnumerateFiles(Folder))
        {
            using var file = FileLock.TryOpenExisting(path);
            if (file is null)
            {
                continue;
            }

            if (file.TryLock(exclusive: false))
            {
                // No one holds it: its holder died without removing it.
                File.Delete(path);
                continue;
            }

            total += long.TryParse(file.Read(), NumberStyles.None, CultureInfo.InvariantCulture, out var bytes) ? bytes : 0;
        }

        return total;
    }

    private static long ReadMemAvailable()
    {
        foreach (var line in File.ReadLines("/proc/meminfo"))
        {
            if (line.StartsWith("MemAvailable:", StringComparison.Ordinal))
            {
                return long.Parse(line["MemAvailable:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new IOException("/proc/meminfo has no MemAvailable line.");
    }

    private static double ReadLoad() =>
        double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);

    private sealed class Reservation(FileLock file) : IDisposable
    {
        public void Dispose()
        {
            File.Delete(file.Path);
            file.Dispose();
        }
    }
}
