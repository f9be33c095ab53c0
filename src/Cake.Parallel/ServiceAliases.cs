using Cake.Core;
using Cake.Core.Annotations;
using Cake.Core.Diagnostics;
using CakeParallel.Model;
using CakeParallel.Services;

[assembly: CakeNamespaceImport("CakeParallel.Services")]

namespace Cake.Parallel;

/// <summary>
/// Starts background services (a local registry, a BuildKit daemon, a test server) beside the build: each in its own
/// process group, waited for until its readiness probes pass, reported if it dies, and stopped on every exit path.
/// </summary>
[CakeAliasCategory("Services")]
public static class ServiceAliases
{
    /// <summary>
    /// Starts <paramref name="executable"/> as a background service and returns once its readiness probes pass.
    /// Dispose the handle to stop it; services still running when the script ends, fails or is interrupted
    /// (Ctrl+C, SIGTERM, SIGHUP) are stopped too. A service that dies later is reported as a warning.
    /// </summary>
    /// <param name="context">The Cake context.</param>
    /// <param name="name">The service's name, shown in the log.</param>
    /// <param name="executable">A path, or a file name looked up on <c>PATH</c>.</param>
    /// <param name="settings">Arguments, probes, timeouts and environment.</param>
    /// <returns>The ready service.</returns>
    /// <exception cref="InvalidRunException">A setting is invalid (every problem is listed, naming the field); nothing was started.</exception>
    /// <exception cref="CakeException">The service exited before it was ready or did not become ready in time (with its exit code, last probe error and last output); it has been stopped.</exception>
    /// <example>
    /// <code>
    /// Task("SmokeTest").Does(() =>
    /// {
    ///     using var web = StartService("web", "python3", new ServiceSettings()
    ///         .WithArguments("-m", "http.server", "8000", "--bind", "127.0.0.1")
    ///         .WaitForHttp("http://127.0.0.1:8000/")
    ///         .SetReadinessTimeout(TimeSpan.FromSeconds(30)));
    ///     Information("{0} is {1}; its log is {2}", web.Name, web.State, web.LogFile);
    ///     RunParallel(new[] { new ParallelLeg("smoke", "curl", "-sf", "http://127.0.0.1:8000/") });
    /// });
    /// </code>
    /// </example>
    [CakeMethodAlias]
    public static ServiceHandle StartService(this ICakeContext context, string name, string executable, ServiceSettings settings)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(settings);
        var spec = settings.ToServiceSpec(name, executable, context.Environment);
        context.Log.Information("{0}", $"Starting service '{name}': {spec.DisplayCommand}");
        RunningService service;
        try
        {
            // Aliases are synchronous; Cake scripts run without a synchronization context, so blocking cannot deadlock.
            service = RunningService.StartAsync(spec).GetAwaiter().GetResult();
        }
        catch (ServiceStartException exception)
        {
            throw new CakeException(exception.Message, exception);
        }

        context.Log.Information("{0}", $"Service '{name}' is ready after {DurationText.Format(service.ReadyAfter ?? TimeSpan.Zero)} (pid {service.ProcessId}); log: {service.LogFile}");
        return new ServiceHandle(service, context.Log);
    }

    /// <summary>Starts <paramref name="executable"/> with <paramref name="arguments"/> as a background service with no readiness probe.</summary>
    /// <param name="context">The Cake context.</param>
    /// <param name="name">The service's name, shown in the log.</param>
    /// <param name="executable">A path, or a file name looked up on <c>PATH</c>.</param>
    /// <param name="arguments">The arguments, each passed literally.</param>
    /// <returns>The started service.</returns>
    /// <example>
    /// <code>
    /// using var tail = StartService("watch-logs", "tail", "-F", "/var/log/app.log");
    /// </code>
    /// </example>
    [CakeMethodAlias]
    public static ServiceHandle StartService(this ICakeContext context, string name, string executable, params string[] arguments) =>
        StartService(context, name, executable, new ServiceSettings().WithArguments(arguments));
}
