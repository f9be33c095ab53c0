using System.Globalization;
using System.Net;
using System.Text;
using CakeParallel.Model;

namespace CakeParallel.Reports;

/// <summary>
/// The Markdown summary of a run: a headline, a table of legs (status, duration, attempts, exit, image id) and,
/// for each unsuccessful leg, a collapsed block with its reason and last output lines. Sized to stay well under
/// the 1 MiB GitHub accepts per step summary.
/// </summary>
public static class MarkdownSummary
{
    private const int TailLines = 20;
    private const int MaxLineLength = 500;
    private const int DetailsBudget = 256 * 1024;

    private static string ShardCell(LegResult leg) =>
        leg.Shard is null ? "" : leg.Host is { } host ? $"{leg.Shard} on {Escape(host)}" : leg.Shard.ToString();

    /// <summary>Renders <paramref name="result"/> as GitHub-flavoured Markdown.</summary>
    /// <param name="result">The run's result.</param>
    public static string Render(RunResult result)
    {
        var text = new StringWriter(CultureInfo.InvariantCulture);
        Write(result, text);
        return text.ToString();
    }

    /// <summary>Writes <paramref name="result"/> as GitHub-flavoured Markdown to <paramref name="output"/> as it is rendered.</summary>
    internal static void Write(RunResult result, TextWriter output)
    {
        var c = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        var succeeded = result.Legs.Count(l => l.Status.SatisfiesDependents());
        var headline = (result.Succeeded, result.Legs.Count) switch
        {
            (true, 1) => "the leg succeeded",
            (true, var all) => $"all {all} legs succeeded",
            (false, var all) => $"{succeeded} of {all} legs succeeded",
        };
        md.Append("### ").Append(result.Succeeded ? "✅" : "❌").Append(" CakeParallel: ").Append(headline)
          .Append(" (").Append(Escape(result.CountsDisplay)).Append(")\n\n");

        md.Append("Run `").Append(result.RunId).Append("` on ").Append(Escape(result.Host))
          .Append(" · started ").Append(result.StartedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", c)).Append(" UTC")
          .Append(" · wall time ").Append(DurationText.Format(result.Duration));
        if (result.Settings is { } settings)
        {
            md.Append(" · MaxParallel ").Append(settings.MaxParallel.ToString(c));
            if (settings.FailFast)
            {
                md.Append(" · fail-fast");
            }
        }

        if (result.WasCancelled)
        {
            md.Append(" · **cancelled**");
        }

        md.Append("\n\n");
        if (RunSummary.PublishLine(result) is { } publish)
        {
            md.Append("Publish: ").Append(Escape(publish)).Append("\n\n");
        }

        foreach (var warning in result.Warnings)
        {
            md.Append("> ⚠️ ").Append(Escape(warning.ToString())).Append("\n\n");
        }

        // Legs of a sharded matrix also say which shard (and, once merged, which machine) ran them.
        var sharded = result.Legs.Any(l => l.Shard is not null);
        // A run on a pool of docker engines says which engine built each leg.
        var rows = RunSummary.Rows(result);
        var withEngines = rows.Any(r => r.Engine.Length > 0);
        md.Append(withEngines ? "| | Leg | Status | Duration | Attempts | Exit | Engine | Image |" : "| | Leg | Status | Duration | Attempts | Exit | Image |").Append(sharded ? " Shard |\n" : "\n");
        md.Append(withEngines ? "| :-: | --- | --- | ---: | ---: | ---: | --- | --- |" : "| :-: | --- | --- | ---: | ---: | ---: | --- |").Append(sharded ? " --- |\n" : "\n");
        foreach (var (leg, row) in result.Legs.Zip(rows))
        {
            md.Append("| ").Append(Icon(leg.Status))
              .Append(" | ").Append(LegCell(leg))
              .Append(" | ").Append(row.StatusText).Append(row.NotStartedReason.Length > 0 ? ": " + Escape(row.NotStartedReason) : "")
              .Append(" | ").Append(Cell(row.Duration))
              .Append(" | ").Append(Cell(row.Attempts))
              .Append(" | ").Append(Cell(row.Exit))
              .Append(withEngines ? " | " + Escape(row.Engine) : "")
              .Append(" | ").Append(row.Image.Length > 0 ? "`" + row.Image + "`" : "")
              .Append(sharded ? " | " + ShardCell(leg) : "")
              .Append(" |\n");
            ReportBuffer.Spill(md, output);
        }

        var budget = DetailsBudget;
        foreach (var leg in result.Legs.Where(l => LegText.IsFailure(l.Status)))
        {
            var details = Details(leg);
            if (details.Length > budget)
            {
                md.Append("\nMore failures are listed in the JSON report.\n");
                break;
            }

            budget -= details.Length;
            md.Append('\n').Append(details);
            ReportBuffer.Spill(md, output);
        }

        ReportBuffer.Flush(md, output);
    }

    private static string Details(LegResult leg)
    {
        var text = new StringBuilder();
        text.Append("<details><summary>").Append(Icon(leg.Status)).Append(" <b>").Append(Html(leg.Name)).Append("</b>: ")
            .Append(Html(LegText.Reason(leg))).Append("</summary>\n\n");
        var lines = leg.OutputTail.Skip(Math.Max(0, leg.OutputTail.Count - TailLines))
            .Select(l => ReportText.Clean(l).Replace("\r", "", StringComparison.Ordinal))
            .Select(l => l.Length > MaxLineLength ? l[..MaxLineLength] + " …" : l)
            .ToList();
        if (lines.Count > 0)
        {
            // A fence longer than any backtick run in the output cannot be closed by it.
            var fence = new string('`', Math.Max(3, lines.Select(LongestBacktickRun).DefaultIfEmpty(0).Max() + 1));
            text.Append(fence).Append("text\n");
            foreach (var line in lines)
            {
                text.Append(line).Append('\n');
            }

            text.Append(fence).Append("\n\n");
        }

        if (leg.LogFile is not null)
        {
            text.Append("Full log: `").Append(leg.LogFile.Replace("`", "'", StringComparison.Ordinal)).Append("`\n\n");
        }

        text.Append("</details>\n");
        return text.ToString();
    }

    private static string LegCell(LegResult leg)
    {
        var cell = Escape(leg.Name);
        if (leg.Parameters.Count > 0)
        {
            cell += " <sub>" + Escape(string.Join(" · ", leg.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"))) + "</sub>";
        }

        return cell;
    }

    private static string Icon(LegStatus status) => status switch
    {
        LegStatus.Succeeded => "✅",
        LegStatus.Reused => "♻️",
        LegStatus.UpToDate => "✅",
        LegStatus.Failed => "❌",
        LegStatus.TimedOut => "⏱️",
        LegStatus.Cancelled => "🚫",
        _ => "⏭️",
    };

    // An empty cell (nothing of the leg ran in this run) shows a dash.
    private static string Cell(string text) => text.Length == 0 ? "–" : Escape(text);

    private static int LongestBacktickRun(string line)
    {
        int longest = 0, run = 0;
        foreach (var ch in line)
        {
            run = ch == '`' ? run + 1 : 0;
            longest = Math.Max(longest, run);
        }

        return longest;
    }

    // Inline text in a table cell: one line, and every character Markdown or HTML would interpret is escaped.
    private static string Escape(string text)
    {
        var escaped = new StringBuilder();
        foreach (var ch in ReportText.OneLine(text))
        {
            if (ch is '\\' or '`' or '*' or '_' or '[' or ']' or '<' or '>' or '|' or '~' or '&' or '#' or '!')
            {
                escaped.Append('\\');
            }

            escaped.Append(ch);
        }

        return escaped.ToString();
    }

    private static string Html(string text) => WebUtility.HtmlEncode(ReportText.OneLine(text));
}
