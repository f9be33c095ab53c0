using Cake.Core.IO;
using CakeParallel.Docker;
using CakeParallel.Matrix;

namespace Cake.Parallel;

/// <summary>
/// A docker build matrix for <see cref="DockerAliases.DockerBuildMatrix(Cake.Core.ICakeContext, DockerMatrixSettings)"/>:
/// the matrix, the <c>docker build</c> of each leg, and the run settings of <see cref="ParallelSettings"/>. Plain
/// mutable Cake settings: assign properties or add to the collections, or use the fluent setters. Text settings
/// take <c>{axis}</c> placeholders.
/// </summary>
/// <remarks>
/// Retries default to the docker policy: up to 3 attempts, 2 s then 4 s apart, of transient failures only (registry
/// and network hiccups, as the docker failure classifier recognises them); set exit codes or output patterns on
/// <see cref="ParallelSettings.Retry"/> to retry more.
/// </remarks>
public sealed class DockerMatrixSettings : ParallelSettings
{
    private static readonly DockerBuildSettings Defaults = new();

    /// <summary>Gets or sets the matrix: axes with include/exclude (GitHub Actions semantics), or an explicit list of legs.</summary>
    public MatrixDefinition Matrix { get; set; } = new();

    /// <summary>
    /// Gets or sets the folder that relative paths (<see cref="Context"/>, <see cref="Dockerfile"/>) are resolved
    /// against; itself relative to the Cake working directory, which is also the default.
    /// </summary>
    public DirectoryPath? BaseDirectory { get; set; }

    /// <summary>
    /// Gets or sets the docker client, as Cake's tool settings do; <see langword="null"/> resolves <c>docker</c>
    /// with Cake's tool resolution (the tools folder, <c>--tools</c>/<c>Tools</c> configuration, then <c>PATH</c>).
    /// </summary>
    public FilePath? ToolPath { get; set; }

    /// <summary>Gets or sets the build context directory (default <c>.</c>), e.g. <c>images/{os}</c>.</summary>
    public string Context { get; set; } = Defaults.Context;

    /// <summary>Gets or sets the Dockerfile (<c>--file</c>); <see langword="null"/> for <c>Dockerfile</c> in the context.</summary>
    public string? Dockerfile { get; set; }

    /// <summary>Gets or sets the build stage to build (<c>--target</c>).</summary>
    public string? Target { get; set; }

    /// <summary>Gets or sets the target platform (<c>--platform</c>), e.g. <c>linux/amd64</c>.</summary>
    public string? Platform { get; set; }

    /// <summary>Gets the build args (<c>--build-arg NAME=value</c>); they win over axis build args of the same name.</summary>
    public IDictionary<string, string> BuildArgs { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Gets or sets whether every leg parameter is passed as a build arg too (default true).</summary>
    public bool PassAxesAsBuildArgs { get; set; } = Defaults.PassAxesAsBuildArgs;

    /// <summary>Gets the tags to write (<c>--tag</c>), e.g. <c>myapp:{node}-{os}</c>; no two legs may write the same tag.</summary>
    public ICollection<string> Tags { get; } = new List<string>();

    /// <summary>Gets the image labels (<c>--label</c>); <c>cakeparallel.leg</c> is always added.</summary>
    public IDictionary<string, string> Labels { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Gets the external cache sources (<c>--cache-from</c>).</summary>
    public ICollection<string> CacheFrom { get; } = new List<string>();

    /// <summary>Gets the cache export destinations (<c>--cache-to</c>, BuildKit with buildx only).</summary>
    public ICollection<string> CacheTo { get; } = new List<string>();

    /// <summary>Gets or sets whether the build cache is ignored (<c>--no-cache</c>).</summary>
    public bool NoCache { get; set; }

    /// <summary>Gets or sets whether newer base images are always pulled (<c>--pull</c>).</summary>
    public bool Pull { get; set; }

    /// <summary>Gets or sets the network for <c>RUN</c> steps (<c>--network</c>).</summary>
    public string? Network { get; set; }

    /// <summary>Gets the build secrets (<c>--secret</c>); they need BuildKit.</summary>
    public ICollection<DockerSecret> Secrets { get; } = new List<DockerSecret>();

    /// <summary>Gets further <c>docker build</c> arguments, each one argv element, placed before the context.</summary>
    public ICollection<string> ExtraArguments { get; } = new List<string>();

    /// <summary>Gets or sets the daemon every leg uses (<c>DOCKER_HOST</c>); <see langword="null"/>: the client's.</summary>
    public string? DockerHost { get; set; }

    /// <summary>Gets or sets the docker context (<c>docker --context</c>); <see langword="null"/>: the client's current one.</summary>
    public string? DockerContext { get; set; }

    /// <summary>
    /// Gets the pool of docker engines the legs build on, each with its own slot limit and optional platforms (see
    /// <c>WithEndpoint</c>); empty: every leg uses <see cref="DockerHost"/>/<see cref="DockerContext"/>. Without an
    /// explicit <see cref="ParallelSettings.MaxParallel"/> the run uses the sum of the endpoints' limits.
    /// </summary>
    public ICollection<DockerEngineEndpoint> Endpoints { get; } = new List<DockerEngineEndpoint>();

    /// <summary>
    /// Gets or sets whether each leg pushes its tags (<c>docker push</c>) after its build, from the engine that built
    /// it, as part of the same attempt; the results carry each pushed tag's digest. Images built on one engine
    /// exist only there: pushing is how they are shared.
    /// </summary>
    public bool Push { get; set; }

    /// <summary>
    /// Gets or sets when pushed tags appear in the registry: <see cref="DockerPublishPolicy.PerLeg"/> (default) lets
    /// each leg push its own tags; <see cref="DockerPublishPolicy.AllOrNothing"/> has the legs push staging tags
    /// and writes the final tags only when every leg succeeded (needs <see cref="Push"/>; not in a sharded run).
    /// </summary>
    public DockerPublishPolicy Publish { get; set; }

    /// <summary>Gets or sets whether BuildKit is forced on or off; <see langword="null"/> leaves the client's default.</summary>
    public bool? BuildKit { get; set; }

    /// <summary>Gets the docker client's environment variables; a <see langword="null"/> value removes a variable.</summary>
    public IDictionary<string, string?> EnvironmentVariables { get; } = new Dictionary<string, string?>(StringComparer.Ordinal);

    /// <summary>Gets or sets the leg name template, e.g. <c>node{node}-{os}</c>; <see langword="null"/>: the parameter values joined by <c>-</c>.</summary>
    public string? LegName { get; set; }

    /// <summary>Gets or sets whether a tag a terminated build still writes is removed again (see the engine's <c>DockerBuildSettings.RemoveLateTags</c>).</summary>
    public bool RemoveLateTags { get; set; }

    /// <summary>Gets or sets how long to watch for such a late tag after a terminated leg (default 15 s; zero checks once).</summary>
    public TimeSpan LateTagWatch { get; set; } = Defaults.LateTagWatch;

    /// <summary>The engine's build settings of these settings, with <paramref name="dockerClient"/> as the client.</summary>
    internal DockerBuildSettings ToBuildSettings(string dockerClient) => new()
    {
        Context = Context,
        Dockerfile = Dockerfile,
        Target = Target,
        Platform = Platform,
        BuildArgs = new Dictionary<string, string>(BuildArgs, StringComparer.Ordinal),
        PassAxesAsBuildArgs = PassAxesAsBuildArgs,
        Tags = [.. Tags],
        Labels = new Dictionary<string, string>(Labels, StringComparer.Ordinal),
        CacheFrom = [.. CacheFrom],
        CacheTo = [.. CacheTo],
        NoCache = NoCache,
        Pull = Pull,
        Network = Network,
        Secrets = [.. Secrets],
        ExtraArguments = [.. ExtraArguments],
        DockerExecutable = dockerClient,
        DockerHost = DockerHost,
        DockerContext = DockerContext,
        Endpoints = [.. Endpoints],
        Push = Push,
        Publish = Publish,
        BuildKit = BuildKit,
        EnvironmentVariables = new Dictionary<string, string?>(EnvironmentVariables, StringComparer.Ordinal),
        LegName = LegName,
        RemoveLateTags = RemoveLateTags,
        LateTagWatch = LateTagWatch,
    };

    private protected override ParallelRetrySettings NewRetrySettings()
    {
        var docker = DockerRetryPolicy.Default;
        return new ParallelRetrySettings { MaxAttempts = docker.MaxAttempts, InitialDelay = docker.InitialDelay, MaxDelay = docker.MaxDelay, UseJitter = docker.UseJitter };
    }
}
