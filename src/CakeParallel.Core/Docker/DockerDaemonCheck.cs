using CakeParallel.Model;

namespace CakeParallel.Docker;

/// <summary>Checks, before any leg starts, that every daemon the legs would use answers.</summary>
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
                var answer = await DockerCli.RunAsync(first.Endpoint, ["version", "--format", "{{.Server.Version}}"], Limit, cancellationToken).ConfigureAwait(false);
                if (answer.Succeeded)
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
                    $"Docker daemon not reachable at {first.Endpoint.Describe()} ({origin}): docker said: {answer.Message}");
            })
            .ToArray();
        var results = await Task.WhenAll(checks).ConfigureAwait(false);
        return results.OfType<ValidationError>().ToArray();
    }
}
