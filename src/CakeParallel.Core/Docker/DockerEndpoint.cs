namespace CakeParallel.Docker;

/// <summary>How a leg reaches its daemon: the client, its environment and its <c>--context</c>.</summary>
internal sealed record DockerEndpoint(string Executable, IReadOnlyDictionary<string, string?> Environment, string? Context)
{
    /// <summary>The arguments that go before the docker subcommand.</summary>
    public IReadOnlyList<string> GlobalArguments => Context is null ? [] : ["--context", Context];

    /// <summary>Where the daemon is, as far as the settings tell: DOCKER_HOST, the context, or the default socket.</summary>
    public string Describe()
    {
        if (Environment.TryGetValue("DOCKER_HOST", out var host) && !string.IsNullOrEmpty(host))
        {
            return host;
        }

        if (Context is not null)
        {
            return $"context '{Context}'";
        }

        return System.Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } inherited ? inherited : "unix:///var/run/docker.sock";
    }

    /// <summary>Identifies the daemon (not the client flavour), so each daemon is checked once.</summary>
    public string Key => $"{Executable}\n{Describe()}";
}
