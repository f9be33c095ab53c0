namespace CakeParallel.Reports;

/// <summary>The environment reports read: a given dictionary, or the process's environment.</summary>
internal sealed class ReportEnvironment(IReadOnlyDictionary<string, string?>? variables)
{
    public const string GitHubStepSummary = "GITHUB_STEP_SUMMARY";

    public string? Get(string name) =>
        variables is null ? System.Environment.GetEnvironmentVariable(name)
        : variables.TryGetValue(name, out var value) ? value : null;
}
