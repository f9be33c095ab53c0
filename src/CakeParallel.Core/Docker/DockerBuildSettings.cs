namespace CakeParallel.Docker;

/// <summary>
/// The <c>docker build</c> of every leg of a matrix. Every text setting may use <c>{AXIS}</c> placeholders that are
/// filled from the leg's parameters; everything reaches docker as separate argv elements, never through a shell.
/// </summary>
/// <remarks>
/// Each leg also gets <c>--iidfile</c> (so its result carries the image id) and the label
/// <c>cakeparallel.leg=&lt;leg id&gt;</c>. Relative paths are resolved against the matrix's base directory.
/// </remarks>
public sealed record DockerBuildSettings
{
    /// <summary>The build context directory (default <c>.</c>).</summary>
    public string Context { get; init; } = ".";

    /// <summary>The Dockerfile (<c>--file</c>); default <c>Dockerfile</c> in the context.</summary>
    public string? Dockerfile { get; init; }

    /// <summary>The build stage to build (<c>--target</c>).</summary>
    public string? Target { get; init; }

    /// <summary>The target platform (<c>--platform</c>), e.g. <c>linux/amd64</c>.</summary>
    public string? Platform { get; init; }

    /// <summary>Build args (<c>--build-arg NAME=value</c>); they win over axis build args of the same name.</summary>
    public IReadOnlyDictionary<string, string> BuildArgs { get; init; } = new Dictionary<string, string>();

    /// <summary>Pass every leg parameter as <c>--build-arg NAME=value</c> too (default on).</summary>
    public bool PassAxesAsBuildArgs { get; init; } = true;

    /// <summary>The tags to write (<c>--tag</c>), e.g. <c>myapp:{node}-{os}</c>; no two legs may write the same tag.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>Labels (<c>--label</c>), e.g. the OCI <c>org.opencontainers.image.*</c> labels; <c>cakeparallel.leg</c> is always added.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>External cache sources (<c>--cache-from</c>).</summary>
    public IReadOnlyList<string> CacheFrom { get; init; } = [];

    /// <summary>Cache export destinations (<c>--cache-to</c>, BuildKit with buildx only).</summary>
    public IReadOnlyList<string> CacheTo { get; init; } = [];

    /// <summary>Do not use the build cache (<c>--no-cache</c>).</summary>
    public bool NoCache { get; init; }

    /// <summary>Always try to pull newer base images (<c>--pull</c>).</summary>
    public bool Pull { get; init; }

    /// <summary>The network for <c>RUN</c> steps (<c>--network</c>).</summary>
    public string? Network { get; init; }

    /// <summary>Build secrets (<c>--secret</c>); they need BuildKit.</summary>
    public IReadOnlyList<DockerSecret> Secrets { get; init; } = [];

    /// <summary>Further <c>docker build</c> arguments, each one argv element, placed before the context.</summary>
    public IReadOnlyList<string> ExtraArguments { get; init; } = [];

    /// <summary>The docker client to run (default <c>docker</c> from <c>PATH</c>).</summary>
    public string DockerExecutable { get; init; } = "docker";

    /// <summary>The daemon to use (<c>DOCKER_HOST</c>), e.g. <c>unix:///var/run/docker.sock</c>; default: the client's.</summary>
    public string? DockerHost { get; init; }

    /// <summary>The docker context to use (<c>docker --context</c>); default: the client's current context.</summary>
    public string? DockerContext { get; init; }

    /// <summary>
    /// The pool of engines the legs build on, each with its own slot limit (see <see cref="DockerEngineEndpoint"/>);
    /// empty (default): every leg uses <see cref="DockerHost"/>/<see cref="DockerContext"/>, else the client's daemon.
    /// Give either endpoints or <see cref="DockerHost"/>/<see cref="DockerContext"/>, not both. Without an explicit
    /// overall MaxParallel a run with endpoints uses the sum of their limits; an explicit one still caps the total.
    /// </summary>
    public IReadOnlyList<DockerEngineEndpoint> Endpoints { get; init; } = [];

    /// <summary>
    /// After a successful build, <c>docker push</c> each tag from the engine that built it, as part of the same
    /// attempt (terminated and retried like the build); the result records each pushed tag's digest. Default off.
    /// An image built on one engine exists only there: pushing is how legs and later steps share it.
    /// </summary>
    public bool Push { get; init; }

    /// <summary>
    /// When pushed tags appear in the registry: <see cref="DockerPublishPolicy.PerLeg"/> (default) lets each leg push
    /// its own tags; <see cref="DockerPublishPolicy.AllOrNothing"/> moves no final tag unless every leg succeeded.
    /// <see cref="DockerPublishPolicy.AllOrNothing"/> needs <see cref="Push"/> and an unsharded run.
    /// </summary>
    public DockerPublishPolicy Publish { get; init; }

    /// <summary>Force BuildKit on or off (<c>DOCKER_BUILDKIT=1</c>/<c>0</c>); <see langword="null"/> leaves the client's default.</summary>
    public bool? BuildKit { get; init; }

    /// <summary>Environment variables of the docker client; a <see langword="null"/> value removes a variable.</summary>
    public IReadOnlyDictionary<string, string?> EnvironmentVariables { get; init; } = new Dictionary<string, string?>();

    /// <summary>The leg name template, e.g. <c>node{node}-{os}</c>; default: the parameter values joined by <c>-</c>.</summary>
    public string? LegName { get; init; }

    /// <summary>
    /// After a leg was terminated (timeout, cancel, fail-fast), remove a tag the daemon still wrote for it
    /// afterwards (BuildKit keeps building when the client dies). Default off: the late tag is only reported.
    /// </summary>
    public bool RemoveLateTags { get; init; }

    /// <summary>How long to watch for such a late tag after a terminated leg (default 15 s; zero checks once).</summary>
    public TimeSpan LateTagWatch { get; init; } = TimeSpan.FromSeconds(15);
}
