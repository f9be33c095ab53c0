using System.Diagnostics;
using System.Globalization;
using System.Net.NetworkInformation;

namespace CakeParallel.Testing;

/// <summary>
/// A second (third, …) real dockerd beside the default one: its own socket, data root, exec root, pidfile and a
/// bridge of its own (never <c>--bridge=none</c>, which would delete the default daemon's docker0), with the base
/// image imported. Disposing stops only what it started, found by its unique folder in their command lines
/// (dockerd, its containerd and shims), then deletes its bridge and folder.
/// </summary>
public sealed class ExtraDockerEngine : IDisposable
{
    private static readonly Lock SubnetGate = new();

    private readonly string _root;
    private readonly string _bridge;
    private readonly Process _daemon;

    private ExtraDockerEngine(string root, string bridge, Process daemon)
    {
        _root = root;
        _bridge = bridge;
        _daemon = daemon;
    }

    /// <summary>The engine's socket as a <c>DOCKER_HOST</c> value.</summary>
    public string Host => "unix://" + Socket;

    /// <summary>The engine's socket path.</summary>
    public string Socket => Path.Combine(_root, "docker.sock");

    /// <summary>The dockerd's process id.</summary>
    public int ProcessId => _daemon.Id;

    /// <summary>The daemon's own log.</summary>
    public string LogFile => Path.Combine(_root, "dockerd.log");

    /// <summary>Starts an engine and imports the base image into it; throws with the daemon's log when it does not come up.</summary>
    /// <param name="daemonArguments">Further dockerd options, e.g. <c>--insecure-registry=…</c>.</param>
    public static ExtraDockerEngine Start(params string[] daemonArguments)
    {
        // Short paths: containerd's sockets live under the exec root and a unix socket path is limited to 107 bytes.
        var root = Path.Combine("/tmp", "cpe-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(root);
        var bridge = "cpar-e" + Guid.NewGuid().ToString("N")[..8];
        lock (SubnetGate)
        {
            var subnet = FreeSubnet();
            Ip("link", "add", bridge, "type", "bridge");
            Ip("addr", "add", $"172.31.{subnet}.1/24", "dev", bridge);
            Ip("link", "set", bridge, "up");
        }

        var startInfo = new ProcessStartInfo("dockerd") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])
        [
            "-H", "unix://" + Path.Combine(root, "docker.sock"), "--data-root", Path.Combine(root, "data"), "--exec-root", Path.Combine(root, "exec"),
            "--pidfile", Path.Combine(root, "docker.pid"), "--bridge=" + bridge, "--iptables=false", "--ip-masq=false",
            .. daemonArguments,
        ])
        {
            startInfo.ArgumentList.Add(argument);
        }

        var daemon = Process.Start(startInfo)!;
        var engine = new ExtraDockerEngine(root, bridge, daemon);
        var log = new StreamWriter(engine.LogFile) { AutoFlush = true };
        daemon.OutputDataReceived += (_, e) => Write(log, e.Data);
        daemon.ErrorDataReceived += (_, e) => Write(log, e.Data);
        daemon.BeginOutputReadLine();
        daemon.BeginErrorReadLine();
        try
        {
            engine.WaitUntilAnswering(TimeSpan.FromSeconds(60));
            engine.PrepareBaseImage();
            return engine;
        }
        catch
        {
            engine.Dispose();
            throw;
        }
    }

    /// <summary>Runs the docker client against this engine.</summary>
    public TestDocker.Result Docker(params string[] arguments) => Client(arguments, TimeSpan.FromSeconds(60));

    /// <summary>Kills the engine at once (dockerd, its containerd and shims, SIGKILL), as a crashed machine would go.</summary>
    public void Kill()
    {
        foreach (var pid in ProcessScan.LiveWithMarker(_root))
        {
            Signal(pid, "KILL");
        }
    }

    public void Dispose()
    {
        if (!_daemon.HasExited)
        {
            Signal(_daemon.Id, "TERM");
            if (!_daemon.WaitForExit(TimeSpan.FromSeconds(20)))
            {
                Signal(_daemon.Id, "KILL");
            }
        }

        // Whatever the daemon started and left (containerd, shims) carries the engine's folder in its command line.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (ProcessScan.LiveWithMarker(_root) is { Count: > 0 } left)
        {
            foreach (var pid in left)
            {
                Signal(pid, DateTime.UtcNow < deadline ? "TERM" : "KILL");
            }

            Thread.Sleep(200);
        }

        _daemon.Dispose();
        TryIp("link", "del", _bridge);
        Unmount();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A busy mount under the data root keeps a folder in /tmp; nothing runs from it any more.
        }
    }

    private void WaitUntilAnswering(TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (DateTime.UtcNow < deadline)
        {
            if (_daemon.HasExited)
            {
                throw new InvalidOperationException($"dockerd exited with {_daemon.ExitCode}: {File.ReadAllText(LogFile)}");
            }

            if (File.Exists(Socket) && Client(["version", "--format", "{{.Server.Version}}"], TimeSpan.FromSeconds(10)).ExitCode == 0)
            {
                return;
            }

            Thread.Sleep(300);
        }

        throw new TimeoutException($"dockerd at {Host} did not answer within {limit}: {File.ReadAllText(LogFile)}");
    }

    private void PrepareBaseImage()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "CakeParallel.sln")))
        {
            directory = directory.Parent;
        }

        var startInfo = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        startInfo.ArgumentList.Add(Path.Combine(directory!.FullName, "examples", "docker-matrix", "prepare-base-image.sh"));
        startInfo.ArgumentList.Add(DockerBaseImage.Name);
        startInfo.Environment["DOCKER_HOST"] = Host;
        using var script = Process.Start(startInfo)!;
        var output = script.StandardOutput.ReadToEndAsync();
        var error = script.StandardError.ReadToEndAsync();
        if (!script.WaitForExit(TimeSpan.FromMinutes(2)) || script.ExitCode != 0)
        {
            throw new InvalidOperationException($"could not import {DockerBaseImage.Name} into {Host}: {output.Result}{error.Result}");
        }
    }

    private TestDocker.Result Client(IEnumerable<string> arguments, TimeSpan limit)
    {
        var startInfo = new ProcessStartInfo("docker") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        startInfo.Environment["DOCKER_HOST"] = Host;
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            return new TestDocker.Result(124, "", "no answer in time");
        }

        return new TestDocker.Result(process.ExitCode, stdout.Result, stderr.Result);
    }

    private void Unmount()
    {
        // dockerd mounts under its data and exec roots; after a SIGKILL those mounts stay and keep the folder busy.
        var mounts = File.ReadAllLines("/proc/self/mounts").Select(l => l.Split(' ')[1]).Where(m => m.StartsWith(_root, StringComparison.Ordinal)).OrderByDescending(m => m.Length);
        foreach (var mount in mounts)
        {
            using var umount = Process.Start(new ProcessStartInfo("umount", ["-l", mount]) { UseShellExecute = false, RedirectStandardError = true })!;
            umount.WaitForExit(TimeSpan.FromSeconds(10));
        }
    }

    /// <summary>A third octet for 172.31.X.0/24 that no interface on the machine uses yet.</summary>
    private static int FreeSubnet()
    {
        var used = NetworkInterface.GetAllNetworkInterfaces()
            .SelectMany(i => i.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address.GetAddressBytes())
            .Where(b => b.Length == 4 && b[0] == 172 && b[1] == 31)
            .Select(b => (int)b[2])
            .ToHashSet();
        var candidates = Enumerable.Range(200, 55).Where(o => !used.Contains(o)).ToArray();
        return candidates.Length > 0 ? candidates[Random.Shared.Next(candidates.Length)] : throw new InvalidOperationException("no free 172.31.200-254.0/24 subnet for another engine's bridge");
    }

    private static void Ip(params string[] arguments)
    {
        var (exit, error) = RunIp(arguments);
        if (exit != 0)
        {
            throw new InvalidOperationException($"ip {string.Join(' ', arguments)} failed: {error}");
        }
    }

    private static void TryIp(params string[] arguments) => RunIp(arguments);

    private static (int Exit, string Error) RunIp(string[] arguments)
    {
        using var ip = Process.Start(new ProcessStartInfo("ip", arguments) { UseShellExecute = false, RedirectStandardError = true })!;
        var error = ip.StandardError.ReadToEnd();
        ip.WaitForExit();
        return (ip.ExitCode, error);
    }

    private static void Signal(int pid, string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-" + signal, pid.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false, RedirectStandardError = true })!;
        kill.WaitForExit();
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is not null)
        {
            lock (log)
            {
                log.WriteLine(line);
            }
        }
    }
}
