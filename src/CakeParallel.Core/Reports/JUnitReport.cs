using System.Globalization;
using System.Text;
using CakeParallel.Model;
using CakeParallel.Scheduling;

namespace CakeParallel.Reports;

/// <summary>
/// The JUnit XML report of a run, as the test tabs of Jenkins, GitHub (test-reporter actions), Azure Pipelines
/// and GitLab read it: one testsuite, one testcase per leg. Failed, timed-out and cancelled legs carry a failure
/// with their own message and type (the CPAR01xx code) and the output tail; not-started legs are skipped;
/// reused legs pass. Times are in seconds.
/// </summary>
public static class JUnitReport
{
    /// <summary>The classname of every testcase, so CI tabs group a run's legs together.</summary>
    public const string ClassName = "CakeParallel";

    /// <summary>Renders <paramref name="result"/> as JUnit XML.</summary>
    /// <param name="result">The run's result.</param>
    public static string Render(RunResult result)
    {
        var text = new Utf8StringWriter();
        Write(result, text);
        return text.ToString();
    }

    /// <summary>Writes <paramref name="result"/> as JUnit XML to <paramref name="output"/> as it goes (the XML declaration names the writer's encoding).</summary>
    internal static void Write(RunResult result, TextWriter output)
    {
        // An all-or-nothing publish is one more testcase, so a CI test tab shows a publish that failed or was held back.
        var publish = result.Publish?.Outcome;
        var tests = result.Legs.Count + (publish is null ? 0 : 1);
        var failures = result.Legs.Count(l => LegText.IsFailure(l.Status)) + (publish == PublishOutcome.Failed ? 1 : 0);
        var skipped = result.Count(LegStatus.NotStarted) + (publish == PublishOutcome.HeldBack ? 1 : 0);
        var time = Seconds(result.Duration);
        // A stable suite name: CI test tabs track a testcase across builds by suite, class and name; the run id is a property.
        const string suiteName = ClassName;

        var xml = new IndentedXmlWriter(output);
        xml.StartElement("testsuites");
        xml.Attribute("name", suiteName);
        xml.Attribute("tests", Count(tests));
        xml.Attribute("failures", Count(failures));
        xml.Attribute("errors", "0");
        xml.Attribute("time", time);

        xml.StartElement("testsuite");
        xml.Attribute("name", suiteName);
        xml.Attribute("tests", Count(tests));
        xml.Attribute("failures", Count(failures));
        xml.Attribute("errors", "0");
        xml.Attribute("skipped", Count(skipped));
        xml.Attribute("time", time);
        // Surefire's form: local date and time without an offset; ours is UTC.
        xml.Attribute("timestamp", result.StartedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture));
        xml.Attribute("hostname", Attribute(result.Host));
        xml.Attribute("id", "0");
        xml.Attribute("package", ClassName);
        WriteProperties(xml, result);
        foreach (var leg in result.Legs)
        {
            WriteTestCase(xml, leg);
            YoungGenerationBound.Check();
        }

        if (result.Publish is { } published)
        {
            WritePublishCase(xml, result, published);
        }

        xml.EndElement();
        xml.EndElement();
        output.Write('\n');
    }

    private static void WriteProperties(IndentedXmlWriter xml, RunResult result)
    {
        var properties = new List<(string, string)>
        {
            ("runId", result.RunId),
            ("host", result.Host),
            ("startedAt", result.StartedAt.ToString("O", CultureInfo.InvariantCulture)),
            ("wasCancelled", result.WasCancelled ? "true" : "false"),
            ("counts", result.CountsDisplay),
        };
        if (result.Settings is { } s)
        {
            properties.Add(("maxParallel", Count(s.MaxParallel)));
            properties.Add(("failFast", s.FailFast ? "true" : "false"));
            properties.Add(("timeout", s.Timeout is { } t ? DurationText.Format(t) : "none"));
            properties.Add(("deadline", s.Deadline is { } d ? DurationText.Format(d) : "none"));
            properties.Add(("retry.maxAttempts", Count(s.Retry.MaxAttempts)));
            properties.Add(("termination", s.Termination));
            if (s.Endpoints.Count > 0)
            {
                properties.Add(("endpoints", string.Join(", ", s.Endpoints.Select(e => $"{e.Name} (maxParallel {Count(e.MaxParallel)})"))));
            }
        }

        // A testcase has no properties in the common JUnit shape, so each leg's engine is a suite property.
        foreach (var leg in result.Legs.Where(l => l.Endpoint is not null))
        {
            properties.Add(("engine." + leg.Name, RunSummary.EngineText(leg)));
        }

        xml.StartElement("properties");
        foreach (var (name, value) in properties)
        {
            xml.StartElement("property");
            xml.Attribute("name", name);
            xml.Attribute("value", Attribute(value));
            xml.EndElement();
        }

        xml.EndElement();
    }

    private static void WriteTestCase(IndentedXmlWriter xml, LegResult leg)
    {
        xml.StartElement("testcase");
        xml.Attribute("name", Attribute(leg.Name));
        xml.Attribute("classname", ClassName);
        xml.Attribute("time", Seconds(leg.Duration));
        switch (leg.Status)
        {
            case LegStatus.Failed or LegStatus.TimedOut or LegStatus.Cancelled:
                xml.StartElement("failure");
                xml.Attribute("message", Attribute(FailureMessage(leg)));
                xml.Attribute("type", FailureType(leg.Status));
                xml.EndElementWithText(ReportText.Clean(FailureBody(leg)));
                break;
            case LegStatus.NotStarted:
                xml.StartElement("skipped");
                xml.Attribute("message", Attribute(leg.FailureReason ?? "Not started"));
                xml.EndElement();
                break;
        }

        xml.Element("system-out", ReportText.Clean(SystemOut(leg)));
        xml.EndElement();
    }

    private static void WritePublishCase(IndentedXmlWriter xml, RunResult result, PublishResult publish)
    {
        xml.StartElement("testcase");
        xml.Attribute("name", PublishCaseName);
        xml.Attribute("classname", ClassName);
        xml.Attribute("time", "0");
        var line = RunSummary.PublishLine(result)!;
        if (publish.Outcome != PublishOutcome.Published)
        {
            xml.StartElement(publish.Outcome == PublishOutcome.Failed ? "failure" : "skipped");
            xml.Attribute("message", Attribute(line));
            if (publish.Outcome == PublishOutcome.Failed)
            {
                xml.Attribute("type", publish.Code ?? "publish failed");
            }

            xml.EndElement();
        }

        var tags = new StringBuilder(line).Append('\n');
        foreach (var tag in publish.Tags)
        {
            tags.Append(tag.Tag).Append(" <- ").Append(tag.Leg).Append(": ").Append(tag.Digest ?? "no image").Append(tag.Written ? " (written)" : " (not written)").Append('\n');
        }

        xml.Element("system-out", ReportText.Clean(tags.ToString()));
        xml.EndElement();
    }

    /// <summary>The name of the testcase an all-or-nothing publish adds.</summary>
    internal const string PublishCaseName = "publish (all-or-nothing)";

    /// <summary>The failure message: the status in words, then the reason (distinct for failed, timed out and cancelled).</summary>
    internal static string FailureMessage(LegResult leg)
    {
        var status = leg.Status switch
        {
            LegStatus.TimedOut => "Timed out",
            LegStatus.Cancelled => "Cancelled",
            _ => "Failed",
        };
        return leg.FailureReason is { Length: > 0 } reason ? $"{status}: {reason}" : status;
    }

    private static string FailureType(LegStatus status) => LegText.ErrorCode(status) + " " + LegStatusText.Of(status);

    private static string FailureBody(LegResult leg)
    {
        var body = new StringBuilder();
        body.Append(FailureMessage(leg)).Append('\n');
        if (leg.ExitDisplay.Length > 0)
        {
            body.Append("Exit: ").Append(leg.ExitDisplay).Append('\n');
        }

        if (leg.OutputTail.Count > 0)
        {
            body.Append("\nLast ").Append(leg.OutputTail.Count).Append(" output lines:\n");
            foreach (var line in leg.OutputTail)
            {
                body.Append(line).Append('\n');
            }
        }

        return body.ToString();
    }

    private static string SystemOut(LegResult leg)
    {
        var text = new StringBuilder();
        text.Append("id: ").Append(leg.Id).Append('\n');
        foreach (var (key, value) in leg.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            text.Append("parameter ").Append(key).Append(": ").Append(value).Append('\n');
        }

        text.Append("status: ").Append(LegStatusText.Of(leg.Status)).Append('\n');
        foreach (var attempt in leg.Attempts)
        {
            text.Append(AttemptText.Describe(attempt)).Append('\n');
        }

        if (leg.ImageId is not null)
        {
            text.Append("image: ").Append(leg.ImageId).Append('\n');
        }

        foreach (var tag in leg.Tags)
        {
            text.Append("tag: ").Append(tag).Append(leg.PushedDigests.TryGetValue(tag, out var digest) ? " (pushed, " + digest + ")" : "").Append('\n');
        }

        if (leg.Endpoint is not null)
        {
            text.Append("engine: ").Append(RunSummary.EngineText(leg)).Append('\n');
        }

        foreach (var remark in leg.Remarks)
        {
            text.Append("remark: ").Append(remark).Append('\n');
        }

        if (leg.LogFile is not null)
        {
            text.Append("log: ").Append(leg.LogFile).Append('\n');
        }

        return text.ToString();
    }

    private static string Attribute(string text) => ReportText.Clean(text);

    private static string Count(int count) => count.ToString(CultureInfo.InvariantCulture);

    private static string Seconds(TimeSpan duration) => duration.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture);

    private sealed class Utf8StringWriter : StringWriter
    {
        public Utf8StringWriter()
            : base(CultureInfo.InvariantCulture)
        {
        }

        public override Encoding Encoding => new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
    }
}
