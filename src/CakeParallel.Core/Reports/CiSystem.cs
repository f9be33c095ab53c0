namespace CakeParallel.Reports;

/// <summary>A CI system whose log understands annotation lines.</summary>
public enum CiSystem
{
    /// <summary>No CI system (or annotations are off).</summary>
    None,

    /// <summary>GitHub Actions (<c>GITHUB_ACTIONS=true</c>): workflow commands.</summary>
    GitHubActions,

    /// <summary>Azure Pipelines (<c>TF_BUILD=True</c>): logging commands.</summary>
    AzurePipelines,

    /// <summary>TeamCity (<c>TEAMCITY_VERSION</c> set): service messages.</summary>
    TeamCity,
}
