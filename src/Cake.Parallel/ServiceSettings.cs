using Cake.Core;
using Cake.Core.IO;
using CakeParallel.Model;
using CakeParallel.Services;

namespace Cake.Parallel;

/// <summary>
/// How <see cref="ServiceAliases.StartService(ICakeContext, string, string, ServiceSettings)"/> runs a background
/// service: its arguments, environment, readiness probes and how it is stopped.
/// </summary>
/// <remarks>
/// Arguments are passed literally (no shell parses them). The service must stay in the foreground: a program that
/// forks into the background and exits fails with CPAR0508 (its background processes are ended).
/// </remarks>
public sealed class ServiceSettings
{
    /// <summary>Gets the arguments, each passed literally.</summary>
    public IList<string> Arguments { get; } = new List<string>();

    /// <summary>
    /// Gets or sets the working directory; relative paths are resolved against the Cake working directory, which is
    /// also the default.
    /// </summary>
    public DirectoryPath? WorkingDirectory { get; set; }

    /// <summary>Gets the environment variables set for the service; a <see langword="null"/> value removes the variable.</summary>
    public IDictionary<string, string?> EnvironmentVariables { get; } = new Dictionary<string, string?>(StringComparer.Ordinal);

    /// <summary>
    /// Gets the readiness probes (<see cref="HttpProbe"/>, <see cref="TcpProbe"/>, <see cref="CommandProbe"/>,
    /// <see cref="OutputProbe"/>); the service is ready once every one has passed. With none, it is ready once started.
    /// </summary>
    public ICollection<ReadinessProbe> Probes { get; } = new List<ReadinessProbe>();

    /// <summary>Gets or sets the pause between rounds of probes (default 250 ms).</summary>
    public TimeSpan? ProbeInterval { get; set; }

    /// <summary>Gets or sets how long one probe may take (default 5 s).</summary>
    public TimeSpan? ProbeTimeout { get; set; }

    /// <summary>Gets or sets how long the service has to become ready before it is stopped and the task fails (default 60 s).</summary>
    public TimeSpan? ReadinessTimeout { get; set; }

    /// <summary>Gets or sets how long the service may take to exit after <c>SIGTERM</c> before it is killed (default 10 s).</summary>
    public TimeSpan? GracePeriod { get; set; }

    /// <summary>Gets or sets the service's log file, relative to the Cake working directory (default: a new file under the temp directory).</summary>
    public FilePath? LogFile { get; set; }

    /// <summary>Gets values that must never appear in the service's log (tokens, passwords); each occurrence is written as <c>***</c>.</summary>
    public ICollection<string> SecretValues { get; } = new List<string>();

    /// <summary>
    /// Gets or sets how often the probes (output probes excepted) run again once the service is ready; unset
    /// (the default) checks readiness once. A service that fails <see cref="HealthCheckFailures"/> checks in a row is unhealthy.
    /// </summary>
    public TimeSpan? HealthCheckInterval { get; set; }

    /// <summary>Gets or sets how many health checks in a row must fail before the service is unhealthy (default 3).</summary>
    public int? HealthCheckFailures { get; set; }

    /// <summary>
    /// Gets or sets whether a service that dies or turns unhealthy after it was ready is only a warning. By default
    /// it is an error: stopping the service (disposing its handle) then fails the task.
    /// </summary>
    public bool ServiceFailureIsWarning { get; set; }

    /// <summary>Gets or sets the most the service's log may hold in bytes (default 100 MB); past it the oldest half is dropped.</summary>
    public long? MaxLogBytes { get; set; }

    internal ServiceSpec ToServiceSpec(string name, string executable, ICakeEnvironment environment)
    {
        var defaults = new ServiceSpec(name, executable);
        return defaults with
        {
            Arguments = Arguments.ToArray(),
            WorkingDirectory = (WorkingDirectory ?? environment.WorkingDirectory).MakeAbsolute(environment).FullPath,
            EnvironmentVariables = new Dictionary<string, string?>(EnvironmentVariables, StringComparer.Ordinal),
            Probes = Probes.ToArray(),
            ProbeInterval = ProbeInterval ?? defaults.ProbeInterval,
            ProbeTimeout = ProbeTimeout ?? defaults.ProbeTimeout,
            ReadinessTimeout = ReadinessTimeout ?? defaults.ReadinessTimeout,
            Termination = GracePeriod is { } grace ? TerminationSequence.WithGracePeriod(grace) : defaults.Termination,
            LogFile = LogFile?.MakeAbsolute(environment).FullPath,
            SecretValues = SecretValues.ToArray(),
            HealthCheckInterval = HealthCheckInterval,
            HealthCheckFailures = HealthCheckFailures ?? defaults.HealthCheckFailures,
            ServiceFailureIsWarning = ServiceFailureIsWarning,
            MaxLogBytes = MaxLogBytes ?? defaults.MaxLogBytes,
        };
    }
}
