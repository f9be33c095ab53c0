namespace Cake.Parallel.Tests.Infrastructure;

/// <summary>
/// The variables CI systems are detected by (and GitHub's step summary file). Tests hide the ones of the machine
/// they run on, so a run under CI neither annotates unexpectedly nor appends to the real step summary.
/// </summary>
internal static class CiVariables
{
    private static readonly string[] Names = ["CI", "GITHUB_ACTIONS", "GITHUB_ACTION", "GITHUB_STEP_SUMMARY", "TF_BUILD", "TEAMCITY_VERSION"];

    /// <summary><paramref name="variables"/>, plus a removal (null value) of every CI variable it does not set.</summary>
    public static Dictionary<string, string?> Hidden(IReadOnlyDictionary<string, string?> variables)
    {
        var result = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var name in Names)
        {
            result[name] = null;
        }

        foreach (var (name, value) in variables)
        {
            result[name] = value;
        }

        return result;
    }
}
