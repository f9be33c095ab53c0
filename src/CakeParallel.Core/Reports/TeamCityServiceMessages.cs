using System.Text;
using CakeParallel.Model;

namespace CakeParallel.Reports;

/// <summary>
/// TeamCity service messages: <c>buildProblem</c> per failed leg (identity from the stable leg id, so TeamCity can
/// track and mute it), <c>blockOpened</c>/<c>blockClosed</c> around the replayed output, each replayed line sent as
/// an escaped <c>message</c> so it can never be read as a service message itself.
/// </summary>
internal static class TeamCityServiceMessages
{
    // TeamCity ignores longer build problem descriptions.
    private const int MaxDescription = 4000;

    public static IReadOnlyList<string> Lines(RunResult result)
    {
        var lines = new List<string>();
        foreach (var leg in result.Legs)
        {
            if (leg.Status == LegStatus.NotStarted)
            {
                lines.Add($"##teamcity[message text='{Value(CiAnnotations.Title(leg) + ": " + CiAnnotations.Message(leg))}' status='WARNING']");
                continue;
            }

            if (!CiAnnotations.IsError(leg))
            {
                continue;
            }

            if (leg.OutputTail.Count > 0)
            {
                var block = Value(CiAnnotations.GroupTitle(leg));
                lines.Add($"##teamcity[blockOpened name='{block}']");
                lines.AddRange(leg.OutputTail.Select(l => $"##teamcity[message text='{Value(l)}' status='NORMAL']"));
                lines.Add($"##teamcity[blockClosed name='{block}']");
            }

            var description = CiAnnotations.Title(leg) + ": " + CiAnnotations.Message(leg);
            if (description.Length > MaxDescription)
            {
                description = description[..(MaxDescription - 1)] + "…";
            }

            lines.Add($"##teamcity[buildProblem description='{Value(description)}' identity='cakeparallel-{Value(leg.Id)}']");
        }

        return lines;
    }

    /// <summary>An attribute value: <c>|</c>, <c>'</c>, <c>[</c>, <c>]</c>, line breaks and Unicode line separators get TeamCity's <c>|</c> escapes.</summary>
    public static string Value(string value)
    {
        var escaped = new StringBuilder(value.Length + 8);
        foreach (var ch in value)
        {
            escaped.Append(ch switch
            {
                '|' => "||",
                '\'' => "|'",
                '[' => "|[",
                ']' => "|]",
                '\n' => "|n",
                '\r' => "|r",
                '\u0085' => "|x",
                '\u2028' => "|l",
                '\u2029' => "|p",
                _ => ch.ToString(),
            });
        }

        return escaped.ToString();
    }
}
