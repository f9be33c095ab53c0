using System.Globalization;
using System.Net;
using System.Text;
using CakeParallel.Model;

namespace CakeParallel.Reports;

/// <summary>
/// The HTML report of a run: one self-contained file (inline CSS and SVG, no scripts, a content security policy
/// that forbids any network access) with the run's facts, a Gantt chart of every attempt, the parallelism lane
/// and the results table with each unsuccessful leg's last output.
/// </summary>
public static class HtmlTimeline
{
    /// <summary>Renders <paramref name="result"/> as an HTML page (well-formed XML as well as HTML).</summary>
    /// <param name="result">The run's result.</param>
    public static string Render(RunResult result)
    {
        var text = new StringWriter(CultureInfo.InvariantCulture);
        Write(result, text);
        return text.ToString();
    }

    /// <summary>Writes <paramref name="result"/> as the HTML page to <paramref name="output"/> as it is rendered.</summary>
    internal static void Write(RunResult result, TextWriter output)
    {
        var c = CultureInfo.InvariantCulture;
        var html = new StringBuilder();
        var verdict = result.WasCancelled ? "cancelled" : result.Succeeded ? "succeeded" : "failed";
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n")
            .Append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\"/>\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n")
            .Append("<title>").Append(E($"CakeParallel run {verdict}: {result.CountsDisplay}")).Append("</title>\n")
            .Append("<style>").Append(Style).Append("</style>\n</head>\n<body>\n");

        html.Append("<header>\n<h1>CakeParallel run <span class=\"verdict verdict-").Append(verdict).Append("\">").Append(verdict).Append("</span></h1>\n");
        html.Append("<div class=\"counts\">");
        foreach (var status in Enum.GetValues<LegStatus>())
        {
            var count = result.Count(status);
            if (count > 0)
            {
                html.Append("<span class=\"chip status-").Append(TimelineChart.StatusClass(status)).Append("\"><b>")
                    .Append(count.ToString(c)).Append("</b> ").Append(LegStatusText.Of(status)).Append("</span>");
            }
        }

        html.Append("</div>\n<dl class=\"facts\">");
        Fact(html, "Wall time", DurationText.Format(result.Duration));
        Fact(html, "Started", result.StartedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", c) + " UTC");
        Fact(html, "Legs", result.Legs.Count.ToString(c));
        if (result.Settings is { } s)
        {
            Fact(html, "MaxParallel", s.MaxParallel.ToString(c));
            Fact(html, "Fail-fast", s.FailFast ? "on" : "off");
            Fact(html, "Default timeout", s.Timeout is { } t ? DurationText.Format(t) : "none");
            if (s.Deadline is { } d)
            {
                Fact(html, "Deadline", DurationText.Format(d));
            }

            Fact(html, "Attempts per leg", AttemptsFact(s));
            Fact(html, "Termination", s.Termination);
        }

        Fact(html, "Host", result.Host);
        Fact(html, "Run id", result.RunId);
        if (RunSummary.PublishLine(result) is { } publish)
        {
            Fact(html, "Publish", publish);
        }

        foreach (var warning in result.Warnings)
        {
            Fact(html, "Warning", warning.ToString());
        }

        html.Append("</dl>\n");
        if (result.Publish is { Tags.Count: > 0 } published)
        {
            // Each final tag and the digest its leg staged: what was (or would have been) published.
            html.Append("<details class=\"publish\"><summary>Published tags</summary>\n<ul>");
            foreach (var tag in published.Tags)
            {
                html.Append("<li><code>").Append(E(tag.Tag)).Append("</code> ← ").Append(E(tag.Leg)).Append(": <code>")
                    .Append(E(tag.Digest ?? "no image")).Append("</code>").Append(tag.Written ? " (written)" : " (not written)").Append("</li>");
            }

            html.Append("</ul></details>\n");
        }

        html.Append("</header>\n");

        html.Append("<section>\n<h2>Timeline</h2>\n<div class=\"legend\">")
            .Append("<span><i class=\"sw outcome-succeeded\"></i>succeeded</span>")
            .Append("<span><i class=\"sw outcome-failed\"></i>failed</span>")
            .Append("<span><i class=\"sw outcome-timed-out\"></i>timed out</span>")
            .Append("<span><i class=\"sw outcome-cancelled\"></i>cancelled</span>")
            .Append("<span><i class=\"sw retry\"></i>retry wait</span>")
            .Append("<span><i class=\"sw queued\"></i>waiting to start</span>")
            .Append("<span><i class=\"sw admission\"></i>waiting for machine-wide admission</span>")
            .Append("<span><i class=\"sw needs\"></i>waiting for the legs it needs</span>")
            .Append("<span class=\"hint\">hover a bar for details</span></div>\n")
            .Append("<div class=\"chart\">\n");
        TimelineChart.Write(result, html, output);
        html.Append("</div>\n</section>\n");

        html.Append("<section>\n<h2>Legs</h2>\n<table>\n<thead><tr><th>Status</th><th>Leg</th><th class=\"num\">Duration</th><th class=\"num\">Attempts</th><th class=\"num\">Exit</th><th>Image</th><th>Reason</th></tr></thead>\n<tbody>\n");
        foreach (var leg in result.Legs)
        {
            LegRows(html, leg);
            ReportBuffer.Spill(html, output);
        }

        html.Append("</tbody>\n</table>\n</section>\n<footer>Written by CakeParallel; the same run as JSON is in the report file (ReportFile).</footer>\n</body>\n</html>\n");
        ReportBuffer.Flush(html, output);
    }

    private static void LegRows(StringBuilder html, LegResult leg)
    {
        var row = RunSummary.Row(leg);
        var status = TimelineChart.StatusClass(leg.Status);
        html.Append("<tr class=\"leg status-").Append(status).Append("\"><td><span class=\"pill status-").Append(status).Append("\">")
            .Append(row.StatusText).Append("</span></td><td><b>").Append(E(leg.Name)).Append("</b>");
        if (leg.Parameters.Count > 0)
        {
            html.Append("<div class=\"params\">");
            foreach (var (key, value) in leg.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                html.Append("<code>").Append(E(key)).Append('=').Append(E(value)).Append("</code> ");
            }

            html.Append("</div>");
        }

        html.Append("<div class=\"id\">id ").Append(E(leg.Id)).Append("</div>");
        if (leg.Shard is { } shard)
        {
            // A merged report's legs ran on several CI machines: say which shard, and where.
            html.Append("<div class=\"id\">shard ").Append(E(shard.ToString())).Append(leg.Host is { } host ? " on " + E(host) : "").Append("</div>");
        }

        html.Append("</td>")
            .Append("<td class=\"num\">").Append(Cell(row.Duration)).Append("</td>")
            .Append("<td class=\"num\">").Append(Cell(row.Attempts)).Append("</td>")
            .Append("<td class=\"num\">").Append(Cell(row.Exit)).Append("</td><td>");
        if (leg.ImageId is { } image)
        {
            html.Append("<code title=\"").Append(E(image)).Append("\">").Append(E(row.Image)).Append("</code>");
            foreach (var tag in leg.Tags)
            {
                html.Append("<div class=\"tag\">").Append(E(tag)).Append("</div>");
            }
        }

        html.Append("</td><td>").Append(E(leg.FailureReason ?? "")).Append("</td></tr>\n");

        var unsuccessful = LegText.IsFailure(leg.Status);
        if (unsuccessful || leg.Remarks.Count > 0 || leg.Attempts.Count > 1)
        {
            html.Append("<tr class=\"more\"><td></td><td colspan=\"6\"><details").Append(unsuccessful ? " open=\"open\"" : "").Append("><summary>")
                .Append(unsuccessful ? "Attempts and last output" : "Attempts and remarks").Append("</summary>\n<ul class=\"attempts\">");
            foreach (var attempt in leg.Attempts)
            {
                html.Append("<li>").Append(E(AttemptText.Describe(attempt))).Append("</li>");
            }

            foreach (var remark in leg.Remarks)
            {
                html.Append("<li class=\"remark\">").Append(E(remark)).Append("</li>");
            }

            html.Append("</ul>\n");
            if (unsuccessful && leg.OutputTail.Count > 0)
            {
                html.Append("<pre>");
                foreach (var line in leg.OutputTail)
                {
                    html.Append(E(line)).Append('\n');
                }

                html.Append("</pre>\n");
            }

            if (leg.LogFile is not null)
            {
                html.Append("<div class=\"log\">Full log: <code>").Append(E(leg.LogFile)).Append("</code></div>\n");
            }

            html.Append("</details></td></tr>\n");
        }
    }

    // An empty cell (nothing of the leg ran in this run) shows a dash.
    private static string Cell(string text) => text.Length == 0 ? "–" : E(text);

    /// <summary>The attempts the legs were allowed, e.g. <c>up to 3</c>, or <c>1 (no retry)</c>.</summary>
    private static string AttemptsFact(RunSettings settings)
    {
        var attempts = settings.Retry.MaxAttempts == 1 ? "1 (no retry)" : $"up to {settings.Retry.MaxAttempts.ToString(CultureInfo.InvariantCulture)}";
        return settings.RetryVariesByLeg ? $"set per leg ({attempts} where not set)" : attempts;
    }

    private static void Fact(StringBuilder html, string name, string value) =>
        html.Append("<div><dt>").Append(E(name)).Append("</dt><dd>").Append(E(value)).Append("</dd></div>");

    private static string E(string text) => WebUtility.HtmlEncode(ReportText.Clean(text));

    // Colours follow GitHub's Primer palette so the page looks at home next to a CI log; a dark variant follows the system.
    private const string Style = """

:root { --fg:#1f2328; --muted:#656d76; --bg:#ffffff; --panel:#f6f8fa; --line:#d0d7de; --stripe:#f6f8fa;
  --ok:#1a7f37; --fail:#cf222e; --timeout:#bc4c00; --cancel:#6e7781; --skip:#8c959f; --reuse:#0969da; --retry:#9a6700; --run:#0969da; }
@media (prefers-color-scheme: dark) { :root { --fg:#e6edf3; --muted:#8d96a0; --bg:#0d1117; --panel:#161b22; --line:#30363d; --stripe:#161b22;
  --ok:#3fb950; --fail:#f85149; --timeout:#db6d28; --cancel:#8b949e; --skip:#6e7681; --reuse:#58a6ff; --retry:#d29922; --run:#58a6ff; } }
* { box-sizing: border-box; }
body { margin: 0; padding: 24px 32px 40px; font: 14px/1.45 -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; color: var(--fg); background: var(--bg); }
h1 { font-size: 22px; margin: 0 0 10px; font-weight: 600; }
h2 { font-size: 16px; margin: 28px 0 10px; font-weight: 600; }
code, pre, .id { font-family: ui-monospace, SFMono-Regular, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12px; }
.verdict { font-size: 13px; vertical-align: middle; padding: 3px 10px; border-radius: 12px; color: #fff; text-transform: uppercase; letter-spacing: .04em; margin-left: 6px; }
.verdict-succeeded { background: var(--ok); } .verdict-failed { background: var(--fail); } .verdict-cancelled { background: var(--cancel); }
.counts { display: flex; gap: 8px; flex-wrap: wrap; margin-bottom: 12px; }
.chip { border: 1px solid var(--line); border-left-width: 4px; border-radius: 6px; padding: 2px 10px; background: var(--panel); }
.facts { display: flex; flex-wrap: wrap; gap: 6px 28px; margin: 0; padding: 10px 14px; background: var(--panel); border: 1px solid var(--line); border-radius: 6px; }
.facts div { display: flex; gap: 6px; } .facts dt { color: var(--muted); } .facts dd { margin: 0; font-weight: 600; }
.legend { display: flex; gap: 16px; flex-wrap: wrap; color: var(--muted); font-size: 12px; margin-bottom: 6px; align-items: center; }
.legend .hint { margin-left: auto; font-style: italic; }
.sw { display: inline-block; width: 18px; height: 10px; border-radius: 2px; margin-right: 5px; vertical-align: -1px; }
.sw.retry { background: repeating-linear-gradient(45deg, var(--retry) 0 2px, transparent 2px 5px); border: 1px solid var(--retry); }
.sw.queued { height: 0; border-top: 2px dotted var(--skip); border-radius: 0; vertical-align: 3px; }
.sw.admission { height: 0; border-top: 4px solid var(--retry); border-radius: 0; vertical-align: 3px; opacity: .6; }
.sw.needs { height: 0; border-top: 4px solid var(--run); border-radius: 0; vertical-align: 3px; opacity: .5; }
.chart { overflow-x: auto; border: 1px solid var(--line); border-radius: 6px; padding: 6px 0; }
svg.timeline { display: block; font-size: 12px; min-width: 900px; }
svg .stripe { fill: var(--stripe); }
svg .grid { stroke: var(--line); stroke-width: 1; } svg .rows-end { stroke: var(--line); }
svg .tick { fill: var(--muted); text-anchor: middle; font-size: 11px; }
svg .label { fill: var(--fg); } svg .note { fill: var(--muted); font-style: italic; }
svg .attempt { stroke: rgba(0,0,0,.15); } svg .attempt:hover, svg .retry-wait:hover { stroke: var(--fg); stroke-width: 1.5; }
svg .bar-label { fill: #fff; font-size: 10px; text-anchor: middle; font-weight: 600; pointer-events: none; }
svg .queued { stroke: var(--skip); stroke-width: 1.5; stroke-dasharray: 2 3; }
svg .admission-wait { stroke: var(--retry); stroke-width: 4; stroke-opacity: .6; }
svg .needs-wait { stroke: var(--run); stroke-width: 4; stroke-opacity: .5; }
svg .retry-wait { fill: url(#retry-hatch); stroke: var(--retry); stroke-width: .8; }
svg .hatch-bg { fill: var(--bg); } svg .hatch-line { fill: var(--retry); }
svg .lane-bg { fill: var(--panel); stroke: var(--line); }
svg .running { fill: var(--run); fill-opacity: .35; stroke: var(--run); stroke-width: 1.2; }
svg .limit { stroke: var(--fail); stroke-width: 1.5; stroke-dasharray: 6 4; }
svg .limit-label { fill: var(--fail); text-anchor: end; font-size: 11px; font-weight: 600; }
svg .lane-label { fill: var(--fg); font-weight: 600; } svg .lane-sub { fill: var(--muted); font-size: 11px; }
svg .lane-tick { fill: var(--muted); font-size: 10px; text-anchor: end; }
.outcome-succeeded { fill: var(--ok); background: var(--ok); } .outcome-failed { fill: var(--fail); background: var(--fail); }
.outcome-timed-out { fill: var(--timeout); background: var(--timeout); } .outcome-cancelled { fill: var(--cancel); background: var(--cancel); }
svg .status-succeeded .dot { fill: var(--ok); } svg .status-failed .dot { fill: var(--fail); } svg .status-timed-out .dot { fill: var(--timeout); }
svg .status-cancelled .dot { fill: var(--cancel); } svg .status-not-started .dot { fill: none; stroke: var(--skip); stroke-width: 1.5; } svg .status-reused .dot { fill: var(--reuse); }
svg .status-up-to-date .dot { fill: var(--ok); }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 7px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { color: var(--muted); font-weight: 600; font-size: 12px; background: var(--panel); }
.num { text-align: right; white-space: nowrap; }
.params code { background: var(--panel); border: 1px solid var(--line); border-radius: 4px; padding: 0 4px; }
.id, .tag, .log { color: var(--muted); font-size: 11px; }
.pill { display: inline-block; padding: 1px 9px; border-radius: 10px; color: #fff; font-size: 12px; font-weight: 600; white-space: nowrap; }
.pill.status-succeeded, .chip.status-succeeded { border-left-color: var(--ok); } .pill.status-succeeded { background: var(--ok); }
.pill.status-failed, .chip.status-failed { border-left-color: var(--fail); } .pill.status-failed { background: var(--fail); }
.pill.status-timed-out, .chip.status-timed-out { border-left-color: var(--timeout); } .pill.status-timed-out { background: var(--timeout); }
.pill.status-cancelled, .chip.status-cancelled { border-left-color: var(--cancel); } .pill.status-cancelled { background: var(--cancel); }
.pill.status-not-started, .chip.status-not-started { border-left-color: var(--skip); } .pill.status-not-started { background: var(--skip); }
.pill.status-reused, .chip.status-reused { border-left-color: var(--reuse); } .pill.status-reused { background: var(--reuse); }
.pill.status-up-to-date, .chip.status-up-to-date { border-left-color: var(--ok); } .pill.status-up-to-date { background: var(--ok); }
tr.more td { border-bottom: 1px solid var(--line); padding-top: 0; }
tr.leg:has(+ tr.more) td { border-bottom: none; }
details summary { cursor: pointer; color: var(--muted); font-size: 12px; }
ul.attempts { margin: 6px 0; padding-left: 18px; font-size: 12px; } ul.attempts .remark { color: var(--muted); }
pre { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; overflow-x: auto; margin: 6px 0; max-height: 360px; }
footer { margin-top: 28px; color: var(--muted); font-size: 11px; }

""";
}
