using System.Text;
using System.Text.RegularExpressions;
using CakeParallel.Reports;
using CakeParallel.Model;
using CakeParallel.Runs;

namespace CakeParallel.Tests.Reports;

public sealed class CiAnnotationsTests : IDisposable
{
    // Every character some CI system treats specially, in a leg's name and in its output.
    private const string HostileName = "evil\nname 100% ::x:: ] | ' , : [y] %0A";
    private static readonly string[] HostileOutput =
    [
        "::error::injected by the leg",
        "##vso[task.complete result=Failed;]injected",
        "##[error]injected",
        "##teamcity[buildStatus status='FAILURE' text='injected']",
        "100% | pipe ] bracket ' quote , comma : colon %0A %AZP25",
    ];

    private readonly Scratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Theory]
    [InlineData("GITHUB_ACTIONS", "true", CiSystem.GitHubActions)]
    [InlineData("TF_BUILD", "True", CiSystem.AzurePipelines)]
    [InlineData("TEAMCITY_VERSION", "2024.12 (build 174331)", CiSystem.TeamCity)]
    [InlineData("GITHUB_ACTIONS", "false", CiSystem.None)]
    [InlineData("CI", "true", CiSystem.None)]
    public void The_CI_system_is_detected_from_the_environment(string variable, string value, CiSystem expected) =>
        CiAnnotations.Detect(new Dictionary<string, string?> { [variable] = value }).ShouldBe(expected);

    [Fact]
    public async Task Annotations_can_be_switched_off_and_are_empty_when_every_leg_succeeded()
    {
        var github = new Dictionary<string, string?> { ["GITHUB_ACTIONS"] = "true" };
        var failed = await Run([Scratch.Sh("bad", "exit 1")]);
        var succeeded = await Run([Scratch.Sh("good", "true")]);

        CiAnnotations.Lines(failed, CiAnnotationMode.Off, github).ShouldBeEmpty();
        CiAnnotations.Lines(failed, CiAnnotationMode.Auto, new Dictionary<string, string?>()).ShouldBeEmpty();
        CiAnnotations.Lines(failed, new ReportOptions { Environment = github }).ShouldNotBeEmpty();
        CiAnnotations.Lines(failed, CiAnnotationMode.TeamCity, new Dictionary<string, string?>()).ShouldNotBeEmpty();
        CiAnnotations.Lines(succeeded, CiAnnotationMode.Auto, github).ShouldBeEmpty();
    }

    [Fact]
    public void A_failed_publish_is_an_error_and_a_held_back_one_a_warning()
    {
        RunResult Run(LegStatus status, PublishResult publish) => new()
        {
            Legs = [new LegResult { Name = "app", Id = "a1", Status = status, FailureReason = "broke" }],
            StartedAt = DateTimeOffset.UtcNow,
            Duration = TimeSpan.FromSeconds(1),
            Publish = publish,
        };

        var failed = Run(LegStatus.Succeeded, new PublishResult { Outcome = PublishOutcome.Failed, Code = ErrorCodes.DockerPublishFailed, Error = "writing tag r.example/app:1: HTTP 500; no tag was written." });
        var heldBack = Run(LegStatus.Failed, new PublishResult { Outcome = PublishOutcome.HeldBack, Code = ErrorCodes.DockerPublishHeldBack, HeldBackBy = [new PublishHoldBack("app", LegStatus.Failed)] });
        var published = Run(LegStatus.Succeeded, new PublishResult { Outcome = PublishOutcome.Published });

        CiAnnotations.Lines(failed, CiAnnotationMode.GitHubActions).ShouldBe(["::error title=CakeParallel%3A the all-or-nothing publish failed::writing tag r.example/app:1: HTTP 500; no tag was written."]);
        CiAnnotations.Lines(heldBack, CiAnnotationMode.GitHubActions)[^1].ShouldBe("::warning title=CakeParallel%3A no tag was published::publish held back by: app (failed)");
        CiAnnotations.Lines(published, CiAnnotationMode.GitHubActions).ShouldBeEmpty();
    }

    [Fact]
    public async Task GitHub_commands_escape_values_and_stop_commands_while_replaying_output()
    {
        var (result, leg) = await HostileRun();
        var lines = CiAnnotations.Lines(result, CiAnnotationMode.GitHubActions, null);
        lines.ShouldAllBe(l => !l.Contains('\n') && !l.Contains('\r'));

        var error = Regex.Match(lines[0], "^::error (?<props>[^:]*)::(?<message>.*)$");
        error.Success.ShouldBeTrue(lines[0]);
        var properties = error.Groups["props"].Value.Split(',').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => GitHubUnescape(p[1]));
        properties.Keys.ShouldBe(["title"]);
        properties["title"].ShouldBe($"CakeParallel: leg '{HostileName}' failed");
        GitHubUnescape(error.Groups["message"].Value).ShouldBe($"{leg.FailureReason}\nFull log: {leg.LogFile}");
        leg.FailureReason!.ShouldContain("%AZP25", Case.Sensitive, "the reason itself is hostile");

        lines[1].ShouldStartWith("::group::");
        lines[2].ShouldStartWith("::stop-commands::");
        var token = lines[2]["::stop-commands::".Length..];
        token.Length.ShouldBeGreaterThan(20);
        lines.Skip(3).Take(HostileOutput.Length).ShouldBe(HostileOutput);
        lines[3 + HostileOutput.Length].ShouldBe($"::{token}::");
        lines[4 + HostileOutput.Length].ShouldBe("::endgroup::");
        lines.Count.ShouldBe(5 + HostileOutput.Length);
    }

    [Fact]
    public async Task Azure_commands_escape_values_and_defuse_replayed_commands()
    {
        var (result, leg) = await HostileRun();
        var lines = CiAnnotations.Lines(result, CiAnnotationMode.AzurePipelines, null);
        lines.ShouldAllBe(l => !l.Contains('\n') && !l.Contains('\r'));

        var issue = Regex.Match(lines[0], @"^##vso\[task\.logissue (?<props>[^\]]*)\](?<message>.*)$");
        issue.Success.ShouldBeTrue(lines[0]);
        issue.Groups["props"].Value.ShouldBe("type=error;code=CPAR0101;");
        AzureUnescape(issue.Groups["message"].Value).ShouldBe($"CakeParallel: leg '{HostileName}' failed: {leg.FailureReason}\nFull log: {leg.LogFile}");

        lines[1].ShouldStartWith("##[group]");
        lines[^1].ShouldBe("##[endgroup]");
        var replayed = lines.Skip(2).Take(lines.Count - 3).ToList();
        replayed.Count.ShouldBe(HostileOutput.Length);
        replayed.ShouldAllBe(l => !l.Contains("##vso[", StringComparison.OrdinalIgnoreCase) && !l.StartsWith("##[", StringComparison.Ordinal));
        replayed[1].ShouldBe("## vso[task.complete result=Failed;]injected");
        replayed[4].ShouldBe(HostileOutput[4]);
    }

    [Fact]
    public async Task TeamCity_messages_escape_every_value()
    {
        var (result, leg) = await HostileRun();
        var lines = CiAnnotations.Lines(result, CiAnnotationMode.TeamCity, null);
        lines.ShouldAllBe(l => !l.Contains('\n') && !l.Contains('\r'));

        var messages = lines.Select(ParseTeamCity).ToList();
        messages[0].Name.ShouldBe("blockOpened");
        messages[0].Attributes["name"].ShouldBe($"{HostileName}: failed (last {HostileOutput.Length} output lines)");
        messages.Skip(1).Take(HostileOutput.Length).Select(m => (m.Name, m.Attributes["text"], m.Attributes["status"]))
            .ShouldBe(HostileOutput.Select(o => ("message", o, "NORMAL")));
        messages[^2].Name.ShouldBe("blockClosed");
        messages[^2].Attributes["name"].ShouldBe(messages[0].Attributes["name"]);
        messages[^1].Name.ShouldBe("buildProblem");
        messages[^1].Attributes["description"].ShouldBe($"CakeParallel: leg '{HostileName}' failed: {leg.FailureReason}\nFull log: {leg.LogFile}");
        messages[^1].Attributes["identity"].ShouldBe("cakeparallel-" + leg.Id);
    }

    [Fact]
    public async Task Legs_that_never_started_are_warnings_not_errors()
    {
        var started = _scratch.PathOf("started");
        using var cancellation = new CancellationTokenSource();
        var run = ParallelRunner.RunAsync(
            [Scratch.Sh("first", $"touch '{started}'; sleep 30"), Scratch.Sh("second", "true")],
            _scratch.Options(maxParallel: 1), cancellation.Token);
        await JsonReportTests.WaitUntil(() => File.Exists(started));
        await cancellation.CancelAsync();
        var result = await run;
        result.Legs.Select(l => l.Status).ShouldBe([LegStatus.Cancelled, LegStatus.NotStarted]);

        var github = CiAnnotations.Lines(result, CiAnnotationMode.GitHubActions, null);
        github.Single(l => l.StartsWith("::error ", StringComparison.Ordinal)).ShouldContain("leg 'first' cancelled");
        github.Single(l => l.StartsWith("::warning ", StringComparison.Ordinal)).ShouldContain("leg 'second' not started");
        CiAnnotations.Lines(result, CiAnnotationMode.AzurePipelines, null).ShouldContain(l => l.StartsWith("##vso[task.logissue type=warning;code=CPAR0104;]", StringComparison.Ordinal));
        CiAnnotations.Lines(result, CiAnnotationMode.TeamCity, null).ShouldContain(l => l.StartsWith("##teamcity[message text='CakeParallel: leg |'second|' not started", StringComparison.Ordinal) && l.EndsWith("status='WARNING']", StringComparison.Ordinal));
    }

    private async Task<(RunResult Result, LegResult Leg)> HostileRun()
    {
        var script = string.Join("; ", HostileOutput.Select(l => "echo '" + l.Replace("'", "'\\''", StringComparison.Ordinal) + "'")) + "; exit 1";
        var result = await Run([Scratch.Sh(HostileName, script)]);
        return (result, result.Legs.Single());
    }

    private Task<RunResult> Run(IReadOnlyList<LegSpec> legs) => ParallelRunner.RunAsync(legs, _scratch.Options());

    private static string GitHubUnescape(string value) => value
        .Replace("%0D", "\r", StringComparison.Ordinal).Replace("%0A", "\n", StringComparison.Ordinal)
        .Replace("%3A", ":", StringComparison.Ordinal).Replace("%2C", ",", StringComparison.Ordinal)
        .Replace("%25", "%", StringComparison.Ordinal);

    private static string AzureUnescape(string value) => value
        .Replace("%0D", "\r", StringComparison.Ordinal).Replace("%0A", "\n", StringComparison.Ordinal)
        .Replace("%5D", "]", StringComparison.Ordinal).Replace("%3B", ";", StringComparison.Ordinal)
        .Replace("%AZP25", "%", StringComparison.Ordinal);

    // A strict reader of TeamCity's format: ##teamcity[name attr='value' ...] with |-escapes, nothing after the ']'.
    private static (string Name, Dictionary<string, string> Attributes) ParseTeamCity(string line)
    {
        line.ShouldStartWith("##teamcity[");
        var i = "##teamcity[".Length;
        var name = ReadWhile(line, ref i, char.IsLetter);
        var attributes = new Dictionary<string, string>();
        while (line[i] == ' ')
        {
            i++;
            var key = ReadWhile(line, ref i, char.IsLetter);
            line[i++].ShouldBe('=');
            line[i++].ShouldBe('\'');
            var value = new StringBuilder();
            while (line[i] != '\'')
            {
                if (line[i] == '|')
                {
                    value.Append(line[i + 1] switch
                    {
                        'n' => "\n", 'r' => "\r", 'x' => "\u0085", 'l' => "\u2028", 'p' => "\u2029",
                        '|' or '\'' or '[' or ']' => line[i + 1].ToString(),
                        var other => throw new ShouldAssertException($"unknown escape |{other} in {line}"),
                    });
                    i += 2;
                }
                else
                {
                    (line[i] is '[' or ']').ShouldBeFalse($"unescaped bracket at {i} in {line}");
                    value.Append(line[i++]);
                }
            }

            i++;
            attributes[key] = value.ToString();
        }

        line[i..].ShouldBe("]", $"the message must end right after its attributes: {line}");
        return (name, attributes);
    }

    private static string ReadWhile(string text, ref int index, Func<char, bool> accept)
    {
        var start = index;
        while (index < text.Length && accept(text[index]))
        {
            index++;
        }

        return text[start..index];
    }
}
