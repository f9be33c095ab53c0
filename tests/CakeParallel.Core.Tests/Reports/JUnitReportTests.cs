using System.Text;
using System.Xml;
using System.Xml.Linq;
using System.Xml.Schema;
using CakeParallel.Reports;
using CakeParallel.Model;
using CakeParallel.Runs;

namespace CakeParallel.Tests.Reports;

public sealed class JUnitReportTests : IDisposable
{
    private readonly Scratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task A_mixed_run_is_valid_JUnit_with_one_testcase_per_leg()
    {
        var path = _scratch.PathOf("junit.xml");
        var result = await MixedRun.RunAsync(_scratch, new ReportOptions { JUnitFile = path });

        SchemaErrors(await File.ReadAllTextAsync(path)).ShouldBeEmpty();
        var suite = XDocument.Load(path).Root!.Element("testsuite")!;
        ((int)suite.Attribute("tests")!, (int)suite.Attribute("failures")!, (int)suite.Attribute("skipped")!).ShouldBe((4, 2, 0));
        var cases = suite.Elements("testcase").ToDictionary(c => (string)c.Attribute("name")!);
        cases.Keys.ShouldBe(MixedRun.LegNames);
        cases["ok"].Element("failure").ShouldBeNull();
        cases["flaky"].Element("failure").ShouldBeNull();
        cases["flaky"].Element("system-out")!.Value.ShouldContain("attempt 1: failed");

        var broken = cases["broken"].Element("failure")!;
        ((string)broken.Attribute("message")!).ShouldBe("Failed: Exited with code 3: error CS1002: ; expected");
        ((string)broken.Attribute("type")!).ShouldBe("CPAR0101 failed");
        broken.Value.ShouldContain("compiling <lib> & \"app\"");

        var slow = cases["slow"].Element("failure")!;
        ((string)slow.Attribute("message")!).ShouldStartWith("Timed out: ");
        ((string)slow.Attribute("type")!).ShouldBe("CPAR0102 timed out");

        var seconds = (double)cases["slow"].Attribute("time")!;
        seconds.ShouldBe(result.Legs[3].Duration.TotalSeconds, 0.001);
        seconds.ShouldBeGreaterThan(0.5, "times are in seconds, not milliseconds");
    }

    [Theory]
    [InlineData(PublishOutcome.Published, null, 0, 0)]
    [InlineData(PublishOutcome.HeldBack, "skipped", 0, 1)]
    [InlineData(PublishOutcome.Failed, "failure", 1, 0)]
    public async Task An_all_or_nothing_publish_is_one_more_testcase_that_fails_or_is_skipped_with_the_publish_line(PublishOutcome outcome, string? element, int failures, int skipped)
    {
        var run = await ParallelRunner.RunAsync([Scratch.Sh("app", "true")], _scratch.Options());
        run = run with
        {
            Publish = new PublishResult
            {
                Outcome = outcome,
                Code = outcome == PublishOutcome.Failed ? ErrorCodes.DockerPublishFailed : null,
                Error = outcome == PublishOutcome.Failed ? "registry.example answered 500 for PUT /v2/app/manifests/1" : null,
                HeldBackBy = outcome == PublishOutcome.HeldBack ? [new PublishHoldBack("other", LegStatus.Failed)] : [],
                Tags = [new PublishTag("registry.example/app:1", "app", "sha256:" + new string('a', 64)) { Written = outcome == PublishOutcome.Published }],
            },
        };

        var xml = JUnitReport.Render(run);

        SchemaErrors(xml).ShouldBeEmpty();
        var suite = XDocument.Parse(xml).Root!.Element("testsuite")!;
        ((int)suite.Attribute("tests")!, (int)suite.Attribute("failures")!, (int)suite.Attribute("skipped")!).ShouldBe((2, failures, skipped));
        var publish = suite.Elements("testcase").Single(c => (string)c.Attribute("name")! == "publish (all-or-nothing)");
        publish.Element("system-out")!.Value.ShouldContain($"registry.example/app:1 <- app: sha256:{new string('a', 64)}");
        if (element is null)
        {
            publish.Elements().Select(e => e.Name.LocalName).ShouldBe(["system-out"]);
        }
        else
        {
            ((string)publish.Element(element)!.Attribute("message")!).ShouldBe(RunSummary.PublishLine(run));
        }

        var html = HtmlTimeline.Render(run);
        html.ShouldContain(System.Net.WebUtility.HtmlEncode(RunSummary.PublishLine(run)!));
        html.ShouldContain("registry.example/app:1</code> ← app");
    }

    [Fact]
    public async Task Hostile_names_and_output_still_give_valid_XML()
    {
        var path = _scratch.PathOf("junit.xml");
        await ParallelRunner.RunAsync(
            [Scratch.Sh("]]> <x a='1'> & \"q\"", "printf 'bell \\007 nul-free \\033[1;31mred\\033[0m ]]> </failure>\\n' >&2; exit 1")],
            _scratch.Options() with { Reports = new ReportOptions { JUnitFile = path } });

        var xml = await File.ReadAllTextAsync(path);
        SchemaErrors(xml).ShouldBeEmpty();
        var failure = XDocument.Parse(xml).Descendants("failure").Single();
        failure.Value.ShouldContain("bell \\x07 nul-free red ]]> </failure>");
        failure.Parent!.Attribute("name")!.Value.ShouldBe("]]> <x a='1'> & \"q\"");
    }

    [Theory]
    [InlineData("every-status")]
    [InlineData("publish-held-back")]
    [InlineData("publish-failed")]
    [InlineData("no-legs")]
    public void The_report_is_byte_for_byte_what_System_Xml_wrote_for_it(string sample)
    {
        // Each golden file was written by the report's System.Xml writer before the report wrote its XML by hand.
        var golden = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Reports", "Fixtures", $"junit-{sample}.xml"));
        var run = JUnitSampleRuns.Create(sample);
        var path = _scratch.PathOf("junit.xml");

        RunReporting.Start(new ReportOptions { JUnitFile = path, AppendToStepSummary = false }).Write(run);

        JUnitReport.Render(run).ShouldBe(new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(golden));
        File.ReadAllBytes(path).AsSpan().SequenceEqual(golden).ShouldBeTrue("the file holds the golden file's bytes");
        SchemaErrors(Encoding.UTF8.GetString(golden)).ShouldBeEmpty();
    }

    [Fact]
    public void Awkward_attribute_values_and_text_read_back_as_the_cleaned_text()
    {
        var run = JUnitSampleRuns.Create("every-status");

        var suite = XDocument.Parse(JUnitReport.Render(run)).Root!.Element("testsuite")!;

        ((string)suite.Attribute("hostname")!).ShouldBe(ReportText.Clean(run.Host));
        var properties = suite.Element("properties")!.Elements("property").ToDictionary(p => (string)p.Attribute("name")!, p => (string)p.Attribute("value")!);
        properties["host"].ShouldBe(run.Host);
        // The engine property is named after the leg as it is (line break, tab and DEL included): attributes keep every character.
        var multiLine = run.Legs.Single(l => l.Name.StartsWith("multi\r\n", StringComparison.Ordinal));
        properties["engine." + multiLine.Name].ShouldBe("engine-1");
        var cases = suite.Elements("testcase").ToList();
        cases.Select(c => (string)c.Attribute("name")!).ShouldBe(run.Legs.Select(l => ReportText.Clean(l.Name)).Append(JUnitReport.PublishCaseName));

        var failed = run.Legs.Single(l => l.OutputTail == JUnitSampleRuns.AwkwardTail);
        var failure = cases[run.Legs.ToList().IndexOf(failed)].Element("failure")!;
        ((string)failure.Attribute("message")!).ShouldBe(ReportText.Clean(JUnitReport.FailureMessage(failed)));
        ((string)failure.Attribute("message")!).ShouldContain("<here> & \"there\"\r\nsecond line\tafter a tab\rthird bold \uFFFD");
        failure.Value.ShouldStartWith(TextReadBack(JUnitReport.FailureMessage(failed)) + "\nExit: 3\n\nLast 14 output lines:\n");
        failure.Value.ShouldEndWith(string.Concat(JUnitSampleRuns.AwkwardTail.Select(l => TextReadBack(l) + "\n")));
        failure.Value.ShouldContain("cdata end ]]> and ]] > and ]]]]>> and a lone ]]\n");
        failure.Value.ShouldContain("emoji 😀 👩‍💻 🇩🇪 and a math letter 𝔸\n");
        failure.Value.ShouldContain("controls: nul \uFFFD bell \uFFFD vt \uFFFD ff \uFFFD esc-red red lone-esc \uFFFD del \uFFFD c1 \u0080 \u009B\n");
    }

    [Fact]
    public void A_leg_name_with_a_control_character_on_an_engine_still_gives_valid_XML()
    {
        // The engine property is named after the leg uncleaned (so its bytes stay what System.Xml wrote, DEL and all);
        // System.Xml threw on the control character there, the writer puts U+FFFD in its place.
        var sample = JUnitSampleRuns.Create("publish-failed");
        var run = sample with { Legs = [sample.Legs[0] with { Name = "bell\u0007 \u001B[31mred\u001B[0m \uD800", Endpoint = "engine-1" }] };

        var xml = JUnitReport.Render(run);

        SchemaErrors(xml).ShouldBeEmpty();
        var suite = XDocument.Parse(xml).Root!.Element("testsuite")!;
        suite.Element("properties")!.Elements("property").Select(p => (string)p.Attribute("name")!).ShouldContain("engine.bell\uFFFD \uFFFD[31mred\uFFFD[0m \uFFFD");
        ((string)suite.Element("testcase")!.Attribute("name")!).ShouldBe("bell\uFFFD red \uFFFD");
    }

    [Fact]
    public void The_schema_rejects_what_CI_test_tabs_cannot_read()
    {
        SchemaErrors("<testsuites><testsuite name='s' tests='1'><testcase classname='c'/></testsuite></testsuites>").ShouldNotBeEmpty();
        SchemaErrors("<testsuites><testsuite name='s' tests='1' time='1,5'><testcase name='x'/></testsuite></testsuites>").ShouldNotBeEmpty();
        SchemaErrors("<testsuites><testsuite name='s' tests='1'><testcase name='x'/></testsuite></testsuites>").ShouldBeEmpty();
    }

    // XML reads every line break in text (CR LF, lone CR) as LF, and the report writes them so.
    private static string TextReadBack(string text) => ReportText.Clean(text).Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');

    private static List<string> SchemaErrors(string xml)
    {
        var schemas = new XmlSchemaSet();
        schemas.Add(null, Path.Combine(AppContext.BaseDirectory, "Reports", "junit.xsd"));
        var errors = new List<string>();
        var settings = new XmlReaderSettings { ValidationType = ValidationType.Schema, Schemas = schemas };
        settings.ValidationFlags |= XmlSchemaValidationFlags.ReportValidationWarnings;
        settings.ValidationEventHandler += (_, e) => errors.Add($"{e.Severity}: {e.Message} (line {e.Exception?.LineNumber})");
        using var reader = XmlReader.Create(new StringReader(xml), settings);
        while (reader.Read())
        {
        }

        return errors;
    }
}
