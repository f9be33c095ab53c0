using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.Core.IO;
using CakeParallel.Model;
using CakeParallel.Services;

namespace Cake.Parallel;

/// <summary>
/// A service started by <see cref="ServiceAliases.StartService(Cake.Core.ICakeContext, string, string, ServiceSettings)"/>.
/// Disposing it (or <see cref="Stop"/>) stops the service's whole process group; a service still running when the
/// Cake script ends, fails or is interrupted (Ctrl+C, SIGTERM, SIGHUP) is stopped as well. A service that died or
/// turned unhealthy after it was ready is logged as an error when it happens, and stopping it then throws, so the
/// task fails (unless <see cref="ServiceSettings.ServiceFailureIsWarning"/> is set: then it is only a warning).
/// </summary>
public sealed class ServiceHandle : IDisposable
{
    private readonly ICakeLog _log;
    private int _stopped;

    internal ServiceHandle(RunningService service, ICakeLog log)
    {
        Service = service;
        _log = log;
        service.Failed += (_, e) =>
        {
            if (e.FailsRun)
            {
                log.Error("{0}", $"{e}; see {e.LogFile}");
            }
            else
            {
                log.Warning("{0}", $"{e}; see {e.LogFile}");
            }
        };
    }

    /// <summary>Gets the engine's view of the service (events, output tail, specification).</summary>
    public RunningService Service { get; }

    /// <summary>Gets the service's name.</summary>
    public string Name => Service.Name;

    /// <summary>Gets where the service is in its life (ready, died, stopped).</summary>
    public ServiceState State => Service.State;

    /// <summary>Gets the service's log file: its output, timestamped, with the probes' and the stop's notes.</summary>
    public FilePath LogFile => new(Service.LogFile);

    /// <summary>Gets the id of the service's main process, which is also its process group id.</summary>
    public int? ProcessId => Service.ProcessId;

    /// <summary>Gets how long the service took to become ready.</summary>
    public TimeSpan? ReadyAfter => Service.ReadyAfter;

    /// <summary>Gets the main process's exit code once it has exited.</summary>
    public int? ExitCode => Service.ExitCode;

    /// <summary>Stops the service (SIGTERM to its group, the grace period, then SIGKILL) and waits until no process of it is alive. Idempotent.</summary>
    /// <exception cref="CakeException">The service died or turned unhealthy after it was ready (thrown once), unless that is only a warning.</exception>
    public void Stop()
    {
        Service.StopAsync().GetAwaiter().GetResult();
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        if (Service.Events.LastOrDefault() is { Kind: ServiceEventKind.Stopped } stopped)
        {
            _log.Information("{0}", char.ToUpperInvariant(stopped.Message[0]) + stopped.Message[1..] + ".");
        }

        if (Service.Events.FirstOrDefault(e => e.FailsRun) is { } failure)
        {
            throw new CakeException($"{failure}; see {failure.LogFile}");
        }
    }

    /// <summary>Stops the service (see <see cref="Stop"/>).</summary>
    public void Dispose() => Stop();

    /// <summary>E.g. <c>service 'registry' (Ready, pid 4242)</c>.</summary>
    public override string ToString() => $"service '{Name}' ({State}, pid {ProcessId})";
}
