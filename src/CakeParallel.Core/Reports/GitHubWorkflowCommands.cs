using System.Text;
using CakeParallel.Model;

namespace CakeParallel.Reports;

/// <summary>
/// GitHub Actions workflow commands: <c>::error title=…::message</c>, <c>::group::</c>/<c>::endgroup::</c>, and
/// <c>::stop-commands::</c> around replayed output so a line like <c>::error::</c> in a leg's log stays text.
/// </summary>
internal static class GitHubWorkflowCommands
{
    public static IReadOnlyList<string> Lines(RunResult result)
    {
        var lines = new List<string>();
        foreach (var leg in result.Legs)
        {
            if (leg.Status == LegStatus.NotStarted)
            {
                lines.Add($"::warning title={Property(CiAnnotations.Title(leg))}::{Data(CiAnnotations.Message(leg))}");
                continue;
            }

            if (!CiAnnotations.IsError(leg))
            {
                continue;
            }

            lines.Add($"::error title={Property(CiAnnotations.Title(leg))}::{Data(CiAnnotations.Message(leg))}");
            if (leg.OutputTail.Count == 0)
            {
                continue;
            }

            lines.Add("::group::" + Data(CiAnnotations.GroupTitle(leg)));
            // A token no output can know: commands stay off until it is echoed back.
            var token = "cakeparallel-" + Guid.NewGuid().ToString("N");
            lines.Add("::stop-commands::" + token);
            lines.AddRange(leg.OutputTail.Select(ReportText.OneLine));
            lines.Add($"::{token}::");
            lines.Add("::endgroup::");
        }

        return lines;
    }

    /// <summary>A command's message: <c>%</c>, CR and LF are percent-encoded.</summary>
    public static string Data(string value) => new StringBuilder(value)
        .Replace("%", "%25").Replace("\r", "%0D").Replace("\n", "%0A").ToString();

    /// <summary>A command property's value: as <see cref="Data"/>, plus <c>:</c> and <c>,</c>, which separate properties.</summary>
    public static string Property(string value) => new StringBuilder(Data(value))
        .Replace(":", "%3A").Replace(",", "%2C").ToString();
}
