using System.Text;

namespace CakeParallel.Reports;

/// <summary>
/// Azure Pipelines logging commands: <c>##vso[task.logissue type=error;code=CPAR0101;]message</c> and <c>##[group]</c>/<c>##[endgroup]</c>.
/// Azure has no way to switch command processing off, so replayed output lines that contain a command prefix
/// get a space after its <c>##</c>, which keeps them readable but inert.
/// </summary>
internal sealed class AzureLoggingCommands : ICiDialect
{
    public IEnumerable<string> Lines(CiAnnotation annotation)
    {
        yield return $"##vso[task.logissue type={(annotation.IsError ? "error" : "warning")};code={annotation.Code};]{Data(annotation.Title + ": " + annotation.Message)}";
        if (annotation.OutputTail.Count == 0)
        {
            yield break;
        }

        yield return "##[group]" + Inert(ReportText.OneLine(annotation.OutputTitle));
        foreach (var line in annotation.OutputTail)
        {
            yield return Inert(ReportText.OneLine(line));
        }

        yield return "##[endgroup]";
    }

    /// <summary>A command's message: <c>%</c> becomes <c>%AZP25</c>, CR and LF <c>%0D</c> and <c>%0A</c> (the agent's own escaping).</summary>
    public static string Data(string value) => new StringBuilder(value)
        .Replace("%", "%AZP25").Replace("\r", "%0D").Replace("\n", "%0A").ToString();

    /// <summary>Output text that cannot be read as a logging (<c>##vso[</c>) or formatting (<c>##[</c>) command.</summary>
    public static string Inert(string line) =>
        line.Replace("##vso[", "## vso[", StringComparison.OrdinalIgnoreCase).Replace("##[", "## [", StringComparison.Ordinal);
}
