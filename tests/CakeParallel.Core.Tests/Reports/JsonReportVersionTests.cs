using System.Text.Json;
using System.Text.Json.Nodes;
using CakeParallel.Model;
using CakeParallel.Reports;

namespace CakeParallel.Tests.Reports;

/// <summary>
/// The rule for the report's schema: new fields are optional and keep the version; every earlier version still
/// reads. Each fixture is a report exactly as an earlier release wrote it.
/// </summary>
public sealed class JsonReportVersionTests
{
    private static string Fixture(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Reports", "Fixtures", name));

    [Fact]
    public void A_version_1_report_as_0_1_0_wrote_it_reads_completely()
    {
        var text = Fixture("report-v1-0.1.0.json");

        var run = JsonRunReport.Parse(text);

        run.RunId.ShouldBe("01a22565-5592-751c-a99d-49e8645b79ee");
        run.Legs.Count.ShouldBe(8);
        run.Count(LegStatus.Succeeded).ShouldBe(6);
        run.Settings!.Retry.MaxAttempts.ShouldBe(3);
        run.Settings.Retry.RetryOnOutput.ShouldBe(["TLS handshake timeout"]);
        run.Settings.RetryVariesByLeg.ShouldBeFalse("a field added later reads as its default");
        run.Legs.Sum(l => l.Attempts.Count).ShouldBeGreaterThan(run.Legs.Count);

        // Nothing of the old report is lost: rendering it again keeps every value and only adds the new fields.
        var rendered = JsonNode.Parse(JsonRunReport.Render(run))!.AsObject();
        var original = JsonNode.Parse(text)!.AsObject();
        rendered["settings"]!.AsObject().Remove("retryVariesByLeg").ShouldBeTrue();
        rendered.Remove("shard").ShouldBeTrue();
        rendered.Remove("matrix").ShouldBeTrue();
        rendered["counts"]!["upToDate"]!.GetValue<int>().ShouldBe(0, "a status added later counts no legs");
        rendered["counts"]!.AsObject().Remove("upToDate").ShouldBeTrue();
        foreach (var leg in rendered["legs"]!.AsArray())
        {
            foreach (var added in new[] { "shard", "host", "expectedDurationSeconds" })
            {
                leg!.AsObject().Remove(added).ShouldBeTrue();
            }
        }

        foreach (var attempt in rendered["legs"]!.AsArray().SelectMany(l => l!["attempts"]!.AsArray()))
        {
            attempt!["admissionWaitSeconds"]!.GetValue<double>().ShouldBe(0, "a field added later reads as its default");
            attempt.AsObject().Remove("admissionWaitSeconds").ShouldBeTrue();
        }

        rendered["tool"] = original["tool"]!.DeepClone();
        JsonNode.DeepEquals(rendered, original).ShouldBeTrue();
    }

    [Fact]
    public void Fields_a_later_version_adds_are_ignored()
    {
        var report = JsonNode.Parse(Fixture("report-v1-0.1.0.json"))!.AsObject();
        report["endpoints"] = new JsonArray("http://localhost:5000");
        // ("shard" and then "inputsHash" were the example here until 0.2.0 added them as strings; a field not yet defined stands in.)
        report["legs"]![0]!["buildProvenance"] = new JsonObject { ["algorithm"] = "sha256", ["value"] = "ab12" };

        var run = JsonRunReport.Parse(report.ToJsonString());

        run.Legs[0].Name.ShouldBe("alpine-amd64");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(JsonRunReport.SchemaVersion + 1)]
    public void Versions_outside_1_to_the_current_one_are_refused(int version)
    {
        var report = JsonNode.Parse(Fixture("report-v1-0.1.0.json"))!.AsObject();
        report["schemaVersion"] = version;

        Should.Throw<InvalidDataException>(() => JsonRunReport.Parse(report.ToJsonString()))
            .Message.ShouldBe($"its schemaVersion is {version}; this version of CakeParallel reads schemaVersion 1 to {JsonRunReport.SchemaVersion}.");
    }

    [Fact]
    public void Statuses_are_written_as_camel_case_strings()
    {
        var run = JsonRunReport.Parse(Fixture("report-v1-0.1.0.json"));

        using var json = JsonDocument.Parse(JsonRunReport.Render(run));

        json.RootElement.GetProperty("legs").EnumerateArray().Select(l => l.GetProperty("status").GetString())
            .ShouldBe(run.Legs.Select(l => JsonNamingPolicy.CamelCase.ConvertName(l.Status.ToString())));
    }
}
