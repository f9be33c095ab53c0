using CakeParallel.Model;
using CakeParallel.Runs;

namespace CakeParallel.Tests.Runs;

/// <summary>
/// The one precedence rule: caller &gt; <c>CAKEPARALLEL_*</c> &gt; matrix file &gt; defaults. Each row names the
/// entry point whose caller layer it stands for: Cake (a setting assigned), MSBuild (a parameter given) or none
/// (only the environment and the file speak). The adapters' own tests check that they produce these layers.
/// </summary>
public sealed class RunPrecedenceTests
{
    private static readonly RunOptions Defaults = new() { MaxParallel = 4, OutputTailLines = 7 };

    /// <summary>One row: the caller's layer, the environment, the file's layer, and the expected setting.</summary>
    public sealed record Row(string Name, RunOverrides Caller, Dictionary<string, string?> Environment, RunOverrides File, Action<RunOptions> Expect)
    {
        public override string ToString() => Name;
    }

    private static Dictionary<string, string?> Env(params (string Name, string Value)[] variables) =>
        variables.ToDictionary(v => v.Name, v => (string?)v.Value, StringComparer.Ordinal);

    public static TheoryData<Row> Rows() =>
    [
        new Row("defaults when nobody says", RunOverrides.None, Env(), RunOverrides.None,
            o => (o.MaxParallel, o.Timeout, o.FailFast, o.Retry.MaxAttempts).ShouldBe((4, null, false, 1))),
        new Row("matrix file over defaults", RunOverrides.None, Env(), new() { MaxParallel = 2, Timeout = TimeSpan.FromMinutes(5), FailFast = true, MaxAttempts = 3 },
            o => (o.MaxParallel, o.Timeout, o.FailFast, o.Retry.MaxAttempts).ShouldBe((2, TimeSpan.FromMinutes(5), true, 3))),
        new Row("environment over matrix file", RunOverrides.None,
            Env(("CAKEPARALLEL_MAX_PARALLEL", "6"), ("CAKEPARALLEL_TIMEOUT", "90s"), ("CAKEPARALLEL_RETRIES", "0"), ("CAKEPARALLEL_FAIL_FAST", "false")),
            new() { MaxParallel = 2, Timeout = TimeSpan.FromMinutes(5), FailFast = true, MaxAttempts = 3 },
            o => (o.MaxParallel, o.Timeout, o.FailFast, o.Retry.MaxAttempts).ShouldBe((6, TimeSpan.FromSeconds(90), false, 1))),
        new Row("Cake: an assigned setting over environment and file", new() { MaxParallel = 1, FailFast = false, MaxAttempts = 4, Retry = new RetryPolicy { MaxAttempts = 4, RetryOnExitCodes = [75] } },
            Env(("CAKEPARALLEL_MAX_PARALLEL", "6"), ("CAKEPARALLEL_FAIL_FAST", "1"), ("CAKEPARALLEL_RETRIES", "9")),
            new() { MaxParallel = 2, FailFast = true, MaxAttempts = 3 },
            o => (o.MaxParallel, o.FailFast, o.Retry.MaxAttempts, o.Retry.RetryOnExitCodes.Single()).ShouldBe((1, false, 4, 75))),
        new Row("Cake: settings left unset let the environment and the file speak", new() { Timeout = TimeSpan.FromSeconds(30) },
            Env(("CAKEPARALLEL_MAX_PARALLEL", "6")), new() { MaxParallel = 2, FailFast = true },
            o => (o.MaxParallel, o.Timeout, o.FailFast).ShouldBe((6, TimeSpan.FromSeconds(30), true))),
        new Row("MSBuild: a retry parameter without MaxAttempts keeps the environment's count", new() { Retry = RetryPolicy.None with { InitialDelay = TimeSpan.FromMilliseconds(10) } },
            Env(("CAKEPARALLEL_RETRIES", "2")), new() { MaxAttempts = 5 },
            o => (o.Retry.MaxAttempts, o.Retry.InitialDelay).ShouldBe((3, TimeSpan.FromMilliseconds(10)))),
        new Row("MSBuild: a parameter given over environment and file", new() { MaxParallel = 3, Timeout = TimeSpan.FromMilliseconds(1500), MaxAttempts = 2, FailFast = true },
            Env(("CAKEPARALLEL_MAX_PARALLEL", "6"), ("CAKEPARALLEL_TIMEOUT", "1m"), ("CAKEPARALLEL_RETRIES", "5"), ("CAKEPARALLEL_FAIL_FAST", "0")),
            new() { MaxParallel = 2, Timeout = TimeSpan.FromMinutes(5), FailFast = false, MaxAttempts = 1 },
            o => (o.MaxParallel, o.Timeout, o.FailFast, o.Retry.MaxAttempts).ShouldBe((3, TimeSpan.FromMilliseconds(1500), true, 2))),
        new Row("a timeout in plain seconds, as in a matrix file", RunOverrides.None, Env(("CAKEPARALLEL_TIMEOUT", "2.5")), RunOverrides.None,
            o => o.Timeout.ShouldBe(TimeSpan.FromSeconds(2.5))),
        new Row("rebuild: caller over environment over file over the default (off)", new() { Rebuild = false },
            Env(("CAKEPARALLEL_REBUILD", "true")), new() { Rebuild = true },
            o => o.Rebuild.ShouldBeFalse()),
        new Row("rebuild from the environment over the file", RunOverrides.None, Env(("CAKEPARALLEL_REBUILD", "1")), new() { Rebuild = false },
            o => o.Rebuild.ShouldBeTrue()),
        new Row("rebuild from the file", RunOverrides.None, Env(), new() { Rebuild = true },
            o => o.Rebuild.ShouldBeTrue()),
        new Row("empty variables set nothing", RunOverrides.None, Env(("CAKEPARALLEL_MAX_PARALLEL", ""), ("CAKEPARALLEL_TIMEOUT", "  ")), new() { MaxParallel = 2 },
            o => (o.MaxParallel, o.Timeout).ShouldBe((2, null))),
    ];

    [Theory]
    [MemberData(nameof(Rows))]
    public void Caller_then_environment_then_matrix_file_then_defaults(Row row)
    {
        var errors = new List<ValidationError>();
        var environment = RunPrecedence.FromEnvironment(row.Environment, errors);

        var resolved = RunPrecedence.Resolve(Defaults, row.Caller, environment, row.File);

        errors.ShouldBeEmpty();
        row.Expect(resolved);
        resolved.OutputTailLines.ShouldBe(7, "settings that are not layered keep the caller's options");
    }

    [Theory]
    [InlineData("CAKEPARALLEL_MAX_PARALLEL", "0")]
    [InlineData("CAKEPARALLEL_MAX_PARALLEL", "two")]
    [InlineData("CAKEPARALLEL_TIMEOUT", "soon")]
    [InlineData("CAKEPARALLEL_TIMEOUT", "0s")]
    [InlineData("CAKEPARALLEL_RETRIES", "-1")]
    [InlineData("CAKEPARALLEL_FAIL_FAST", "yes")]
    [InlineData("CAKEPARALLEL_REBUILD", "always")]
    public void An_invalid_variable_is_a_coded_error_naming_it(string variable, string value)
    {
        var errors = new List<ValidationError>();

        var overrides = RunPrecedence.FromEnvironment(Env((variable, value)), errors);

        overrides.ShouldBe(RunOverrides.None);
        var error = errors.ShouldHaveSingleItem();
        error.Code.ShouldBe(ErrorCodes.EnvironmentVariableInvalid);
        error.Field.ShouldBe(variable);
        error.Message.ShouldStartWith($"'{value}' is not ");
    }
}
