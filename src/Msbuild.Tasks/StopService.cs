using CakeParallel.Services;
using Microsoft.Build.Framework;
using CakeParallel.Model;
using Task = Microsoft.Build.Utilities.Task;

namespace CakeParallel.MSBuild;

/// <summary>
/// Stops a service started by <see cref="StartService"/> in this build: <c>SIGTERM</c> to its process group, the
/// grace period, then <c>SIGKILL</c>; returns when no process of it is alive. Stopping a service that is not running
/// (never started, already stopped) does nothing. A service that died or turned unhealthy while the build ran fails
/// the task (an error with its code), or is a warning with <see cref="StartService.ServiceFailureIsWarning"/>.
/// </summary>
/// <example>
/// <code><![CDATA[
/// <StopService Name="web" />
/// ]]></code>
/// </example>
public sealed class StopService : Task
{
    /// <summary>The name given to <see cref="StartService"/>.</summary>
    [Required]
    public string Name { get; set; } = "";

    /// <summary>The service's exit code (empty when no such service was running).</summary>
    [Output]
    public string ExitCode { get; private set; } = "";

    /// <summary>Stops the service and forgets it.</summary>
    public override bool Execute()
    {
        var diagnostics = new TaskDiagnostics(Log, BuildEngine);
        if (BuildEngine is not IBuildEngine4 engine
            || engine.UnregisterTaskObject(StartService.RegistrationKey(Name), RegisteredTaskObjectLifetime.Build) is not RunningService service)
        {
            Log.LogMessage(MessageImportance.Normal, $"StopService: no service named '{Name}' is running in this build.");
            return true;
        }

        var engine3 = BuildEngine as IBuildEngine3;
        engine3?.Yield();
        try
        {
            service.StopAsync().GetAwaiter().GetResult();
        }
        finally
        {
            engine3?.Reacquire();
        }

        ExitCode = service.ExitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "";
        var failed = false;
        foreach (var failure in service.Events.Where(e => e.Kind is ServiceEventKind.Died or ServiceEventKind.Unhealthy))
        {
            var code = failure.Code ?? ErrorCodes.ServiceDied;
            if (failure.FailsRun)
            {
                failed = true;
                diagnostics.Error(code, $"{failure.Message} (log: {failure.LogFile})");
            }
            else
            {
                diagnostics.Warning(code, $"{failure.Message} (log: {failure.LogFile})");
            }
        }

        if (service.Events.LastOrDefault() is { Kind: ServiceEventKind.Stopped } stopped)
        {
            Log.LogMessage(MessageImportance.High, char.ToUpperInvariant(stopped.Message[0]) + stopped.Message[1..] + ".");
        }

        return !failed;
    }
}
