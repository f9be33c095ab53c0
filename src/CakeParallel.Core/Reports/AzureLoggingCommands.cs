using System.Text;
using CakeParallel.Model;

namespace CakeParallel.Reports;

/// <summary>
/// Azure Pipelines logging commands: <c>##vso[task.logissue type=error;code=CPAR0101;]message</c> and <c>##[group]</c>/<c>##[endgroup]</c>.
/// Azure has no way to switch command processing off, so replayed output lines that contain a command prefix
/// get a space after its <c>##</c>, which keeps them readable but inert.
/// </summary>
internal static class AzureLoggingCommands
{
    public static IReadOnlyList<string> Lines(RunResult result)
    {
        var lines = new List<string>();
        foreach (var leg in result.Legs)
        {
            if (leg.Status == LegStatus.NotStarted)
            {
                lines.Add($"##vso[task.logissue type=warning;code={ErrorCodes.LegNotStarted};]{Data(CiAnnotations.Title(leg) + ": " + CiAnnotations.Message(leg))}");
                continue;
            }

            if (!CiAnnotations.IsError(leg))
            {
                continue;
            }

            lines.Add($"##vso[task.logissue type=error;code={Code(leg.Status)};]{Data(CiAnnotations.Title(leg) + ": " + CiAnnotations.Message(leg))}");
            if (leg.OutputTail.Count == 0)
            {
                continue;
            }

            lines.Add("##[group]" + Inert(ReportText.OneLine(CiAnnotations.GroupTitle(leg))));
            lines.AddRange(leg.OutputTail.Select(l => Inert(ReportText.OneLine(l))));
            lines.Add("##[endgroup]");
        }

        return lines;
    }

    private static string Code(LegStatus status) => status switch
    {
        LegStatus.TimedOut => ErrorCodes.LegTimedOut,
        LegStatus.Cancelled => ErrorCodes.LegCancelled,
        _ => ErrorCodes.LegFailed,
    };

    /// <summary>A command's message: <c>%</c> becomes <c>%AZP25</c>, CR and LF <c>%0D</c> and <c>%0A</c> (the agent's own escaping).</summary>
    public static string Data(string value) => new StringBuilder(value)
        .Replace("%", "%AZP25").Replace("\r", "%0D").Replace("\n", "%0A").ToString();

    /// <summary>Output text that cannot be read as a logging (<c>##vso[</c>) or formatting (<c>##[</c>) command.</summary>
    public static string Inert(string line) =>
        line.Replace("##vso[", "## vso[", StringComparison.OrdinalIgnoreCase).Replace("##[", "## [", StringComparison.Ordinal);
}
