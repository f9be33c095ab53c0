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

    [Fact]
    public void The_schema_rejects_what_CI_test_tabs_cannot_read()
    {
        SchemaErrors("<testsuites><testsuite name='s' tests='1'><testcase classname='c'/></testsuite></testsuites>").ShouldNotBeEmpty();
        SchemaErrors("<testsuites><testsuite name='s' tests='1' time='1,5'><testcase name='x'/></testsuite></testsuites>").ShouldNotBeEmpty();
        SchemaErrors("<testsuites><testsuite name='s' tests='1'><testcase name='x'/></testsuite></testsuites>").ShouldBeEmpty();
    }

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
