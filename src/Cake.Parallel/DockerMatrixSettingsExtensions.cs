using Cake.Core.IO;
using CakeParallel.Docker;
using CakeParallel.Matrix;

namespace Cake.Parallel;

/// <summary>Fluent setters for <see cref="DockerMatrixSettings"/>.</summary>
public static class DockerMatrixSettingsExtensions
{
    /// <summary>Adds a matrix axis; the legs are the combinations of all axes.</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="name">The axis name, also the <c>{name}</c> placeholder and (by default) a build arg.</param>
    /// <param name="values">The axis values.</param>
    /// <returns>The same settings, for chaining.</returns>
    public static DockerMatrixSettings WithAxis(this DockerMatrixSettings settings, string name, params string[] values) =>
        Apply(settings, s => s.Matrix = s.Matrix with { Axes = [.. s.Matrix.Axes, new MatrixAxis(name, values)] });

    /// <summary>
    /// Adds an include entry: merged into the combinations it matches, or added as a leg of its own. Keys name axes
    /// regardless of case, strings match regardless of case, and numbers by value (<c>12.0</c> matches <c>12</c>).
    /// </summary>
    /// <param name="settings">The settings.</param>
    /// <param name="parameters">The entry's parameter values.</param>
    /// <returns>The same settings, for chaining.</returns>
    public static DockerMatrixSettings WithInclude(this DockerMatrixSettings settings, IDictionary<string, string> parameters) =>
        Apply(settings, s => s.Matrix = s.Matrix with { Include = [.. s.Matrix.Include, Copy(parameters)] });

    /// <summary>Adds an exclude entry: combinations matching every key of it are removed (matched as for <see cref="WithInclude"/>).</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="parameters">The partial combination to remove.</param>
    /// <returns>The same settings, for chaining.</returns>
    public static DockerMatrixSettings WithExclude(this DockerMatrixSettings settings, IDictionary<string, string> parameters) =>
        Apply(settings, s => s.Matrix = s.Matrix with { Exclude = [.. s.Matrix.Exclude, Copy(parameters)] });

    /// <summary>Sets the build context directory (may use placeholders, e.g. <c>images/{os}</c>).</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="context">The context, relative to <see cref="DockerMatrixSettings.BaseDirectory"/>.</param>
    /// <returns>The same settings, for chaining.</returns>
    public static DockerMatrixSettings SetContext(this DockerMatrixSettings settings, DirectoryPath context) =>
        Apply(settings, s => s.Context = context.FullPath);

    /// <summary>Sets the Dockerfile (may use placeholders).</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="dockerfile">The Dockerfile, relative to <see cref="DockerMatrixSettings.BaseDirectory"/>.</param>
    /// <returns>The same settings, for chaining.</returns>
    public static DockerMatrixSettings SetDockerfile(this DockerMatrixSettings settings, FilePath dockerfile) =>
        Apply(settings, s => s.Dockerfile = dockerfile.FullPath);

    /// <summary>Adds a tag to write, e.g. <c>myapp:{node}-{os}</c>.</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="tag">The tag template; no two legs may write the same tag.</param>
    /// <returns>The same settings, for chaining.</returns>
    public static DockerMatrixSettings WithTag(this DockerMatrixSettings settings, string tag) =>
        Apply(settings, s => s.Tags.Add(tag));

    /// <summary>Adds a build arg (it wins over an axis of the same name).</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="name">The build arg's name.</param>
    /// <param name="value">The value (may use placeholders).</param>
    /// <returns>The same settings, for chaining.</returns>
    public static DockerMatrixSettings WithBuildArg(this DockerMatrixSettings settings, string name, string value) =>
        Apply(settings, s => s.BuildArgs[name] = value);

    /// <summary>Adds an image label.</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="name">The label's name.</param>
    /// <param name="value">The value (may use placeholders).</param>
    /// <returns>The same settings, for chaining.</returns>
    public static DockerMatrixSettings WithLabel(this DockerMatrixSettings settings, string name, string value) =>
        Apply(settings, s => s.Labels[name] = value);

    /// <summary>Sets the build stage to build (<c>--target</c>).</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="target">The stage name.</param>
    /// <returns>The same settings, for chaining.</returns>
    public static DockerMatrixSettings SetTarget(this DockerMatrixSettings settings, string target) =>
        Apply(settings, s => s.Target = target);

    /// <summary>Sets the target platform (<c>--platform</c>), e.g. <c>linux/amd64</c>.</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="platform">The platform.</param>
    /// <returns>The same settings, for chaining.</returns>
    public static DockerMatrixSettings SetPlatform(this DockerMatrixSettings settings, string platform) =>
        Apply(settings, s => s.Platform = platform);

    /// <summary>Forces BuildKit on or off for every leg.</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="buildKit">True for BuildKit, false for the classic builder.</param>
    /// <returns>The same settings, for chaining.</returns>
    public static DockerMatrixSettings WithBuildKit(this DockerMatrixSettings settings, bool buildKit = true) =>
        Apply(settings, s => s.BuildKit = buildKit);

    /// <summary>Sets the daemon every leg uses (<c>DOCKER_HOST</c>).</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="dockerHost">E.g. <c>unix:///var/run/docker.sock</c> or <c>tcp://builder:2376</c>.</param>
    /// <returns>The same settings, for chaining.</returns>
    public static DockerMatrixSettings SetDockerHost(this DockerMatrixSettings settings, string dockerHost) =>
        Apply(settings, s => s.DockerHost = dockerHost);

    /// <summary>Adds a docker engine to the run's pool: legs build on it, at most <paramref name="maxParallel"/> at once.</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="host">The engine as a <c>DOCKER_HOST</c> value, e.g. <c>tcp://127.0.0.1:2376</c>, <c>unix:///run/d1.sock</c> or <c>ssh://builder</c>.</param>
    /// <param name="maxParallel">The most legs building on it at once (default 1).</param>
    /// <param name="platforms">The <c>platform</c> values it builds, e.g. <c>linux/arm64</c>; none: every leg.</param>
    /// <param name="name">The name reports use; default derived from <paramref name="host"/>.</param>
    /// <returns>The same settings, for chaining.</returns>
    public static DockerMatrixSettings WithEndpoint(this DockerMatrixSettings settings, string host, int maxParallel = 1, IEnumerable<string>? platforms = null, string? name = null) =>
        Apply(settings, s => s.Endpoints.Add(new DockerEngineEndpoint { Host = host, MaxParallel = maxParallel, Platforms = platforms?.ToArray() ?? [], Name = name }));

    /// <summary>Adds a docker engine, named by its docker context, to the run's pool.</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="context">The docker context name (<c>docker --context</c>).</param>
    /// <param name="maxParallel">The most legs building on it at once (default 1).</param>
    /// <param name="platforms">The <c>platform</c> values it builds; none: every leg.</param>
    /// <returns>The same settings, for chaining.</returns>
    public static DockerMatrixSettings WithEndpointContext(this DockerMatrixSettings settings, string context, int maxParallel = 1, IEnumerable<string>? platforms = null) =>
        Apply(settings, s => s.Endpoints.Add(new DockerEngineEndpoint { Context = context, MaxParallel = maxParallel, Platforms = platforms?.ToArray() ?? [] }));

    /// <summary>Pushes each leg's tags after its build (<c>docker push</c>, part of the same attempt); the results carry the digests.</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="push">Whether to push (default true).</param>
    /// <returns>The same settings, for chaining.</returns>
    public static DockerMatrixSettings SetPush(this DockerMatrixSettings settings, bool push = true) =>
        Apply(settings, s => s.Push = push);

    /// <summary>
    /// Pushes the legs' images under staging tags and writes the final tags only when every leg succeeded
    /// (<see cref="DockerPublishPolicy.AllOrNothing"/>; turns <see cref="DockerMatrixSettings.Push"/> on).
    /// </summary>
    /// <param name="settings">The settings.</param>
    /// <returns>The same settings, for chaining.</returns>
    public static DockerMatrixSettings PublishAllOrNothing(this DockerMatrixSettings settings) =>
        Apply(settings, s =>
        {
            s.Push = true;
            s.Publish = DockerPublishPolicy.AllOrNothing;
        });

    /// <summary>Sets the leg name template, e.g. <c>node{node}-{os}</c>.</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="legName">The template.</param>
    /// <returns>The same settings, for chaining.</returns>
    public static DockerMatrixSettings SetLegName(this DockerMatrixSettings settings, string legName) =>
        Apply(settings, s => s.LegName = legName);

    /// <summary>Sets the folder relative build paths are resolved against (relative to the Cake working directory).</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="baseDirectory">The folder.</param>
    /// <returns>The same settings, for chaining.</returns>
    public static DockerMatrixSettings SetBaseDirectory(this DockerMatrixSettings settings, DirectoryPath baseDirectory) =>
        Apply(settings, s => s.BaseDirectory = baseDirectory);

    // Text spelled as a number is a number (MatrixValue.FromText), so "12.0" matches an axis value "12" as on GitHub.
    private static IReadOnlyDictionary<string, MatrixValue> Copy(IDictionary<string, string> parameters) =>
        parameters.ToDictionary(p => p.Key, p => MatrixValue.FromText(p.Value), StringComparer.Ordinal);

    private static DockerMatrixSettings Apply(DockerMatrixSettings settings, Action<DockerMatrixSettings> change)
    {
        ArgumentNullException.ThrowIfNull(settings);
        change(settings);
        return settings;
    }
}
