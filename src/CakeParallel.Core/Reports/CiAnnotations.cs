using CakeParallel.Model;

namespace CakeParallel.Reports;

/// <summary>
/// Turns a run's result into the annotation lines of a CI system: an error per failed, timed-out or cancelled leg
/// (a warning per leg that never started) and a collapsible group replaying each failing leg's last output.
/// The engine never writes to the console: hosts (the Cake addin, the MSBuild task) print these lines, each on
/// its own line of standard output. Every value is escaped by that system's rules, and replayed output cannot
/// issue commands of its own.
/// </summary>
public static class CiAnnotations
{
    /// <summary>The CI system the environment belongs to: GitHub Actions, then Azure Pipelines, then TeamCity.</summary>
    /// <param name="environment">The environment; <see langword="null"/> reads the process's environment.</param>
    public static CiSystem Detect(IReadOnlyDictionary<string, string?>? environment = null)
    {
        var variables = new ReportEnvironment(environment);
        if (string.Equals(variables.Get("GITHUB_ACTIONS"), "true", StringComparison.OrdinalIgnoreCase))
        {
            return CiSystem.GitHubActions;
        }

        if (string.Equals(variables.Get("TF_BUILD"), "true", StringComparison.OrdinalIgnoreCase))
        {
            return CiSystem.AzurePipelines;
        }

        return string.IsNullOrEmpty(variables.Get("TEAMCITY_VERSION")) ? CiSystem.None : CiSystem.TeamCity;
    }

    /// <summary>The CI system <paramref name="mode"/> selects in <paramref name="environment"/>.</summary>
    /// <param name="mode">Auto, off, or a named system.</param>
    /// <param name="environment">The environment; <see langword="null"/> reads the process's environment.</param>
    public static CiSystem Select(CiAnnotationMode mode, IReadOnlyDictionary<string, string?>? environment = null) => mode switch
    {
        CiAnnotationMode.Auto => Detect(environment),
        CiAnnotationMode.GitHubActions => CiSystem.GitHubActions,
        CiAnnotationMode.AzurePipelines => CiSystem.AzurePipelines,
        CiAnnotationMode.TeamCity => CiSystem.TeamCity,
        _ => CiSystem.None,
    };

    /// <summary>The annotation lines for <paramref name="result"/> as <paramref name="options"/> choose them.</summary>
    /// <param name="result">The run's result.</param>
    /// <param name="options">The run's report options (their <see cref="ReportOptions.CiAnnotations"/> and <see cref="ReportOptions.Environment"/>).</param>
    /// <example>
    /// <code>
    /// var result = await ParallelRunner.RunAsync(legs, options);
    /// foreach (var line in CiAnnotations.Lines(result, options.Reports))
    /// {
    ///     Console.WriteLine(line);
    /// }
    /// </code>
    /// </example>
    public static IReadOnlyList<string> Lines(RunResult result, ReportOptions options) =>
        Lines(result, options.CiAnnotations, options.Environment);

    /// <summary>The annotation lines for <paramref name="result"/>; empty when no CI system is selected or every leg succeeded.</summary>
    /// <param name="result">The run's result.</param>
    /// <param name="mode">Auto (detect from <paramref name="environment"/>), off, or a named system.</param>
    /// <param name="environment">The environment; <see langword="null"/> reads the process's environment.</param>
    public static IReadOnlyList<string> Lines(RunResult result, CiAnnotationMode mode, IReadOnlyDictionary<string, string?>? environment = null) =>
        Select(mode, environment) switch
        {
            CiSystem.GitHubActions => GitHubWorkflowCommands.Lines(result),
            CiSystem.AzurePipelines => AzureLoggingCommands.Lines(result),
            CiSystem.TeamCity => TeamCityServiceMessages.Lines(result),
            _ => [],
        };

    /// <summary>The legs annotated as errors: failed, timed out or cancelled.</summary>
    internal static bool IsError(LegResult leg) => leg.Status is LegStatus.Failed or LegStatus.TimedOut or LegStatus.Cancelled;

    /// <summary>The one-line title of a leg's annotation, e.g. <c>CakeParallel: leg 'linux-arm64' timed out</c>.</summary>
    internal static string Title(LegResult leg) => $"CakeParallel: leg '{leg.Name}' {LegStatusText.Of(leg.Status)}";

    /// <summary>The annotation's message: the reason, and where the full log is.</summary>
    internal static string Message(LegResult leg)
    {
        var message = leg.FailureReason ?? LegStatusText.Of(leg.Status);
        return leg.LogFile is null ? message : $"{message}\nFull log: {leg.LogFile}";
    }

    /// <summary>The title of the group replaying a leg's output.</summary>
    internal static string GroupTitle(LegResult leg) =>
        $"{leg.Name}: {LegStatusText.Of(leg.Status)} (last {leg.OutputTail.Count} output lines)";
}
