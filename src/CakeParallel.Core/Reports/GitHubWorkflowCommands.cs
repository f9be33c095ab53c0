using System.Text;

namespace CakeParallel.Reports;

/// <summary>
/// GitHub Actions workflow commands: <c>::error title=…::message</c>, <c>::group::</c>/<c>::endgroup::</c>, and
/// <c>::stop-commands::</c> around replayed output so a line like <c>::error::</c> in a leg's log stays text.
/// </summary>
internal sealed class GitHubWorkflowCommands : ICiDialect
{
    public IEnumerable<string> Lines(CiAnnotation annotation)
    {
        yield return $"::{(annotation.IsError ? "error" : "warning")} title={Property(annotation.Title)}::{Data(annotation.Message)}";
        if (annotation.OutputTail.Count == 0)
        {
            yield break;
        }

        yield return "::group::" + Data(annotation.OutputTitle);
        // A token no output can know: commands stay off until it is echoed back.
        var token = "cakeparallel-" + Guid.NewGuid().ToString("N");
        yield return "::stop-commands::" + token;
        foreach (var line in annotation.OutputTail)
        {
            yield return ReportText.OneLine(line);
        }

        yield return $"::{token}::";
        yield return "::endgroup::";
    }

    /// <summary>A command's message: <c>%</c>, CR and LF are percent-encoded.</summary>
    public static string Data(string value) => new StringBuilder(value)
        .Replace("%", "%25").Replace("\r", "%0D").Replace("\n", "%0A").ToString();

    /// <summary>A command property's value: as <see cref="Data"/>, plus <c>:</c> and <c>,</c>, which separate properties.</summary>
    public static string Property(string value) => new StringBuilder(Data(value))
        .Replace(":", "%3A").Replace(",", "%2C").ToString();
}
