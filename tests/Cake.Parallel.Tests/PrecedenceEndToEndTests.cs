using Cake.Parallel.Tests.Infrastructure;

namespace Cake.Parallel.Tests;

/// <summary>The precedence rule through the real <c>dotnet cake</c>: a setting assigned &gt; <c>CAKEPARALLEL_*</c> &gt; defaults.</summary>
[Collection(DotnetCakeCollection.Name)]
public sealed class PrecedenceEndToEndTests(AddinFeed feed)
{
    private const string Script = """
        #addin nuget:?package=Cake.Parallel&version=0.1.0&loaddependencies=true

        var assign = Argument<bool>("assign", false);

        Task("Default").Does(() =>
        {
            var settings = new ParallelSettings { Timeout = TimeSpan.FromMinutes(1) };
            if (assign)
            {
                settings.MaxParallel = 3;
            }

            var result = RunParallel(new[] { new ParallelLeg("one", "/bin/sh", "-c", "true") }, settings);
            Information("SETTINGS max={0} attempts={1} timeout={2} failFast={3}", result.Settings.MaxParallel, result.Settings.Retry.MaxAttempts, result.Settings.Timeout, result.Settings.FailFast);
        });

        RunTarget("Default");
        """;

    [Fact]
    public void An_assigned_setting_wins_over_the_environment_and_an_unassigned_one_gives_way_to_it()
    {
        using var script = new CakeScript(feed, Script);
        var environment = new Dictionary<string, string?>
        {
            ["CAKEPARALLEL_MAX_PARALLEL"] = "1",
            ["CAKEPARALLEL_RETRIES"] = "2",
            ["CAKEPARALLEL_TIMEOUT"] = "5m",
            ["CAKEPARALLEL_FAIL_FAST"] = "true",
        };

        using var cake = script.RunWith(environment, "--assign=true");

        cake.ExitCode.ShouldBe(0, cake.Output);
        cake.Stdout.ShouldContain("SETTINGS max=3 attempts=3 timeout=00:01:00 failFast=True");
    }

    [Fact]
    public void An_invalid_variable_is_a_coded_error_naming_it()
    {
        using var script = new CakeScript(feed, Script);

        using var cake = script.RunWith(new Dictionary<string, string?> { ["CAKEPARALLEL_MAX_PARALLEL"] = "many" });

        cake.ExitCode.ShouldNotBe(0, cake.Output);
        cake.Output.ShouldContain("CPAR0012 CAKEPARALLEL_MAX_PARALLEL: 'many' is not a whole number of at least 1.");
        cake.Stdout.ShouldNotContain("SETTINGS ");
    }
}
