using System.Globalization;
using System.Net;
using System.Text;

namespace CakeParallel.Services;

/// <summary>
/// Who listens on a local TCP port, read from Linux's <c>/proc</c>: the listening sockets' inodes from
/// <c>/proc/net/tcp</c> and <c>/proc/net/tcp6</c>, and the processes whose <c>/proc/PID/fd</c> links to them.
/// Elsewhere (no <c>/proc/net</c>) nothing is found and the callers skip their checks.
/// </summary>
internal static class ListeningSockets
{
    private const string ListenState = "0A";

    /// <summary>Whether the port can be inspected here (Linux).</summary>
    public static bool Supported => File.Exists("/proc/net/tcp");

    /// <summary>
    /// The inodes of the sockets listening on <paramref name="port"/> that a connection to one of
    /// <paramref name="addresses"/> would reach (bound to that address or to the wildcard address).
    /// </summary>
    public static IReadOnlyList<long> Inodes(int port, IReadOnlyList<IPAddress> addresses)
    {
        var inodes = new List<long>();
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            string[] lines;
            try
            {
                lines = File.ReadAllLines(table);
            }
            catch (IOException)
            {
                continue;
            }

            foreach (var line in lines.Skip(1))
            {
                // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length < 10 || fields[3] != ListenState)
                {
                    continue;
                }

                var colon = fields[1].IndexOf(':', StringComparison.Ordinal);
                if (colon < 0
                    || !int.TryParse(fields[1].AsSpan(colon + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var localPort)
                    || localPort != port
                    || !long.TryParse(fields[9], NumberStyles.None, CultureInfo.InvariantCulture, out var inode))
                {
                    continue;
                }

                var bound = ParseAddress(fields[1][..colon]);
                if (bound is not null && Reaches(bound, addresses))
                {
                    inodes.Add(inode);
                }
            }
        }

        return inodes;
    }

    /// <summary>The processes holding one of the sockets (every process that has it open, e.g. a forked server's parent and child).</summary>
    public static IReadOnlyList<int> Holders(IReadOnlyCollection<long> inodes)
    {
        if (inodes.Count == 0)
        {
            return [];
        }

        var links = inodes.Select(i => "socket:[" + i.ToString(CultureInfo.InvariantCulture) + "]").ToHashSet(StringComparer.Ordinal);
        var holders = new List<int>();
        foreach (var pid in ProcessIds())
        {
            try
            {
                foreach (var fd in Directory.EnumerateFileSystemEntries("/proc/" + pid.ToString(CultureInfo.InvariantCulture) + "/fd"))
                {
                    if (new FileInfo(fd).LinkTarget is { } target && links.Contains(target))
                    {
                        holders.Add(pid);
                        break;
                    }
                }
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // Ended while we looked, or not ours to inspect.
            }
        }

        return holders;
    }

    /// <summary>The <c>docker-proxy</c> processes that forward <paramref name="port"/> (<c>-host-port N</c>) to a container.</summary>
    public static IReadOnlyList<int> DockerProxies(int port)
    {
        var needle = "\0-host-port\0" + port.ToString(CultureInfo.InvariantCulture) + "\0";
        return ProcessIds()
            .Where(pid => CommandLine(pid, '\0') is { } line && Path.GetFileName(line.Split('\0')[0]) == "docker-proxy" && (line + "\0").Contains(needle, StringComparison.Ordinal))
            .ToArray();
    }

    /// <summary>E.g. <c>pid 4242 (python3 -m http.server 8000)</c>.</summary>
    public static string Describe(int pid) =>
        $"pid {pid.ToString(CultureInfo.InvariantCulture)} ({CommandLine(pid, ' ')?.Trim() ?? "?"})";

    /// <summary>When the process started, in clock ticks since boot (field 22 of <c>/proc/PID/stat</c>); 0 when unknown.</summary>
    public static long StartTicks(int pid)
    {
        try
        {
            var text = File.ReadAllText("/proc/" + pid.ToString(CultureInfo.InvariantCulture) + "/stat");
            var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            return fields.Length > 19 && long.TryParse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) ? ticks : 0;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    private static string? CommandLine(int pid, char separator)
    {
        try
        {
            var bytes = File.ReadAllBytes("/proc/" + pid.ToString(CultureInfo.InvariantCulture) + "/cmdline");
            return bytes.Length == 0 ? null : Encoding.UTF8.GetString(bytes).TrimEnd('\0').Replace('\0', separator);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static IEnumerable<int> ProcessIds()
    {
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory.AsSpan()), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid != Environment.ProcessId)
            {
                yield return pid;
            }
        }
    }

    /// <summary>A connection to one of <paramref name="addresses"/> reaches a socket bound to <paramref name="bound"/>.</summary>
    private static bool Reaches(IPAddress bound, IReadOnlyList<IPAddress> addresses) =>
        bound.Equals(IPAddress.Any) || bound.Equals(IPAddress.IPv6Any)
        || addresses.Any(a => a.Equals(bound) || (bound.IsIPv4MappedToIPv6 && a.Equals(bound.MapToIPv4())));

    /// <summary>A <c>/proc/net</c> address: 8 hex digits (IPv4) or 32 (IPv6), each 32-bit word in host (little-endian) order.</summary>
    private static IPAddress? ParseAddress(string hex)
    {
        if (hex.Length is not (8 or 32))
        {
            return null;
        }

        var bytes = new byte[hex.Length / 2];
        for (var word = 0; word < bytes.Length / 4; word++)
        {
            for (var b = 0; b < 4; b++)
            {
                bytes[(word * 4) + 3 - b] = byte.Parse(hex.AsSpan((word * 8) + (b * 2), 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            }
        }

        return new IPAddress(bytes);
    }
}
