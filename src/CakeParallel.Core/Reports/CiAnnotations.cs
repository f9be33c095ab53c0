using CakeParallel.Model;

namespace CakeParallel.Reports;

/// <summary>
/// Turns a run's result into the annotation lines of a CI system: an error per failed, timed-out or cancelled leg
/// (a warning per leg that never started), the same for an all-or-nothing publish that failed (held back: a
/// warning), and a collapsible group replaying each failing leg's last output.
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
    public static IReadOnlyList<string> Lines(RunResult result, CiAnnotationMode mode, IReadOnlyDictionary<string, string?>? environment = null)
    {
        ICiDialect? dialect = Select(mode, environment) switch
        {
            CiSystem.GitHubActions => new GitHubWorkflowCommands(),
            CiSystem.AzurePipelines => new AzureLoggingCommands(),
            CiSystem.TeamCity => new TeamCityServiceMessages(),
            _ => null,
        };
        return dialect is null ? [] : result.Warnings.Select(Of).Concat(result.Legs.Select(Of)).Append(Of(result.Publish, result)).OfType<CiAnnotation>().SelectMany(dialect.Lines).ToArray();
    }

    /// <summary>A warning of planning the run went ahead with (e.g. an engine of the pool left out): a warning annotation.</summary>
    private static CiAnnotation? Of(ValidationError warning) =>
        new(false, warning.Code, warning.Leg ?? "run", $"CakeParallel: {warning.Field}", warning.ToString(), "", []);

    /// <summary>The annotation of an all-or-nothing publish: an error when it failed, a warning when it was held back, else none.</summary>
    private static CiAnnotation? Of(PublishResult? publish, RunResult run) => publish switch
    {
        { Outcome: PublishOutcome.Failed } => new CiAnnotation(true, ErrorCodes.DockerPublishFailed, "publish", "CakeParallel: the all-or-nothing publish failed", publish.Error ?? "", "", []),
        { Outcome: PublishOutcome.HeldBack } => new CiAnnotation(false, ErrorCodes.DockerPublishHeldBack, "publish", "CakeParallel: no tag was published", RunSummary.PublishLine(run)!, "", []),
        _ => null,
    };

    /// <summary>The annotation of a leg: a warning when it never started, an error when it failed, timed out or was cancelled, else none.</summary>
    private static CiAnnotation? Of(LegResult leg)
    {
        if (leg.Status != LegStatus.NotStarted && !LegText.IsFailure(leg.Status))
        {
            return null;
        }

        var title = $"CakeParallel: leg '{leg.Name}' {LegStatusText.Of(leg.Status)}";
        var reason = LegText.Reason(leg);
        var message = leg.LogFile is null ? reason : $"{reason}\nFull log: {leg.LogFile}";
        return new CiAnnotation(
            IsError: leg.Status != LegStatus.NotStarted,
            Code: LegText.ErrorCode(leg.Status)!,
            LegId: leg.Id,
            Title: title,
            Message: message,
            OutputTitle: $"{leg.Name}: {LegStatusText.Of(leg.Status)} (last {leg.OutputTail.Count} output lines)",
            OutputTail: leg.Status == LegStatus.NotStarted ? [] : ControlCharacters.Escape(leg.OutputTail));
    }
}

/// <summary>One leg's annotation, before a CI system's syntax and escaping.</summary>
/// <param name="IsError">An error (the leg failed, timed out or was cancelled) or a warning (it never started).</param>
/// <param name="Code">The leg's error code, e.g. <c>CPAR0101</c>.</param>
/// <param name="LegId">The leg's stable id (<c>publish</c> for the run's publish step, the leg's name or <c>run</c> for a warning of planning), for systems that track a problem across builds.</param>
/// <param name="Title">One line, e.g. <c>CakeParallel: leg 'linux-arm64' timed out</c>.</param>
/// <param name="Message">The reason, and where the full log is (may span lines).</param>
/// <param name="OutputTitle">The title of the group replaying the leg's last output.</param>
/// <param name="OutputTail">The output to replay (empty: no group).</param>
internal sealed record CiAnnotation(bool IsError, string Code, string LegId, string Title, string Message, string OutputTitle, IReadOnlyList<string> OutputTail);

/// <summary>A CI system's syntax for an annotation: its commands, its escaping, and how replayed output stays inert.</summary>
internal interface ICiDialect
{
    /// <summary>The lines that annotate one leg in this CI system's log.</summary>
    IEnumerable<string> Lines(CiAnnotation annotation);
}
