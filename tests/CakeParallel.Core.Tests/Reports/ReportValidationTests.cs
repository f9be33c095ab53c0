using CakeParallel.Model;
using CakeParallel.Runs;

namespace CakeParallel.Tests.Reports;

public sealed class ReportValidationTests : IDisposable
{
    private readonly Scratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task Bad_report_settings_are_all_reported_before_anything_starts()
    {
        var wrongVersion = _scratch.PathOf("v99.json");
        await File.WriteAllTextAsync(wrongVersion, """{ "schemaVersion": 99, "runId": "x", "legs": [] }""");
        var aFile = _scratch.PathOf("a-file");
        await File.WriteAllTextAsync(aFile, "");
        var ran = _scratch.PathOf("ran");
        var reports = new ReportOptions
        {
            ReportFile = _scratch.Directory,
            JUnitFile = _scratch.PathOf("same.xml"),
            MarkdownFile = _scratch.PathOf("same.xml"),
            HtmlFile = Path.Combine(aFile, "sub", "timeline.html"),
            ResumeFrom = wrongVersion,
            CiAnnotations = (CiAnnotationMode)42,
        };

        var exception = await Should.ThrowAsync<InvalidRunException>(() =>
            ParallelRunner.RunAsync([Scratch.Sh("leg", $"touch '{ran}'")], _scratch.Options() with { Reports = reports, MaxParallel = 0 }));

        exception.Errors.Select(e => (e.Code, e.Field)).ShouldBe(
        [
            (ErrorCodes.MaxParallelTooSmall, "MaxParallel"),
            (ErrorCodes.ReportPathUnusable, "Reports.ReportFile"),
            (ErrorCodes.ReportPathsCollide, "Reports.MarkdownFile"),
            (ErrorCodes.ReportPathUnusable, "Reports.HtmlFile"),
            (ErrorCodes.AnnotationModeInvalid, "Reports.CiAnnotations"),
            (ErrorCodes.ResumeReportUnusable, "Reports.ResumeFrom"),
        ], ignoreOrder: true);
        exception.Errors.Single(e => e.Field == "Reports.ResumeFrom").Message.ShouldContain("schemaVersion is 99");
        exception.Errors.Single(e => e.Field == "Reports.HtmlFile").Message.ShouldContain("is a file");
        File.Exists(ran).ShouldBeFalse();
    }

    [Fact]
    public async Task A_missing_resume_report_is_named()
    {
        var missing = _scratch.PathOf("nope.json");
        var exception = await Should.ThrowAsync<InvalidRunException>(() =>
            ParallelRunner.RunAsync([Scratch.Sh("leg", "true")], _scratch.Options() with { Reports = new ReportOptions { ResumeFrom = missing } }));

        var error = exception.Errors.ShouldHaveSingleItem();
        error.Code.ShouldBe(ErrorCodes.ResumeReportUnusable);
        error.Message.ShouldContain($"'{missing}' does not exist");
    }

    [Fact]
    public async Task Report_folders_are_created_when_the_run_ends()
    {
        var nested = _scratch.PathOf("a/b/c/report.json");
        await ParallelRunner.RunAsync([Scratch.Sh("leg", "true")], _scratch.Options() with { Reports = new ReportOptions { ReportFile = nested } });
        File.Exists(nested).ShouldBeTrue();
    }
}
