using System.Globalization;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using CakeParallel.Model;

namespace CakeParallel.MSBuild;

/// <summary>Makes the <c>Results</c> item of a leg. Scalar values are set literally; list values as MSBuild lists of literal elements.</summary>
internal static class ResultItems
{
    // Metadata the item already has under these names; a matrix parameter of the same name stays only in Parameters.
    private static readonly HashSet<string> TakenNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "Status", "ExitCode", "Signal", "Attempts", "Duration", "LogFile", "FailureReason", "Id", "Parameters", "ImageId", "Tags", "Shard", "Host",
        "Endpoint", "PushedDigests", "InputsHash",
        "FullPath", "RootDir", "Filename", "Extension", "RelativeDir", "Directory", "RecursiveDir", "Identity",
        "ModifiedTime", "CreatedTime", "AccessedTime", "DefiningProjectFullPath", "DefiningProjectDirectory",
        "DefiningProjectName", "DefiningProjectExtension",
    };

    public static ITaskItem From(LegResult result)
    {
        var c = CultureInfo.InvariantCulture;
        // The values as an item keeps them (escaped), handed over at once: set one by one, each value rebuilt the
        // item's immutable metadata dictionary, about half of the garbage an item made.
        var metadata = new Dictionary<string, string>(20, StringComparer.OrdinalIgnoreCase)
        {
            ["Status"] = result.Status.ToString(),
            ["ExitCode"] = result.ExitCode?.ToString(c) ?? "",
            ["Signal"] = result.Signal ?? "",
            ["Attempts"] = result.Attempts.Count.ToString(c),
            ["Duration"] = ((long)result.Duration.TotalMilliseconds).ToString(c),
            ["LogFile"] = MSBuildEscaping.Escape(result.LogFile ?? ""),
            ["FailureReason"] = MSBuildEscaping.Escape(result.FailureReason ?? ""),
            ["Id"] = result.Id,
            ["ImageId"] = MSBuildEscaping.Escape(result.ImageId ?? ""),
            ["Endpoint"] = MSBuildEscaping.Escape(result.Endpoint ?? ""),
            ["InputsHash"] = MSBuildEscaping.Escape(result.InputsHash ?? ""),
            ["Shard"] = result.Shard?.ToString() ?? "",
            ["Host"] = MSBuildEscaping.Escape(result.Host ?? ""),

            // Lists stay lists: elements are escaped, separators are not, so @(...) and item transforms split them.
            ["Parameters"] = MSBuildEscaping.JoinList(result.Parameters.Select(p => p.Key + "=" + p.Value)),
            ["Tags"] = MSBuildEscaping.JoinList(result.Tags),
            ["PushedDigests"] = MSBuildEscaping.JoinList(result.PushedDigests.Select(p => p.Key + "=" + p.Value)),
        };
        foreach (var (name, value) in result.Parameters)
        {
            if (!TakenNames.Contains(name) && IsMetadataName(name))
            {
                metadata[name] = MSBuildEscaping.Escape(value);
            }
        }

        return new TaskItem(MSBuildEscaping.Escape(result.Name), metadata);
    }

    private static bool IsMetadataName(string name) =>
        name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '_')
        && name.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '_' or '-');
}

/// <summary>
/// Makes each leg's <c>Results</c> item as the leg ends, while the run goes on, rather than every item after it. An
/// item's metadata costs about 5 KB of short-lived objects (MSBuild's immutable metadata dictionary is rebuilt for each
/// value set); made as each leg ends, that garbage is collected with the run's own (the engine bounds it), where the
/// items of 10,000 legs made at once after the run left some 50 MB of it to the GC's whole youngest-generation budget.
/// </summary>
internal sealed class LegResultItems : IRunListener
{
    // By reference: the run's result holds these very objects, unless a leg's result was replaced after it ended.
    private readonly Dictionary<LegResult, ITaskItem> _made = new(ReferenceEqualityComparer.Instance);

    public void LegCompleted(LegResult result) => _made[result] = ResultItems.From(result);

    /// <summary>
    /// The items of <paramref name="run"/>'s legs, in its order: those made as the legs ended, and now those of legs
    /// whose final result is another object (a reused leg, stamped when the run ends).
    /// </summary>
    public ITaskItem[] Of(RunResult run) => [.. run.Legs.Select(leg => _made.TryGetValue(leg, out var item) ? item : ResultItems.From(leg))];
}
