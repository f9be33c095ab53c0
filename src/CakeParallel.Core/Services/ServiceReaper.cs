using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace CakeParallel.Services;

/// <summary>
/// The last line of defence: stops every service still running when the host process exits
/// (<see cref="AppDomain.ProcessExit"/>) or receives SIGINT, SIGTERM or SIGHUP. Services run in sessions of their
/// own, so neither a terminal's Ctrl+C nor the host's death reaches them by itself.
/// </summary>
/// <remarks>
/// The signal handlers stop the services and then let the signal take its course: they never keep the host alive.
/// A host that cancels the signal itself (HostSignalCancellation, MSBuild) carries on without them.
/// </remarks>
internal static class ServiceReaper
{
    private static readonly ConcurrentDictionary<ServiceLifecycle, byte> Live = new();
    private static readonly Lock Gate = new();
    private static PosixSignalRegistration[]? _registrations;

    public static void Track(ServiceLifecycle service)
    {
        Live.TryAdd(service, 0);
        lock (Gate)
        {
            if (_registrations is not null)
            {
                return;
            }

            AppDomain.CurrentDomain.ProcessExit += (_, _) => StopAll();
            _registrations =
            [
                PosixSignalRegistration.Create(PosixSignal.SIGINT, _ => StopAll()),
                PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ => StopAll()),
                PosixSignalRegistration.Create(PosixSignal.SIGHUP, _ => StopAll()),
            ];
        }
    }

    public static void Forget(ServiceLifecycle service) => Live.TryRemove(service, out _);

    private static void StopAll()
    {
        var services = Live.Keys.ToArray();
        if (services.Length > 0)
        {
            Task.WhenAll(services.Select(s => s.StopAsync())).GetAwaiter().GetResult();
        }
    }
}
