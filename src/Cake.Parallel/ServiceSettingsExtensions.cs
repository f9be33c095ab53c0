using Cake.Core.IO;
using CakeParallel.Model;

namespace Cake.Parallel;

/// <summary>Fluent setters for <see cref="ServiceSettings"/>.</summary>
public static class ServiceSettingsExtensions
{
    /// <summary>Appends arguments, each passed literally.</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="arguments">The arguments.</param>
    /// <returns>The same settings, for chaining.</returns>
    public static ServiceSettings WithArguments(this ServiceSettings settings, params string[] arguments) =>
        Apply(settings, s => { foreach (var argument in arguments) { s.Arguments.Add(argument); } });

    /// <summary>Sets the working directory (relative to the Cake working directory).</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="workingDirectory">The directory; it must exist.</param>
    /// <returns>The same settings, for chaining.</returns>
    public static ServiceSettings SetWorkingDirectory(this ServiceSettings settings, DirectoryPath workingDirectory) => Apply(settings, s => s.WorkingDirectory = workingDirectory);

    /// <summary>Sets an environment variable for the service (and its probe commands).</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="name">The variable's name.</param>
    /// <param name="value">The value; <see langword="null"/> removes the variable.</param>
    /// <returns>The same settings, for chaining.</returns>
    public static ServiceSettings WithEnvironmentVariable(this ServiceSettings settings, string name, string? value) => Apply(settings, s => s.EnvironmentVariables[name] = value);

    /// <summary>Waits until an HTTP GET of <paramref name="url"/> answers 2xx, or <paramref name="expectedStatus"/> when given.</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="url">An absolute http or https URL.</param>
    /// <param name="expectedStatus">The status that counts as ready; any 2xx when <see langword="null"/>.</param>
    /// <returns>The same settings, for chaining.</returns>
    public static ServiceSettings WaitForHttp(this ServiceSettings settings, string url, int? expectedStatus = null) =>
        Apply(settings, s => s.Probes.Add(new HttpProbe(url) { ExpectedStatus = expectedStatus }));

    /// <summary>Waits until a TCP connection to <paramref name="host"/>:<paramref name="port"/> is accepted.</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="port">The port.</param>
    /// <param name="host">The host (default <c>127.0.0.1</c>).</param>
    /// <returns>The same settings, for chaining.</returns>
    public static ServiceSettings WaitForPort(this ServiceSettings settings, int port, string host = "127.0.0.1") => Apply(settings, s => s.Probes.Add(new TcpProbe(host, port)));

    /// <summary>Waits until a command exits with code 0 (run in the service's directory and environment).</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="executable">The program.</param>
    /// <param name="arguments">Its arguments, each passed literally.</param>
    /// <returns>The same settings, for chaining.</returns>
    public static ServiceSettings WaitForCommand(this ServiceSettings settings, string executable, params string[] arguments) =>
        Apply(settings, s => s.Probes.Add(new CommandProbe(executable, arguments)));

    /// <summary>Waits until a line of the service's output matches the regular expression <paramref name="pattern"/>.</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="pattern">A .NET regular expression.</param>
    /// <returns>The same settings, for chaining.</returns>
    public static ServiceSettings WaitForOutput(this ServiceSettings settings, string pattern) => Apply(settings, s => s.Probes.Add(new OutputProbe(pattern)));

    /// <summary>Sets how long the service has to become ready.</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="readinessTimeout">A positive duration.</param>
    /// <returns>The same settings, for chaining.</returns>
    public static ServiceSettings SetReadinessTimeout(this ServiceSettings settings, TimeSpan readinessTimeout) => Apply(settings, s => s.ReadinessTimeout = readinessTimeout);

    /// <summary>Sets the pause between rounds of probes.</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="probeInterval">A positive duration.</param>
    /// <returns>The same settings, for chaining.</returns>
    public static ServiceSettings SetProbeInterval(this ServiceSettings settings, TimeSpan probeInterval) => Apply(settings, s => s.ProbeInterval = probeInterval);

    /// <summary>Sets how long the service may take to exit after <c>SIGTERM</c> before it is killed.</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="gracePeriod">Zero or more.</param>
    /// <returns>The same settings, for chaining.</returns>
    public static ServiceSettings SetGracePeriod(this ServiceSettings settings, TimeSpan gracePeriod) => Apply(settings, s => s.GracePeriod = gracePeriod);

    /// <summary>Sets the service's log file.</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="logFile">The file (relative to the Cake working directory); its folder is created.</param>
    /// <returns>The same settings, for chaining.</returns>
    public static ServiceSettings SetLogFile(this ServiceSettings settings, FilePath logFile) => Apply(settings, s => s.LogFile = logFile);

    /// <summary>Masks <paramref name="value"/> as <c>***</c> wherever the service's log would show it.</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="value">The secret value.</param>
    /// <returns>The same settings, for chaining.</returns>
    public static ServiceSettings WithSecretValue(this ServiceSettings settings, string value) => Apply(settings, s => s.SecretValues.Add(value));

    /// <summary>Keeps checking the service's health once it is ready: unhealthy after <paramref name="failures"/> failed checks in a row.</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="interval">How often the probes run again.</param>
    /// <param name="failures">How many failed checks in a row make the service unhealthy.</param>
    /// <returns>The same settings, for chaining.</returns>
    public static ServiceSettings CheckHealthEvery(this ServiceSettings settings, TimeSpan interval, int failures = 3) =>
        Apply(settings, s => (s.HealthCheckInterval, s.HealthCheckFailures) = (interval, failures));

    /// <summary>Reports a service that dies or turns unhealthy after it was ready as a warning instead of failing the task.</summary>
    /// <param name="settings">The settings.</param>
    /// <returns>The same settings, for chaining.</returns>
    public static ServiceSettings TreatServiceFailureAsWarning(this ServiceSettings settings) => Apply(settings, s => s.ServiceFailureIsWarning = true);

    private static ServiceSettings Apply(ServiceSettings settings, Action<ServiceSettings> change)
    {
        ArgumentNullException.ThrowIfNull(settings);
        change(settings);
        return settings;
    }
}
