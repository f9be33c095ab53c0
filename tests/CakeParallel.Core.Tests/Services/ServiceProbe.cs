using CakeParallel.Services;
using CakeParallel.Supervision;
using CakeParallel.Model;

namespace CakeParallel.Tests.Services;

/// <summary>What tests observe about services from the outside: free ports, listening ports, live processes of a group.</summary>
internal static class ServiceProbe
{
    public static int FreePort() => CakeParallel.Testing.LoopbackPorts.Free();

    public static bool IsListening(int port) => CakeParallel.Testing.LoopbackPorts.IsListening(port);

    /// <summary>Every live process whose process group is the service's, read from /proc.</summary>
    public static IReadOnlyList<int> LiveGroupMembers(RunningService service) =>
        ProcessGroupPlatform.Current.LiveMembers(service.ProcessId ?? throw new InvalidOperationException("the service never started"));

    public static ServiceSpec HttpServer(Scratch scratch, string name, int port) =>
        new(name, "python3", ["-m", "http.server", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1"])
        {
            WorkingDirectory = scratch.Directory,
            Probes = [new HttpProbe($"http://127.0.0.1:{port}/")],
            ReadinessTimeout = TimeSpan.FromSeconds(30),
            Termination = TerminationSequence.WithGracePeriod(TimeSpan.FromSeconds(3)),
            LogFile = scratch.PathOf($"logs/{name}.log"),
        };

    public static ServiceSpec Sh(Scratch scratch, string name, string script) =>
        ServiceSpec.Shell(name, script) with
        {
            ReadinessTimeout = TimeSpan.FromSeconds(20),
            ProbeInterval = TimeSpan.FromMilliseconds(100),
            Termination = TerminationSequence.WithGracePeriod(TimeSpan.FromSeconds(2)),
            LogFile = scratch.PathOf($"logs/{name}.log"),
        };
}
