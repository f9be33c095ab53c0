namespace CakeParallel.Model;

/// <summary>Which CI system's annotation lines a run's result is turned into.</summary>
public enum CiAnnotationMode
{
    /// <summary>The CI system detected from the environment (<c>GITHUB_ACTIONS</c>, <c>TF_BUILD</c>, <c>TEAMCITY_VERSION</c>); none outside CI.</summary>
    Auto,

    /// <summary>No annotations.</summary>
    Off,

    /// <summary>GitHub Actions workflow commands, whatever the environment says.</summary>
    GitHubActions,

    /// <summary>Azure Pipelines logging commands, whatever the environment says.</summary>
    AzurePipelines,

    /// <summary>TeamCity service messages, whatever the environment says.</summary>
    TeamCity,
}
