using CakeParallel.Services;
using Microsoft.Build.Framework;
using CakeParallel.Model;
using Task = Microsoft.Build.Utilities.Task;

namespace CakeParallel.MSBuild;

/// <summary>
/// Starts a background service (a local registry, a test server) in its own process group and returns once its
/// readiness probes pass. The service is registered with the build: it is stopped by <see cref="StopService"/>,
/// or at the latest when the build ends, also when a later target fails or the build is cancelled.
/// </summary>
/// <example>
/// <code><![CDATA[
/// <Target Name="StartWeb">
///   <StartService Name="web" Executable="python3" Arguments="-m;http.server;8000;--bind;127.0.0.1"
///                 HttpUrl="http://127.0.0.1:8000/" ReadinessTimeout="30000" />
/// </Target>
/// <Target Name="Smoke" DependsOnTargets="StartWeb">
///   <Exec Command="curl -sf http://127.0.0.1:8000/" />
///   <StopService Name="web" />
/// </Target>
/// ]]></code>
/// </example>
public sealed class StartService : Task, ICancelableTask
{
    // Never disposed: Cancel() may arrive after Execute returned.
    private readonly CancellationTokenSource _cancellation = new();

    /// <summary>The service's name, unique among the services of the build; <see cref="StopService"/> finds it by this name.</summary>
    [Required]
    public string Name { get; set; } = "";

    /// <summary>A command line run through <c>/bin/sh -c</c>, like <c>Exec</c>'s; or use <see cref="Executable"/>.</summary>
    public string? Command { get; set; }

    /// <summary>The program to run (a path, or a name looked up on <c>PATH</c>), with <see cref="Arguments"/>.</summary>
    public string? Executable { get; set; }

    /// <summary>The argv of <see cref="Executable"/>, each element passed literally (<c>%3B</c> for a literal semicolon).</summary>
    public string[] Arguments { get; set; } = [];

    /// <summary>The working directory, relative to the project directory (the default).</summary>
    public string? WorkingDirectory { get; set; }

    /// <summary>Environment variables for the service and its probe command, as <c>NAME=value</c> items.</summary>
    public string[] EnvironmentVariables { get; set; } = [];

    /// <summary>Ready when an HTTP GET of this URL answers 2xx (or <see cref="HttpStatus"/>).</summary>
    public string? HttpUrl { get; set; }

    /// <summary>The HTTP status <see cref="HttpUrl"/> must answer with (default: any 2xx).</summary>
    public int HttpStatus { get; set; }

    /// <summary>Ready when a TCP connection to <see cref="TcpHost"/>:<c>TcpPort</c> is accepted.</summary>
    public int TcpPort { get; set; }

    /// <summary>The host of <see cref="TcpPort"/> (default <c>127.0.0.1</c>).</summary>
    public string TcpHost { get; set; } = "127.0.0.1";

    /// <summary>Ready when this command line (run through <c>/bin/sh -c</c>) exits with code 0.</summary>
    public string? ReadyCommand { get; set; }

    /// <summary>Ready when a line of the service's output matches this regular expression.</summary>
    public string? ReadyOutput { get; set; }

    /// <summary>Milliseconds the service has to become ready before it is stopped and the task fails (default 60000).</summary>
    public int ReadinessTimeout { get; set; } = 60_000;

    /// <summary>Milliseconds between rounds of probes (default 250).</summary>
    public int ProbeInterval { get; set; } = 250;

    /// <summary>Milliseconds one probe may take (default 5000).</summary>
    public int ProbeTimeout { get; set; } = 5_000;

    /// <summary>Milliseconds the service may take to exit after <c>SIGTERM</c> before it is killed (default 10000).</summary>
    public int GracePeriod { get; set; } = 10_000;

    /// <summary>Milliseconds between health checks once the service is ready (the probes run again); 0 (the default) checks readiness once.</summary>
    public int HealthCheckInterval { get; set; }

    /// <summary>How many health checks in a row must fail before the service is unhealthy (default 3).</summary>
    public int HealthCheckFailures { get; set; } = 3;

    /// <summary>
    /// Whether a service that dies or turns unhealthy after it was ready is only a warning. By default it is an
    /// error: <see cref="StopService"/> then fails.
    /// </summary>
    public bool ServiceFailureIsWarning { get; set; }

    /// <summary>The most the service's log may hold, in bytes (default 100 MB); past it the oldest half is dropped.</summary>
    public long MaxLogBytes { get; set; } = 100L * 1024 * 1024;

    /// <summary>The service's log file, relative to the project directory (default: a new file under the temp directory); set on output.</summary>
    [Output]
    public string? LogFile { get; set; }

    /// <summary>The id of the service's main process, which is also its process group id.</summary>
    [Output]
    public int ProcessId { get; private set; }

    /// <summary>The key under which a service is registered with the build engine.</summary>
    internal static string RegistrationKey(string name) => "CakeParallel.Service:" + name;

    /// <summary>Cancels a start that is waiting for readiness; the service is stopped. Returns at once.</summary>
    public void Cancel() => _ = _cancellation.CancelAsync();

    /// <summary>Validates the parameters, starts the service, waits until it is ready and registers it with the build.</summary>
    public override bool Execute()
    {
        var diagnostics = new TaskDiagnostics(Log, BuildEngine);
        if (BuildEngine is not IBuildEngine4 engine)
        {
            diagnostics.Error(ErrorCodes.SettingInvalid, "StartService needs an MSBuild engine that keeps task objects for the build (IBuildEngine4).");
            return false;
        }

        var projectDirectory = Directory.GetCurrentDirectory();
        var (spec, probeParameters, errors) = ReadSpec(projectDirectory);
        errors.AddRange(ServiceValidator.Validate([spec]).Select(e => e with { Field = ParameterOf(e.Field, probeParameters) }));
        if (engine.GetRegisteredTaskObject(RegistrationKey(Name), RegisteredTaskObjectLifetime.Build) is RunningService { State: ServiceState.Starting or ServiceState.Ready or ServiceState.Unhealthy })
        {
            errors.Add(new ValidationError(ErrorCodes.ServiceNameDuplicate, null, nameof(Name), $"a service named '{Name}' is already running in this build; stop it first or choose another name."));
        }

        if (errors.Count > 0)
        {
            foreach (var error in errors)
            {
                diagnostics.Error(error.Code, $"parameter {error.Field}: {error.Message}");
            }

            return false;
        }

        Log.LogMessage(MessageImportance.High, $"Starting service '{Name}': {spec.DisplayCommand}");
        var engine3 = BuildEngine as IBuildEngine3;
        engine3?.Yield();
        RunningService service;
        try
        {
            service = System.Threading.Tasks.Task.Run(() => RunningService.StartAsync(spec, _cancellation.Token)).GetAwaiter().GetResult();
        }
        catch (ServiceStartException exception)
        {
            // The code goes in the diagnostic's code field; the message carries the rest (reason, log, last output).
            var code = exception.Code ?? ErrorCodes.ServiceStartFailed;
            diagnostics.Error(code, exception.Message.StartsWith(code + " ", StringComparison.Ordinal) ? exception.Message[(code.Length + 1)..] : exception.Message);
            return false;
        }
        catch (InvalidRunException exception)
        {
            // E.g. the log file is being written by another service or build.
            foreach (var error in exception.Errors)
            {
                diagnostics.Error(error.Code, $"parameter {ParameterOf(error.Field, [])}: {error.Message}");
            }

            return false;
        }
        catch (OperationCanceledException) when (_cancellation.IsCancellationRequested)
        {
            diagnostics.Error(ErrorCodes.ServiceStartCancelled, $"service '{Name}' was cancelled before it was ready; it has been stopped.");
            return false;
        }
        finally
        {
            engine3?.Reacquire();
        }

        // Disposed by MSBuild when the build ends, whether or not a target calls StopService.
        engine.RegisterTaskObject(RegistrationKey(Name), service, RegisteredTaskObjectLifetime.Build, allowEarlyCollection: false);
        LogFile = service.LogFile;
        ProcessId = service.ProcessId ?? 0;
        Log.LogMessage(MessageImportance.High, $"Service '{Name}' is ready after {DurationText.Format(service.ReadyAfter ?? TimeSpan.Zero)} (pid {ProcessId}); log: {LogFile}");
        return true;
    }

    private (ServiceSpec Spec, List<string> ProbeParameters, List<ValidationError> Errors) ReadSpec(string projectDirectory)
    {
        var errors = new List<ValidationError>();
        var hasCommand = !string.IsNullOrEmpty(Command);
        var hasExecutable = !string.IsNullOrEmpty(Executable);
        if (hasCommand == hasExecutable)
        {
            errors.Add(new ValidationError(ErrorCodes.SettingInvalid, null, "Command", "give either Command (a shell command line) or Executable (with Arguments), not both and not neither."));
        }

        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (key, value) in EnvironmentAssignments.Parse(string.Join(";", EnvironmentVariables.Select(MSBuildEscaping.Escape)), null, nameof(EnvironmentVariables), errors))
        {
            environment[key] = value;
        }

        var probes = new List<ReadinessProbe>();
        var probeParameters = new List<string>();
        void AddProbe(string parameter, ReadinessProbe probe)
        {
            probes.Add(probe);
            probeParameters.Add(parameter);
        }

        if (!string.IsNullOrEmpty(HttpUrl))
        {
            AddProbe(nameof(HttpUrl), new HttpProbe(HttpUrl) { ExpectedStatus = HttpStatus == 0 ? null : HttpStatus });
        }

        if (TcpPort != 0)
        {
            AddProbe(nameof(TcpPort), new TcpProbe(TcpHost, TcpPort));
        }

        if (!string.IsNullOrEmpty(ReadyCommand))
        {
            AddProbe(nameof(ReadyCommand), CommandProbe.Shell(ReadyCommand));
        }

        if (!string.IsNullOrEmpty(ReadyOutput))
        {
            AddProbe(nameof(ReadyOutput), new OutputProbe(ReadyOutput));
        }

        var spec = (hasCommand ? ServiceSpec.Shell(Name, Command!) : new ServiceSpec(Name, Executable ?? "", Arguments)) with
        {
            WorkingDirectory = Path.GetFullPath(string.IsNullOrEmpty(WorkingDirectory) ? "." : WorkingDirectory, projectDirectory),
            EnvironmentVariables = environment,
            Probes = probes,
            ReadinessTimeout = TimeSpan.FromMilliseconds(ReadinessTimeout),
            ProbeInterval = TimeSpan.FromMilliseconds(ProbeInterval),
            ProbeTimeout = TimeSpan.FromMilliseconds(ProbeTimeout),
            Termination = TerminationSequence.WithGracePeriod(TimeSpan.FromMilliseconds(GracePeriod)),
            LogFile = string.IsNullOrEmpty(LogFile) ? null : Path.GetFullPath(LogFile, projectDirectory),
            HealthCheckInterval = HealthCheckInterval == 0 ? null : TimeSpan.FromMilliseconds(HealthCheckInterval),
            HealthCheckFailures = HealthCheckFailures,
            ServiceFailureIsWarning = ServiceFailureIsWarning,
            MaxLogBytes = MaxLogBytes,
        };
        return (spec, probeParameters, errors);
    }

    /// <summary>The task parameter an engine field stands for, e.g. <c>Services['web'].Probes[1].Port</c> → <c>TcpPort</c>.</summary>
    private string ParameterOf(string field, List<string> probeParameters)
    {
        var prefix = $"Services['{Name}'].";
        var relative = field.StartsWith(prefix, StringComparison.Ordinal) ? field[prefix.Length..] : field;
        if (relative.StartsWith("Probes[", StringComparison.Ordinal))
        {
            var index = int.Parse(relative["Probes[".Length..relative.IndexOf(']', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture);
            return probeParameters[index];
        }

        return relative switch
        {
            "Termination" => nameof(GracePeriod),
            "Executable" when !string.IsNullOrEmpty(Command) => nameof(Command),
            _ => relative,
        };
    }
}
