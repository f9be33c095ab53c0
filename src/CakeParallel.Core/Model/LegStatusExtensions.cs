namespace CakeParallel.Model;

/// <summary>What a leg's final status means for the legs that need it.</summary>
public static class LegStatusExtensions
{
    /// <summary>
    /// Whether a leg that ended with <paramref name="status"/> lets the legs that need it run: it succeeded in this
    /// run, or a previous run's success was reused. Every other status ends its dependents <see cref="LegStatus.NotStarted"/>.
    /// </summary>
    /// <param name="status">The needed leg's final status.</param>
    public static bool SatisfiesDependents(this LegStatus status) => status is LegStatus.Succeeded or LegStatus.Reused;
}
