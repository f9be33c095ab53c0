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

    /// <summary>
    /// The setting that put DOCKER_HOST into <see cref="Environment"/>: <c>build.dockerHost</c>, or
    /// <c>build.environment.DOCKER_HOST</c> when only the build's environment names it.
    /// </summary>
    public string HostSetting { get; init; } = "build.dockerHost";

    /// <summary>
    /// Where <see cref="Describe"/>'s value came from, as the field an error names: the setting, the context, the
    /// <c>DOCKER_HOST</c> variable of the process running the build, or <c>build.dockerHost</c> when nothing is set
    /// and the client's default socket is used; and the same in words for a message.
    /// </summary>
    public (string Field, string Words) Origin()
    {
        if (Environment.TryGetValue("DOCKER_HOST", out var host) && !string.IsNullOrEmpty(host))
        {
            return (HostSetting, "set by " + HostSetting);
        }

        if (Context is not null)
        {
            return ("build.dockerContext", "set by build.dockerContext");
        }

        return System.Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 }
            ? ("DOCKER_HOST", "from the DOCKER_HOST environment variable of this build")
            : ("build.dockerHost", "docker's default socket; neither build.dockerHost nor DOCKER_HOST is set");
    }

    /// <summary>Identifies the daemon (not the client flavour), so each daemon is checked once.</summary>
    public string Key => $"{Executable}\n{Describe()}";
}
