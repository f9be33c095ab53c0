using Microsoft.Build.Framework;
using CakeParallel.Model;
using CakeParallel.Runs;

namespace CakeParallel.MSBuild;

/// <summary>
/// Runs several commands at once, like a parallel <c>Exec</c>: bounded parallelism, per-attempt timeouts,
/// retries with backoff, every process group terminated on timeout or cancellation, and one result item per command.
/// </summary>
/// <example>
/// <code><![CDATA[
/// <ItemGroup>
///   <Check Include="unit" Command="dotnet test tests/Unit" />
///   <Check Include="lint" Executable="npm" Arguments="run;lint" WorkingDirectory="web" Timeout="120000" />
///   <Check Include="e2e" Command="dotnet test tests/E2E" Needs="unit;lint" />
/// </ItemGroup>
/// <ParallelExec Commands="@(Check)" MaxParallel="2" MaxAttempts="2">
///   <Output TaskParameter="Results" ItemName="CheckResult" />
/// </ParallelExec>
/// ]]></code>
/// </example>
public sealed class ParallelExec : ParallelRunTask
{
    /// <summary>
    /// The commands; the item identity is the leg's name. Metadata: <c>Command</c> (a command line run through
    /// <c>/bin/sh -c</c>, like <c>Exec</c>) or <c>Executable</c> with <c>Arguments</c> (an argv list separated by
    /// <c>;</c>, each element passed literally, <c>%3B</c> for a literal semicolon); optional
    /// <c>WorkingDirectory</c> (default: the project directory), <c>EnvironmentVariables</c> (<c>A=1;B=2</c>),
    /// <c>Timeout</c> (ms) and <c>MaxAttempts</c>, which override the task parameters for that leg, and
    /// <c>Memory</c> (e.g. <c>2GiB</c>), the memory the leg reserves machine-wide while it runs, and <c>Needs</c>
    /// (names of other commands, separated by <c>;</c>): the leg starts only after each of them succeeded, holding
    /// no slot while it waits, and is not started (its result says which need did not succeed) when one did not.
    /// </summary>
    [Required]
    public ITaskItem[] Commands { get; set; } = [];

    /// <summary>Environment variables for every leg, as <c>NAME=value</c> items (a leg's own metadata wins).</summary>
    public string[] EnvironmentVariables { get; set; } = [];

    private protected override RetryPolicy DefaultRetry => RetryPolicy.None;

    private protected override Func<CancellationToken, Task<PlanningResult>>? PreparePlan(RunOptions options, RunOverrides caller, IReadOnlyDictionary<string, string?> environment, string projectDirectory, List<ValidationError> errors)
    {
        var shared = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (key, value) in EnvironmentAssignments.Parse(string.Join(";", EnvironmentVariables.Select(MSBuildEscaping.Escape)), null, nameof(EnvironmentVariables), errors))
        {
            shared[key] = value;
        }

        // A leg's own MaxAttempts refines the retry policy the task's parameters describe.
        var legs = CommandLegs.Read(Commands, shared, options with { Retry = caller.Retry ?? DefaultRetry }, projectDirectory, errors);
        if (legs.Count == 0 && errors.Count > 0)
        {
            // Every item was invalid, and each already has its error; "no legs" would only repeat that.
            return null;
        }

        var planning = RunPlanner.Plan(legs, options, caller, environment);
        errors.AddRange(planning.Errors);
        return _ => Task.FromResult(planning);
    }
}
