using System.Diagnostics;
using System.Xml;
using System.Xml.Linq;
using CakeParallel.Model;
using CakeParallel.Runs;

namespace CakeParallel.Tests.Reports;

public sealed class HtmlTimelineTests : IDisposable
{
    /// <summary>Where the chromium test leaves its screenshot, for people to look at.</summary>
    public static readonly string ScreenshotPath = Path.Combine(Path.GetTempPath(), "cakeparallel-reports", "timeline.png");

    private readonly Scratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task The_chart_has_one_bar_per_attempt_and_a_retry_wait_between_attempts()
    {
        var path = _scratch.PathOf("timeline.html");
        var result = await MixedRun.RunAsync(_scratch, new ReportOptions { HtmlFile = path });

        var page = Load(path);
        var bars = page.Descendants().Where(e => e.Name.LocalName == "rect" && Classes(e).Contains("attempt")).ToList();
        bars.Count.ShouldBe(result.Legs.Sum(l => l.Attempts.Count));
        foreach (var leg in result.Legs)
        {
            var row = page.Descendants().Single(e => e.Name.LocalName == "g" && (string?)e.Attribute("data-leg") == leg.Id);
            var legBars = row.Descendants().Where(e => Classes(e).Contains("attempt")).ToList();
            legBars.Select(b => (string?)b.Attribute("data-attempt")).ShouldBe(leg.Attempts.Select(a => a.Number.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            legBars.Select(b => Classes(b).Single(c => c.StartsWith("outcome-", StringComparison.Ordinal)))
                .ShouldBe(leg.Attempts.Select(a => "outcome-" + a.Outcome switch { AttemptOutcome.TimedOut => "timed-out", var o => o.ToString().ToLowerInvariant() }));
            legBars.ShouldAllBe(b => b.Elements().Any(t => t.Name.LocalName == "title"), "every bar explains itself on hover");
        }

        var waits = page.Descendants().Where(e => Classes(e).Contains("retry-wait")).ToList();
        waits.Count.ShouldBe(1, "only 'flaky' was retried");
        waits[0].Value.ShouldContain("before attempt 2");
        page.Descendants().Where(e => Classes(e).Contains("limit-label")).Single().Value.ShouldBe("MaxParallel 2");
    }

    [Fact]
    public async Task The_page_is_self_contained()
    {
        var path = _scratch.PathOf("timeline.html");
        await ParallelRunner.RunAsync(
            [Scratch.Sh("<script>alert(1)</script> & \"quotes\"", "printf 'https://example.invalid/x.png <img src=x> \\033[31mred\\033[0m\\n'; exit 1")],
            _scratch.Options() with { Reports = new ReportOptions { HtmlFile = path } });

        var html = await File.ReadAllTextAsync(path);
        html.ShouldNotContain("<script", Case.Insensitive);
        html.ShouldNotContain("<img", Case.Insensitive);
        html.ShouldNotContain("\u001b");
        html.ShouldContain("default-src 'none'");
        var page = Load(path);
        page.Descendants().Where(e => e.Name.LocalName is "link" or "script" or "img" or "iframe" or "object").ShouldBeEmpty();
        // The leg's URL appears only as text, never where a browser would load it.
        page.Descendants().Attributes().Where(a => a.Name.LocalName is "src" or "href" || a.Value.Contains("://", StringComparison.Ordinal)).ShouldBeEmpty();
        page.Descendants().Any(e => e.Name.LocalName == "pre" && e.Value.Contains("https://example.invalid/x.png <img src=x> red", StringComparison.Ordinal)).ShouldBeTrue();
    }

    [SkippableFact]
    public async Task Headless_chromium_renders_the_page_without_console_messages()
    {
        var chromium = new[] { "chromium", "chromium-browser", "google-chrome" }
            .Select(n => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, n)).FirstOrDefault(File.Exists))
            .FirstOrDefault(p => p is not null);
        Skip.If(
            chromium is null && Environment.GetEnvironmentVariable("CAKEPARALLEL_REQUIRE_CHROMIUM") != "1",
            "chromium is not installed (apt-get install chromium); set CAKEPARALLEL_REQUIRE_CHROMIUM=1 to make this a failure");
        chromium.ShouldNotBeNull("CAKEPARALLEL_REQUIRE_CHROMIUM=1 but no chromium on PATH");

        var path = _scratch.PathOf("timeline.html");
        await MixedRun.RunAsync(_scratch, new ReportOptions { HtmlFile = path });
        var screenshot = _scratch.PathOf("timeline.png");
        var profile = _scratch.PathOf("chromium-profile");
        var start = new ProcessStartInfo(chromium)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            ArgumentList =
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--user-data-dir=" + profile, "--enable-logging=stderr", "--v=0",
                "--screenshot=" + screenshot, "--window-size=1400,900", new Uri(path).AbsoluteUri,
            },
        };
        using var browser = Process.Start(start)!;
        var stderr = browser.StandardError.ReadToEndAsync();
        var stdout = browser.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try
        {
            await browser.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            browser.Kill(entireProcessTree: true);
            throw;
        }

        var log = await stderr + await stdout;
        browser.ExitCode.ShouldBe(0, log);
        // Chromium logs every console message of the page (CSP violations, script errors) as a CONSOLE line.
        log.Split('\n').Where(l => l.Contains(":CONSOLE", StringComparison.Ordinal)).ShouldBeEmpty();
        new FileInfo(screenshot).Length.ShouldBeGreaterThan(20_000, "a rendered chart, not a blank page");
        Directory.CreateDirectory(Path.GetDirectoryName(ScreenshotPath)!);
        File.Copy(screenshot, ScreenshotPath, overwrite: true);
        File.Copy(path, Path.ChangeExtension(ScreenshotPath, ".html"), overwrite: true);
    }

    private static string[] Classes(XElement element) => ((string?)element.Attribute("class") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);

    // The page is written as well-formed XML too, so tests can inspect it exactly.
    private static XDocument Load(string path)
    {
        using var reader = XmlReader.Create(path, new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore });
        return XDocument.Load(reader);
    }
}
