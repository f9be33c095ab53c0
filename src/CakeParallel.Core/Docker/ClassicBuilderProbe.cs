using System.Collections.Concurrent;

namespace CakeParallel.Docker;

/// <summary>
/// Tells whether an endpoint's docker client builds with the classic builder: <c>DOCKER_BUILDKIT=0</c> says so;
/// <c>DOCKER_BUILDKIT=1</c> says not; unset, the client uses BuildKit through its buildx plugin when it has one and
/// the classic builder otherwise, so the plugin is asked for (once per client and configuration folder).
/// </summary>
internal static class ClassicBuilderProbe
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);
    private static readonly ConcurrentDictionary<string, Lazy<Task<bool>>> Answers = new(StringComparer.Ordinal);

    /// <summary>True when the client certainly uses the classic builder; false when it uses BuildKit or cannot tell.</summary>
    public static Task<bool> IsClassicAsync(DockerEndpoint endpoint)
    {
        string? Setting(string name) => endpoint.Environment.TryGetValue(name, out var value) ? value : Environment.GetEnvironmentVariable(name);
        switch (Setting("DOCKER_BUILDKIT")?.Trim().ToLowerInvariant())
        {
            case "0" or "f" or "false":
                return Task.FromResult(true);
            case { Length: > 0 }:
                return Task.FromResult(false);
        }

        // The plugin is looked up in the client's configuration folder (and the system's), per client binary.
        var key = $"{endpoint.Executable}\n{Setting("DOCKER_CONFIG")}\n{endpoint.Context}";
        return Answers.GetOrAdd(key, _ => new Lazy<Task<bool>>(() => AskAsync(endpoint))).Value;
    }

    private static async Task<bool> AskAsync(DockerEndpoint endpoint)
    {
        // Shared by every leg of the client, so no leg's cancellation ends it.
        var answer = await DockerCli.RunAsync(endpoint, ["buildx", "version"], Limit, CancellationToken.None).ConfigureAwait(false);
        // No plugin: docker says "unknown command" and exits 1; a client that did not start or answer tells nothing.
        return answer.ExitCode == 1;
    }
}
