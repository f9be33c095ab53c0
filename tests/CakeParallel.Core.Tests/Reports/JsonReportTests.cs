using System.Text.Json;
using CakeParallel.Reports;
using CakeParallel.Model;
using CakeParallel.Runs;

namespace CakeParallel.Tests.Reports;

public sealed class JsonReportTests : IDisposable
{
    private static readonly TimeSpan Millisecond = TimeSpan.FromMilliseconds(1);
    private readonly Scratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task The_report_round_trips_every_fact_of_a_real_run()
    {
        var path = _scratch.PathOf("out/report.json");
        var result = await MixedRun.RunAsync(_scratch, new ReportOptions { ReportFile = path });

        var read = JsonRunReport.Read(path);

        read.RunId.ShouldBe(result.RunId);
        read.Host.ShouldBe(result.Host);
        read.StartedAt.ShouldBe(result.StartedAt);
        read.Duration.ShouldBe(result.Duration, Millisecond);
        read.WasCancelled.ShouldBe(result.WasCancelled);
        read.Settings.ShouldNotBeNull();
        read.Settings.MaxParallel.ShouldBe(2);
        read.Settings.Termination.ShouldBe(result.Settings!.Termination);
        read.Legs.Count.ShouldBe(result.Legs.Count);
        for (var i = 0; i < result.Legs.Count; i++)
        {
            var (expected, actual) = (result.Legs[i], read.Legs[i]);
            actual.Id.ShouldBe(expected.Id);
            actual.Name.ShouldBe(expected.Name);
            actual.Status.ShouldBe(expected.Status);
            actual.Duration.ShouldBe(expected.Duration, Millisecond);
            actual.ExitCode.ShouldBe(expected.ExitCode);
            actual.Signal.ShouldBe(expected.Signal);
            actual.FailureReason.ShouldBe(expected.FailureReason);
            actual.LogFile.ShouldBe(expected.LogFile);
            actual.OutputTail.ShouldBe(expected.OutputTail);
            actual.Attempts.Count.ShouldBe(expected.Attempts.Count);
            for (var a = 0; a < expected.Attempts.Count; a++)
            {
                var (e, r) = (expected.Attempts[a], actual.Attempts[a]);
                (r.Number, r.StartedAt, r.ExitCode, r.Signal, r.Outcome, r.Detail).ShouldBe((e.Number, e.StartedAt, e.ExitCode, e.Signal, e.Outcome, e.Detail));
                r.Duration.ShouldBe(e.Duration, Millisecond);
                (r.Decision.WillRetry, r.Decision.Reason).ShouldBe((e.Decision.WillRetry, e.Decision.Reason));
                (r.Decision.Delay ?? TimeSpan.Zero).ShouldBe(e.Decision.Delay ?? TimeSpan.Zero, Millisecond);
            }
        }

        // Rendering what was read gives the same document: nothing is lost or changed in a round trip.
        JsonRunReport.Render(read).ShouldBe(await File.ReadAllTextAsync(path));
    }

    [Fact]
    public async Task The_document_has_the_documented_shape()
    {
        var path = _scratch.PathOf("report.json");
        await MixedRun.RunAsync(_scratch, new ReportOptions { ReportFile = path });

        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(path));
        var root = json.RootElement;
        root.GetProperty("schemaVersion").GetInt32().ShouldBe(1);
        root.GetProperty("tool").GetProperty("name").GetString().ShouldBe("CakeParallel");
        root.GetProperty("succeeded").GetBoolean().ShouldBeFalse();
        root.GetProperty("endedAt").GetDateTimeOffset().ShouldBeGreaterThan(root.GetProperty("startedAt").GetDateTimeOffset());
        var counts = root.GetProperty("counts");
        (counts.GetProperty("succeeded").GetInt32(), counts.GetProperty("failed").GetInt32(), counts.GetProperty("timedOut").GetInt32(), counts.GetProperty("notStarted").GetInt32()).ShouldBe((2, 1, 1, 0));
        root.GetProperty("settings").GetProperty("retry").GetProperty("maxAttempts").GetInt32().ShouldBe(1);

        var legs = root.GetProperty("legs").EnumerateArray().ToDictionary(l => l.GetProperty("name").GetString()!);
        legs["slow"].GetProperty("status").GetString().ShouldBe("timedOut");
        legs["broken"].GetProperty("exitCode").GetInt32().ShouldBe(3);
        var flaky = legs["flaky"].GetProperty("attempts");
        flaky.GetArrayLength().ShouldBe(2);
        flaky[0].GetProperty("outcome").GetString().ShouldBe("failed");
        flaky[0].GetProperty("retry").GetProperty("willRetry").GetBoolean().ShouldBeTrue();
        flaky[0].GetProperty("retry").GetProperty("delaySeconds").GetDouble().ShouldBe(0.3, 0.001);
        flaky[1].GetProperty("outcome").GetString().ShouldBe("succeeded");
    }

    [Fact]
    public async Task A_concurrent_reader_never_sees_a_partial_report()
    {
        var result = await MixedRun.RunAsync(_scratch, ReportOptions.None);
        // Two large, different reports: a reader that caught a write halfway would fail to parse or see neither.
        var big = result with { Legs = [.. result.Legs.Select(l => l with { OutputTail = [.. Enumerable.Range(0, 20_000).Select(i => $"line {i} of {l.Name}")] })] };
        var texts = new[] { JsonRunReport.Render(result), JsonRunReport.Render(big) };
        var path = _scratch.PathOf("shared/report.json");
        AtomicFile.WriteAllText(path, texts[0]);

        using var stop = new CancellationTokenSource();
        var reads = 0;
        var reader = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                var seen = File.ReadAllText(path);
                seen.ShouldBeOneOf(texts);
                JsonRunReport.Parse(seen).RunId.ShouldBe(result.RunId);
                Interlocked.Increment(ref reads);
            }
        });

        // Keep replacing the file until the reader has read it many times while writes were going on.
        var writes = 0;
        while ((writes < 60 || Volatile.Read(ref reads) < 30) && writes < 20_000 && !reader.IsCompleted)
        {
            AtomicFile.WriteAllText(path, texts[writes++ % 2]);
        }

        await stop.CancelAsync();
        await reader;
        Volatile.Read(ref reads).ShouldBeGreaterThanOrEqualTo(30);
        Directory.GetFiles(_scratch.PathOf("shared")).ShouldBe([path], "no temporary file is left behind");
    }

    [Fact]
    public async Task A_cancelled_run_still_leaves_valid_reports()
    {
        var options = new ReportOptions
        {
            ReportFile = _scratch.PathOf("cancelled.json"),
            JUnitFile = _scratch.PathOf("cancelled.xml"),
            MarkdownFile = _scratch.PathOf("cancelled.md"),
            HtmlFile = _scratch.PathOf("cancelled.html"),
            Environment = new Dictionary<string, string?>(),
        };
        var marker = _scratch.PathOf("started");
        LegSpec Sleeper(string name) => Scratch.Sh(name, $"touch '{marker}.{name}'; sleep 30");
        using var cancellation = new CancellationTokenSource();
        var run = ParallelRunner.RunAsync([Sleeper("one"), Sleeper("two"), Sleeper("three")], _scratch.Options(maxParallel: 2) with { Reports = options }, cancellation.Token);
        await WaitUntil(() => File.Exists(marker + ".one") && File.Exists(marker + ".two"));
        await cancellation.CancelAsync();
        var result = await run;

        result.WasCancelled.ShouldBeTrue();
        var read = JsonRunReport.Read(options.ReportFile);
        read.WasCancelled.ShouldBeTrue();
        read.Legs.Select(l => l.Status).ShouldBe([LegStatus.Cancelled, LegStatus.Cancelled, LegStatus.NotStarted]);
        var junit = await File.ReadAllTextAsync(options.JUnitFile);
        junit.ShouldContain("<failure message=\"Cancelled: ");
        junit.ShouldContain("<skipped message=\"Not started: ");
        (await File.ReadAllTextAsync(options.MarkdownFile)).ShouldContain("| one | cancelled |");
        (await File.ReadAllTextAsync(options.HtmlFile)).ShouldContain("verdict-cancelled");
    }

    [Fact]
    public void A_report_of_another_schema_version_is_refused_with_the_reason()
    {
        var wrongVersion = """{ "schemaVersion": 2, "runId": "x", "legs": [] }""";
        Should.Throw<InvalidDataException>(() => JsonRunReport.Parse(wrongVersion)).Message.ShouldContain("schemaVersion is 2");
        Should.Throw<InvalidDataException>(() => JsonRunReport.Parse("[1, 2]")).Message.ShouldContain("no integer 'schemaVersion'");
        Should.Throw<InvalidDataException>(() => JsonRunReport.Parse("{ \"schemaVersion\": 1, ")).Message.ShouldContain("not valid JSON");
        Should.Throw<InvalidDataException>(() => JsonRunReport.Parse("""{ "schemaVersion": 1, "runId": "x" }""")).Message.ShouldContain("legs");
    }

    [Fact]
    public async Task The_documented_example_is_a_current_report_that_shows_every_property()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "docs", "report-example.json")))
        {
            folder = folder.Parent;
        }

        folder.ShouldNotBeNull("docs/report-example.json is above the test's folder");
        var example = await File.ReadAllTextAsync(Path.Combine(folder.FullName, "docs", "report-example.json"));
        var rendered = JsonRunReport.Render(JsonRunReport.Parse(example));
        PropertyPaths(example).ShouldBe(PropertyPaths(rendered));
        var schema = await File.ReadAllTextAsync(Path.Combine(folder.FullName, "docs", "report-schema.md"));
        foreach (var name in PropertyPaths(rendered).Select(p => p.Split('.')[^1]).Where(n => !n.StartsWith('[')).Distinct())
        {
            schema.ShouldContain($"`{name}`", Case.Sensitive, $"docs/report-schema.md documents '{name}'");
        }
    }

    private static SortedSet<string> PropertyPaths(string json)
    {
        var paths = new SortedSet<string>(StringComparer.Ordinal);
        void Walk(JsonElement element, string path)
        {
            if (element.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in element.EnumerateObject())
                {
                    // Parameter names are data, not schema.
                    var child = path.EndsWith("parameters", StringComparison.Ordinal) ? path + ".[key]" : path + "." + property.Name;
                    paths.Add(child);
                    Walk(property.Value, child);
                }
            }
            else if (element.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in element.EnumerateArray())
                {
                    Walk(item, path + ".[]");
                }
            }
        }

        using var document = JsonDocument.Parse(json);
        Walk(document.RootElement, "");
        return paths;
    }

    internal static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("the condition did not become true within 20 s");
            }

            await Task.Delay(20);
        }
    }
}
