namespace CakeParallel.Model;

/// <summary>What a leg's final status means for the legs that need it, and for the run.</summary>
public static class LegStatusExtensions
{
    /// <summary>
    /// Whether a leg that ended with <paramref name="status"/> lets the legs that need it run: it succeeded in this
    /// run, a previous run's success was reused, or its image was up to date. Every other status ends its dependents
    /// <see cref="LegStatus.NotStarted"/>. The one predicate of success: the run's result, the reports and
    /// <c>ResumeFrom</c> count the same statuses as successes.
    /// </summary>
    /// <param name="status">The needed leg's final status.</param>
    public static bool SatisfiesDependents(this LegStatus status) => status is LegStatus.Succeeded or LegStatus.Reused or LegStatus.UpToDate;
}
