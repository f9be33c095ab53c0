using System.Text;

namespace CakeParallel.Reports;

/// <summary>
/// TeamCity service messages: <c>buildProblem</c> per failed leg (identity from the stable leg id, so TeamCity can
/// track and mute it), <c>blockOpened</c>/<c>blockClosed</c> around the replayed output, each replayed line sent as
/// an escaped <c>message</c> so it can never be read as a service message itself.
/// </summary>
internal sealed class TeamCityServiceMessages : ICiDialect
{
    // TeamCity ignores longer build problem descriptions.
    private const int MaxDescription = 4000;

    public IEnumerable<string> Lines(CiAnnotation annotation)
    {
        var description = annotation.Title + ": " + annotation.Message;
        if (!annotation.IsError)
        {
            yield return $"##teamcity[message text='{Value(description)}' status='WARNING']";
            yield break;
        }

        if (annotation.OutputTail.Count > 0)
        {
            var block = Value(annotation.OutputTitle);
            yield return $"##teamcity[blockOpened name='{block}']";
            foreach (var line in annotation.OutputTail)
            {
                yield return $"##teamcity[message text='{Value(line)}' status='NORMAL']";
            }

            yield return $"##teamcity[blockClosed name='{block}']";
        }

        if (description.Length > MaxDescription)
        {
            description = description[..(MaxDescription - 1)] + "…";
        }

        yield return $"##teamcity[buildProblem description='{Value(description)}' identity='cakeparallel-{Value(annotation.LegId)}']";
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
