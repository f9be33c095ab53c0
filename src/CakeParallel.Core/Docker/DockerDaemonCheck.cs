using CakeParallel.Model;
using CakeParallel.Scheduling;

namespace CakeParallel.Docker;

/// <summary>
/// Checks, before any leg starts, that every daemon the legs would use answers, and meanwhile starts what the legs'
/// up-to-date checks need: which builder each client uses (<see cref="ClassicBuilderProbe"/>) and a first request to
/// each engine's API (<see cref="EngineImages.ConnectAheadAsync"/>).
/// </summary>
internal static class DockerDaemonCheck
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);

    /// <summary>One error per unreachable daemon, naming the first leg that uses it; the daemons are asked in parallel.</summary>
    public static async Task<IReadOnlyList<ValidationError>> CheckAsync(IEnumerable<DockerLeg> legs, CancellationToken cancellationToken)
    {
        var checks = legs
            .GroupBy(l => l.Endpoint.Key, StringComparer.Ordinal)
            .Select(async group =>
            {
                var first = group.First();
                StartAhead(first.Endpoint);
                if (await ProblemAsync(first.Endpoint, Limit, cancellationToken).ConfigureAwait(false) is not { } problem)
                {
                    return null;
                }

                var others = group.Count() > 1 ? $" (and {group.Count() - 1} more legs)" : "";
                var (field, origin) = first.Endpoint.Origin();
                // Docker's own words say why (no such socket, permission denied, connection refused).
                return new ValidationError(
                    ErrorCodes.DockerDaemonNotReachable,
                    first.Spec.Name + others,
                    field,
                    $"Docker daemon not reachable at {first.Endpoint.Describe()} ({origin}): docker said: {problem}");
            })
            .ToArray();
        var results = await Task.WhenAll(checks).ConfigureAwait(false);
        return results.OfType<ValidationError>().ToArray();
    }

    /// <summary>
    /// Asks every engine of the pool for its version, in parallel. Those that answer become the run's endpoints; one
    /// that does not is a warning and is left out; no engine answering, or a leg whose platform no answering engine
    /// builds, is an error.
    /// </summary>
    public static async Task<EngineCheck> CheckEnginesAsync(IReadOnlyList<DockerEngineEndpoint> engines, IReadOnlyList<DockerLeg> legs, CancellationToken cancellationToken)
    {
        var client = legs[0];
        var answers = await Task.WhenAll(engines.Select(async engine =>
        {
            var endpoint = engine.ClientFor(client.Endpoint.Executable, client.Spec.EnvironmentVariables);
            StartAhead(endpoint);
            return (Engine: engine, Client: endpoint, Problem: await ProblemAsync(endpoint, Limit, cancellationToken).ConfigureAwait(false));
        })).ConfigureAwait(false);

        var warnings = answers.Where(a => a.Problem is not null)
            .Select(a => new ValidationError(ErrorCodes.DockerEngineLeftOut, null, "build.endpoints", $"docker engine '{a.Engine.DisplayName}' ({a.Client.Describe()}) did not answer and is left out of this run: {a.Problem}"))
            .ToList();
        var reachable = answers.Where(a => a.Problem is null).ToArray();
        var errors = new List<ValidationError>();
        if (reachable.Length == 0)
        {
            var reasons = string.Join("; ", answers.Select(a => $"'{a.Engine.DisplayName}' ({a.Client.Describe()}): {a.Problem}"));
            errors.Add(new ValidationError(ErrorCodes.NoDockerEngineReachable, null, "build.endpoints", $"no docker engine of the pool answers, so no leg can build: {reasons}"));
            return new EngineCheck([], warnings, errors);
        }

        foreach (var leg in legs.Where(l => !reachable.Any(a => a.Engine.Builds(l.Spec.Platform))))
        {
            var downOnes = answers.Where(a => a.Problem is not null && a.Engine.Builds(leg.Spec.Platform)).Select(a => $"'{a.Engine.DisplayName}'").ToArray();
            var why = downOnes.Length > 0 ? $"the engines that build it ({string.Join(", ", downOnes)}) did not answer" : "no endpoint lists it in its platforms";
            errors.Add(new ValidationError(ErrorCodes.NoDockerEngineForPlatform, leg.Spec.Name, "build.platform", $"no reachable docker engine builds platform '{leg.Spec.Platform}': {why}."));
        }

        var endpoints = reachable.Select(a => new SlotEndpoint(
            a.Engine.DisplayName,
            a.Engine.MaxParallel,
            a.Engine.Builds,
            a.Engine.Route,
            token => ProblemAsync(a.Client, ProbeLimit, token))).ToArray();
        return new EngineCheck(endpoints, warnings, errors);
    }

    /// <summary>
    /// Starts, while the daemon is asked, what the legs' up-to-date checks need from the endpoint: which builder its
    /// client uses, and a first request to its engine's API. Each on a thread of its own: starting a process and
    /// loading the socket code take milliseconds the check need not wait for.
    /// </summary>
    private static void StartAhead(DockerEndpoint endpoint)
    {
        _ = Task.Run(() => ClassicBuilderProbe.IsClassicAsync(endpoint), CancellationToken.None);
        _ = Task.Run(() => EngineImages.ConnectAheadAsync(endpoint), CancellationToken.None);
    }

    /// <summary>
    /// Why the endpoint's daemon does not answer its client, or <see langword="null"/> when it does: asked through the
    /// client (not the engine's socket), so a client that cannot build is an error before any leg starts too.
    /// </summary>
    private static async Task<string?> ProblemAsync(DockerEndpoint endpoint, TimeSpan limit, CancellationToken cancellationToken)
    {
        var answer = await DockerCli.RunAsync(endpoint, ["version", "--format", "{{.Server.Version}}"], limit, cancellationToken).ConfigureAwait(false);
        return answer.Succeeded ? null : answer.Message;
    }

    /// <summary>How long a probe of an engine during the run may take before the engine counts as gone.</summary>
    private static readonly TimeSpan ProbeLimit = TimeSpan.FromSeconds(10);
}

/// <summary>What the check of a run's engine pool found: the endpoints that answered, warnings for those left out, and errors.</summary>
internal sealed record EngineCheck(IReadOnlyList<SlotEndpoint> Endpoints, IReadOnlyList<ValidationError> Warnings, IReadOnlyList<ValidationError> Errors);
