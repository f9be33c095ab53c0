using CakeParallel.Model;

namespace CakeParallel.Docker;

/// <summary>
/// One docker engine of a run's pool: where it is (<see cref="Host"/> or <see cref="Context"/>), how many legs build
/// on it at once, and which <c>platform</c> values it builds. Each leg attempt goes to an engine that builds the
/// leg's platform and has a free slot; images built on one engine exist only there (see <see cref="DockerBuildSettings.Push"/>).
/// </summary>
public sealed record DockerEngineEndpoint
{
    /// <summary>The engine as a <c>DOCKER_HOST</c> value: <c>unix:///…</c>, <c>tcp://…</c> or <c>ssh://…</c>; give this or <see cref="Context"/>.</summary>
    public string? Host { get; init; }

    /// <summary>The engine as a docker context name (<c>docker --context</c>); give this or <see cref="Host"/>.</summary>
    public string? Context { get; init; }

    /// <summary>The most legs building on this engine at once (default 1).</summary>
    public int MaxParallel { get; init; } = 1;

    /// <summary>
    /// The <c>platform</c> values this engine builds, e.g. <c>linux/arm64</c>; empty (default): every leg. A leg
    /// without a platform may go to any engine. Used for routing only; it is not checked against the engine.
    /// </summary>
    public IReadOnlyList<string> Platforms { get; init; } = [];

    /// <summary>The name reports use; default derived from <see cref="Host"/> (without its scheme) or <see cref="Context"/>.</summary>
    public string? Name { get; init; }

    /// <summary>The name reports use: <see cref="Name"/>, else <c>tcp://build-2.example:2376</c> → <c>build-2.example:2376</c>, <c>unix:///run/d1.sock</c> → <c>/run/d1.sock</c>, a context's name.</summary>
    public string DisplayName
    {
        get
        {
            if (!string.IsNullOrWhiteSpace(Name))
            {
                return Name;
            }

            if (Host is { } host)
            {
                var scheme = host.IndexOf("://", StringComparison.Ordinal);
                return scheme >= 0 && scheme + 3 < host.Length ? host[(scheme + 3)..] : host;
            }

            return Context ?? "";
        }
    }

    /// <summary>Whether a leg with <paramref name="platform"/> may build here.</summary>
    /// <param name="platform">The leg's platform, or <see langword="null"/>.</param>
    public bool Builds(string? platform) => Platforms.Count == 0 || platform is null || Platforms.Contains(platform, StringComparer.OrdinalIgnoreCase);

    /// <summary>The client calls (checks, inspection, cleanup) of a leg with <paramref name="environment"/> on this engine.</summary>
    internal DockerEndpoint ClientFor(string executable, IReadOnlyDictionary<string, string?> environment) =>
        new(executable, WithHost(environment), Context);

    /// <summary>Points one process of an attempt (build or push) at this engine: its <c>DOCKER_HOST</c>, or <c>--context</c> before the subcommand.</summary>
    internal ProcessCommand Route(ProcessCommand command) => command with
    {
        Environment = WithHost(command.Environment),
        Arguments = Context is null ? command.Arguments : ["--context", Context, .. command.Arguments],
    };

    // A context endpoint must not inherit a DOCKER_HOST, which docker would prefer over the context.
    private Dictionary<string, string?> WithHost(IReadOnlyDictionary<string, string?> environment) =>
        new(environment, StringComparer.Ordinal) { ["DOCKER_HOST"] = Host };
}
