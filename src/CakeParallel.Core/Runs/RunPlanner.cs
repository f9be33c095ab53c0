using CakeParallel.Docker;
using CakeParallel.Model;
using CakeParallel.Reports;
using CakeParallel.Scheduling;
using CakeParallel.Supervision;

namespace CakeParallel.Runs;

/// <summary>
/// Plans a run once, for every entry point: applies the precedence rule to the run settings (see
/// <see cref="RunPrecedence"/>), checks legs, options, services, reports and (for a docker matrix) the matrix,
/// the builds and the daemons, resolves executables and creates the log folder. The result is a
/// <see cref="RunPlan"/>, or the complete list of problems; nothing has started either way.
/// </summary>
public static class RunPlanner
{
    /// <summary>Plans a run of <paramref name="legs"/>.</summary>
    /// <param name="legs">The legs, in the order their results are reported.</param>
    /// <param name="options">The defaults of the layered settings, and every other setting.</param>
    /// <param name="caller">What the caller set explicitly; wins over everything (default: nothing).</param>
    /// <param name="environment">The environment whose <c>CAKEPARALLEL_*</c> variables are layered under <paramref name="caller"/>; <see langword="null"/>: none are read.</param>
    public static PlanningResult Plan(IReadOnlyList<LegSpec> legs, RunOptions options, RunOverrides? caller = null, IReadOnlyDictionary<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(legs);
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<ValidationError>();
        var resolved = Resolve(options, caller, environment, RunOverrides.None, errors);
        errors.AddRange(RunValidator.ValidateOptions(resolved));
        var programs = new ExecutableLocator();
        errors.AddRange(RunValidator.ValidateLegs(legs, checkNames: true, programs));
        return Finish(legs, resolved, errors, programs);
    }

    /// <summary>
    /// Plans the docker builds of <paramref name="matrix"/>; the matrix's run settings are the matrix-file layer
    /// of the precedence rule. Asks every daemon the legs use whether it answers.
    /// </summary>
    /// <param name="matrix">The docker matrix; relative paths resolve against its base directory, else the current directory.</param>
    /// <param name="options">The defaults of the layered settings (the retry policy defaults to <see cref="DockerMatrix.Retry"/>, else <see cref="DockerRetryPolicy.Default"/>), and every other setting.</param>
    /// <param name="caller">What the caller set explicitly; wins over everything (default: nothing).</param>
    /// <param name="environment">The environment whose <c>CAKEPARALLEL_*</c> variables are layered under <paramref name="caller"/>; <see langword="null"/>: none are read.</param>
    /// <param name="cancellationToken">Cancels the daemon check.</param>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled during the daemon check.</exception>
    public static async Task<PlanningResult> PlanAsync(DockerMatrix matrix, RunOptions options, RunOverrides? caller = null, IReadOnlyDictionary<string, string?>? environment = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<ValidationError>();

        // The daemon check starts the run's first process: its keeper starts meanwhile.
        RunnerKeeper.StartAhead();

        // Docker legs retry transient failures by default, whatever the engine's default policy is.
        var defaults = options with { Retry = matrix.Retry ?? DockerRetryPolicy.Default };
        var resolved = Resolve(defaults, caller, environment, matrix.RunOverrides, errors);

        // Chosen now: the staging tags of an all-or-nothing publish carry the run's id.
        var runId = Guid.CreateVersion7().ToString();
        var docker = DockerMatrixPlanner.PlanLegs(matrix with { Retry = resolved.Retry, Retries = null }, matrix.BaseDirectory ?? Directory.GetCurrentDirectory(), runId);
        errors.AddRange(docker.Errors);
        errors.AddRange(ValidatePublish(matrix, resolved));
        var publish = matrix.Build.Publish == DockerPublishPolicy.AllOrNothing && docker.Legs.Count > 0 ? AllOrNothingPublish.For(matrix, docker.Legs) : null;
        errors.AddRange(RunValidator.ValidateOptions(resolved));

        // The docker planner has named the legs (uniquely, or said why not) and refuses an empty matrix.
        var specs = docker.Legs.Select(l => l.Spec).ToArray();
        var programs = new ExecutableLocator();
        errors.AddRange(RunValidator.ValidateLegs(specs, checkNames: false, programs));
        var reachableClients = docker.Legs.Where(l => programs.Resolve(l.Spec.Executable, l.Spec.WorkingDirectory, l.Spec.EnvironmentVariables) is not null).ToArray();
        var engines = matrix.Build.Endpoints;
        if (engines.Count == 0)
        {
            errors.AddRange(await DockerDaemonCheck.CheckAsync(reachableClients, cancellationToken).ConfigureAwait(false));
            cancellationToken.ThrowIfCancellationRequested();
            return Finish(specs, resolved, errors, programs, runId: runId, publish: publish);
        }

        if (errors.Count > 0 || reachableClients.Length == 0)
        {
            return Finish(specs, resolved, errors, programs, runId: runId);
        }

        var check = await DockerDaemonCheck.CheckEnginesAsync(engines, reachableClients, cancellationToken).ConfigureAwait(false);

        // A daemon check cut short by cancellation says nothing about the daemon.
        cancellationToken.ThrowIfCancellationRequested();
        errors.AddRange(check.Errors);

        // Without an explicit overall limit (caller, environment or matrix file) the pool's limits add up; an explicit one caps the total.
        var explicitLimit = (caller ?? RunOverrides.None).MaxParallel ?? (environment is null ? null : RunPrecedence.FromEnvironment(environment, []).MaxParallel) ?? matrix.MaxParallel;
        var total = explicitLimit ?? check.Endpoints.Sum(e => e.Limit);
        return Finish(specs, resolved with { MaxParallel = total }, errors, programs, check.Endpoints, check.Warnings, runId, publish);
    }

    /// <summary>
    /// An all-or-nothing publish needs push (with targets: at least one target pushes), and the whole matrix in one
    /// run: a shard cannot know how the other shards' legs end.
    /// </summary>
    private static IEnumerable<ValidationError> ValidatePublish(DockerMatrix matrix, RunOptions resolved)
    {
        if (matrix.Build.Publish != DockerPublishPolicy.AllOrNothing)
        {
            yield break;
        }

        if (matrix.Targets.Count > 0 ? !matrix.Targets.Any(t => t.Build.Push) : !matrix.Build.Push)
        {
            yield return new ValidationError(ErrorCodes.DockerPublishNeedsPush, null, "build.publish", "publish \"all-or-nothing\" needs push: the legs push their images under staging tags, and the final tags are written once every leg succeeded; turn push on, or use \"per-leg\".");
        }

        if (resolved.Shard is { } shard)
        {
            yield return new ValidationError(ErrorCodes.DockerPublishSharded, null, "build.publish", $"publish \"all-or-nothing\" cannot run in shard {shard}: one shard cannot know whether the other shards' legs succeed; run the matrix unsharded, or use \"per-leg\".");
        }
    }

    private static RunOptions Resolve(RunOptions defaults, RunOverrides? caller, IReadOnlyDictionary<string, string?>? environment, RunOverrides matrixFile, List<ValidationError> errors)
    {
        var fromEnvironment = environment is null ? RunOverrides.None : RunPrecedence.FromEnvironment(environment, errors);
        return RunPrecedence.Resolve(defaults, caller ?? RunOverrides.None, fromEnvironment, matrixFile);
    }

    private static PlanningResult Finish(IReadOnlyList<LegSpec> legs, RunOptions options, List<ValidationError> errors, ExecutableLocator programs, IReadOnlyList<SlotEndpoint>? endpoints = null, IReadOnlyList<ValidationError>? warnings = null, string? runId = null, AllOrNothingPublish? publish = null)
    {
        var history = DurationHistory.Read(options.HistoryFrom, nameof(RunOptions.HistoryFrom), errors);
        var needs = NeedsGraph.Resolve(legs, errors);
        var shards = errors.Count == 0 ? AssignShards(legs, needs, options, errors) : null;
        if (errors.Count > 0)
        {
            return new PlanningResult(null, errors) { Warnings = warnings ?? [] };
        }

        runId ??= Guid.CreateVersion7().ToString();
        var logDirectory = RunLogFolder.Choose(options.LogDirectory, runId);
        try
        {
            Directory.CreateDirectory(logDirectory);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return new PlanningResult(null, [new ValidationError(ErrorCodes.LogDirectoryUnusable, null, "LogDirectory", $"cannot create '{logDirectory}': {exception.Message}")]);
        }

        Shard? ShardOf(LegSpec leg) => shards is null ? null : new Shard(shards[leg.Id], options.Shard!.Count);
        var layout = new MatrixLayout(
            MatrixLayout.FingerprintOf(legs.Select(l => l.Id)),
            [.. legs.Select(l => new MatrixLayoutLeg(l.Id, l.Name, l.Parameters, ShardOf(l)))]);

        // A shard runs only its own legs; the layout keeps the whole matrix for the report and the merge.
        var selected = Enumerable.Range(0, legs.Count).Where(i => shards is null || shards[legs[i].Id] == options.Shard!.Index).ToArray();

        // A shard holds every leg a selected leg needs (AssignShards keeps them together), so each need is a selected leg.
        var planIndex = new int[legs.Count];
        for (var i = 0; i < selected.Length; i++)
        {
            planIndex[selected[i]] = i;
        }

        var fileNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var plans = new LegPlan[selected.Length];
        for (var i = 0; i < selected.Length; i++)
        {
            var leg = legs[selected[i]];
            var fileName = SafeFileName.From(leg.Name);
            if (!fileNames.Add(fileName))
            {
                // Two names that differ only in characters a file name cannot hold: the stable id separates them.
                fileName = fileName + "-" + leg.Id;
                fileNames.Add(fileName);
            }

            var executable = programs.Resolve(leg.Executable, leg.WorkingDirectory, leg.EnvironmentVariables)!;
            plans[i] = new LegPlan(i, leg, executable, Path.Combine(logDirectory, fileName + ".log"))
            {
                Shard = ShardOf(leg),
                ExpectedDuration = history.Expected(leg.Id),
                // Arrays, not lists: most legs need nothing, and an empty array is shared, an empty list is not.
                Needs = needs.NeedsOf(selected[i]).Select(n => planIndex[n]).ToArray(),
                NeedIds = needs.NeedsOf(selected[i]).Distinct().Select(n => legs[n].Id).ToArray(),
            };
        }

        var startOrder = ShardAssignment.StartOrder(plans, p => p.ExpectedDuration);
        return new PlanningResult(new RunPlan(plans, startOrder, options with { LogDirectory = logDirectory }, logDirectory, runId, layout, endpoints, warnings, publish), []) { Warnings = warnings ?? [] };
    }

    /// <summary>
    /// The 1-based shard of every leg by stable id, or <see langword="null"/> when the run is not sharded: from the
    /// shard plan when one is given, else balanced by count; legs joined by needs always share a shard.
    /// </summary>
    private static Dictionary<string, int>? AssignShards(IReadOnlyList<LegSpec> legs, NeedsGraph needs, RunOptions options, List<ValidationError> errors)
    {
        if (options.Shard is not { } shard)
        {
            return null;
        }

        if (legs.GroupBy(l => l.Id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twins)
        {
            errors.Add(new ValidationError(ErrorCodes.ShardInvalid, null, nameof(RunOptions.Shard), $"legs {string.Join(" and ", twins.Select(l => $"'{l.Name}'"))} have the same stable id {twins.Key}, so no shard can be chosen for them."));
            return null;
        }

        if (options.ShardPlan is not { } planFile)
        {
            return new Dictionary<string, int>(ShardAssignment.ByCount(needs.ComponentIds(), shard.Count), StringComparer.Ordinal);
        }

        ShardPlan plan;
        try
        {
            plan = ShardPlan.Read(planFile);
        }
        catch (Exception exception) when (exception is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            errors.Add(new ValidationError(ErrorCodes.ShardPlanUnusable, null, nameof(RunOptions.ShardPlan), exception.Message));
            return null;
        }

        var fingerprint = MatrixLayout.FingerprintOf(legs.Select(l => l.Id));
        if (plan.Fingerprint != fingerprint)
        {
            errors.Add(new ValidationError(ErrorCodes.ShardPlanUnusable, null, nameof(RunOptions.ShardPlan), $"'{planFile}' is the plan of another matrix (fingerprint {plan.Fingerprint}, this matrix's is {fingerprint})."));
            return null;
        }

        if (plan.Shards.Count != shard.Count)
        {
            errors.Add(new ValidationError(ErrorCodes.ShardPlanUnusable, null, nameof(RunOptions.ShardPlan), $"'{planFile}' splits the matrix into {plan.Shards.Count} shards, but this run is shard {shard}."));
            return null;
        }

        var assigned = plan.Shards.SelectMany(s => s.Legs.Select(l => (l.Id, s.Shard.Index))).ToDictionary(e => e.Id, e => e.Index, StringComparer.Ordinal);

        // The fingerprint covers the legs, not their needs: a plan made before a need was added may split them.
        var split = false;
        for (var i = 0; i < legs.Count; i++)
        {
            foreach (var needed in needs.NeedsOf(i).Distinct())
            {
                if (assigned[legs[i].Id] != assigned[legs[needed].Id])
                {
                    split = true;
                    errors.Add(new ValidationError(ErrorCodes.ShardSplitsNeeds, legs[i].Name, nameof(RunOptions.ShardPlan), $"'{planFile}' runs it in shard {assigned[legs[i].Id]}/{shard.Count} but '{legs[needed].Name}', which it needs, in shard {assigned[legs[needed].Id]}/{shard.Count}; plan the shards again (a new plan keeps legs joined by needs in one shard)."));
                }
            }
        }

        return split ? null : assigned;
    }
}
