using Microsoft.Build.Framework;
using CakeParallel.Docker;
using CakeParallel.Model;
using CakeParallel.Runs;

namespace CakeParallel.MSBuild;

/// <summary>
/// Builds a matrix of docker images in parallel: one <c>docker build</c> per leg, with bounded parallelism,
/// timeouts, retries of transient docker failures, and one result item per leg carrying its image id and tags.
/// </summary>
/// <remarks>
/// The matrix comes from <see cref="MatrixFile"/> (the JSON format of docs/matrix-file.md) or from the
/// <see cref="Axes"/>, <see cref="Include"/> and <see cref="Exclude"/> items, which replace the file's matrix when
/// given. Every build parameter set on the task overrides the file's setting of the same name; build args and
/// labels are merged by name, lists (tags, cache sources) are replaced. Run settings follow the one precedence
/// rule: a parameter given (MaxParallel, Timeout, MaxAttempts, FailFast, ...) wins over the <c>CAKEPARALLEL_*</c>
/// environment variables, which win over the file's run settings, which win over the defaults.
/// </remarks>
/// <example>
/// <code><![CDATA[
/// <ItemGroup>
///   <Axis Include="node" Values="20;22" />
///   <Axis Include="os" Values="alpine;debian" />
/// </ItemGroup>
/// <DockerBuildMatrix Axes="@(Axis)" Context="docker" Tags="myapp:{node}-{os}" MaxParallel="2">
///   <Output TaskParameter="Results" ItemName="Image" />
/// </DockerBuildMatrix>
/// ]]></code>
/// </example>
public sealed class DockerBuildMatrix : ParallelRunTask
{
    private bool? _noCache;
    private bool? _pull;
    private bool? _buildKit;
    private bool? _push;

    /// <summary>A matrix file (JSON); relative paths in it resolve against its folder.</summary>
    public string? MatrixFile { get; set; }

    /// <summary>The axes: identity = axis name, metadata <c>Values</c> = the values as a <c>;</c>-list.</summary>
    public ITaskItem[] Axes { get; set; } = [];

    /// <summary>Combinations merged into matching legs or added as legs: each item's metadata are the key/value pairs.</summary>
    public ITaskItem[] Include { get; set; } = [];

    /// <summary>Partial combinations removed from the product: each item's metadata are the key/value pairs.</summary>
    public ITaskItem[] Exclude { get; set; } = [];

    /// <summary>The build context directory, relative to the project (default: the file's, else the project directory).</summary>
    public string? Context { get; set; }

    /// <summary>The Dockerfile (<c>--file</c>), relative to the project; default <c>Dockerfile</c> in the context.</summary>
    public string? Dockerfile { get; set; }

    /// <summary>The build stage (<c>--target</c>); may use <c>{AXIS}</c> placeholders.</summary>
    public string? Target { get; set; }

    /// <summary>The platform (<c>--platform</c>), e.g. <c>linux/amd64</c>.</summary>
    public string? Platform { get; set; }

    /// <summary>Tag templates (<c>--tag</c>), e.g. <c>myapp:{node}-{os}</c>; replaces the file's tags.</summary>
    public string[] Tags { get; set; } = [];

    /// <summary>Build args as <c>NAME=value</c> (<c>--build-arg</c>); merged over the file's by name.</summary>
    public string[] BuildArgs { get; set; } = [];

    /// <summary>Labels as <c>KEY=value</c> (<c>--label</c>); merged over the file's by key.</summary>
    public string[] Labels { get; set; } = [];

    /// <summary>Cache sources (<c>--cache-from</c>); replaces the file's.</summary>
    public string[] CacheFrom { get; set; } = [];

    /// <summary>Cache destinations (<c>--cache-to</c>); replaces the file's.</summary>
    public string[] CacheTo { get; set; } = [];

    /// <summary>Build without the cache (<c>--no-cache</c>).</summary>
    public bool NoCache
    {
        get => _noCache ?? false;
        set => _noCache = value;
    }

    /// <summary>Always pull newer base images (<c>--pull</c>).</summary>
    public bool Pull
    {
        get => _pull ?? false;
        set => _pull = value;
    }

    /// <summary>The docker client (default <c>docker</c> from <c>PATH</c>).</summary>
    public string? DockerExecutable { get; set; }

    /// <summary>The daemon (<c>DOCKER_HOST</c>), e.g. <c>unix:///var/run/docker.sock</c>.</summary>
    public string? DockerHost { get; set; }

    /// <summary>
    /// The pool of docker engines the legs build on: one item per engine (its identity is its name), with metadata
    /// <c>Host</c> (a <c>DOCKER_HOST</c> value) or <c>Context</c>, <c>MaxParallel</c> (default 1) and
    /// <c>Platforms</c> (a <c>;</c> list of the <c>platform</c> values it builds; none: every leg). Replaces the
    /// matrix file's endpoints when given. Without an explicit MaxParallel the run uses the sum of the limits.
    /// </summary>
    public ITaskItem[] Endpoints { get; set; } = [];

    /// <summary>Push each leg's tags after its build (<c>docker push</c>, part of the same attempt); the <c>Results</c> carry the digests. Unset: the matrix file's setting.</summary>
    public bool Push
    {
        get => _push ?? false;
        set => _push = value;
    }

    /// <summary>
    /// When pushed tags appear in the registry: <c>per-leg</c> (each leg pushes its own tags) or <c>all-or-nothing</c>
    /// (the legs push staging tags; the final tags are written only when every leg succeeded, and the run's
    /// report says which legs held the publish back). Needs <see cref="Push"/>. Unset: the matrix file's setting.
    /// </summary>
    public string? Publish { get; set; }

    /// <summary>Force BuildKit on or off (<c>DOCKER_BUILDKIT</c>); unset: the client's default.</summary>
    public bool BuildKit
    {
        get => _buildKit ?? false;
        set => _buildKit = value;
    }

    /// <summary>The leg name template, e.g. <c>node{node}-{os}</c>; default: the parameter values joined by <c>-</c>.</summary>
    public string? LegName { get; set; }

    private protected override RetryPolicy DefaultRetry => DockerRetryPolicy.Default;

    private protected override Func<CancellationToken, Task<PlanningResult>>? PreparePlan(RunOptions options, RunOverrides caller, IReadOnlyDictionary<string, string?> environment, string projectDirectory, List<ValidationError> errors)
    {
        DockerMatrix? matrix = null;
        if (!string.IsNullOrEmpty(MatrixFile))
        {
            try
            {
                matrix = DockerMatrixFile.Load(Path.GetFullPath(MatrixFile, projectDirectory));
            }
            catch (InvalidRunException exception)
            {
                errors.AddRange(exception.Errors);
                return null;
            }
        }

        var itemMatrix = Axes.Length + Include.Length + Exclude.Length > 0 ? MatrixItems.Read(Axes, Include, Exclude) : null;
        if (matrix is null && itemMatrix is null)
        {
            errors.Add(new ValidationError(ErrorCodes.MatrixInvalid, null, nameof(MatrixFile), "no matrix: set MatrixFile, or give Axes (and Include/Exclude) items."));
            return null;
        }

        matrix = matrix is null
            ? new DockerMatrix { Matrix = itemMatrix!, BaseDirectory = projectDirectory }
            : itemMatrix is null ? matrix : matrix with { Matrix = itemMatrix };
        matrix = ApplyParameters(matrix, projectDirectory, errors);

        // Planning asks the daemons, which may take seconds: it runs after the node is yielded.
        return cancellationToken => RunPlanner.PlanAsync(matrix, options, caller, environment, cancellationToken);
    }

    private DockerMatrix ApplyParameters(DockerMatrix matrix, string projectDirectory, List<ValidationError> errors)
    {
        // The parameters apply to every target's build; the engines and the publish policy are the whole matrix's.
        // The run settings are layered by the planner: parameters given here over CAKEPARALLEL_* over the file's.
        var endpoints = Endpoints.Length > 0 ? ReadEndpoints(errors) : matrix.Build.Endpoints;
        var publish = matrix.Build.Publish;
        if (!string.IsNullOrEmpty(Publish) && !DockerPublishPolicyText.TryParse(Publish, out publish))
        {
            errors.Add(new ValidationError(ErrorCodes.DockerSettingInvalid, null, nameof(Publish), $"'{Publish}' is not a publish policy; use per-leg or all-or-nothing."));
        }

        var buildArgs = Assignments(BuildArgs, nameof(BuildArgs), errors);
        var labels = Assignments(Labels, nameof(Labels), errors);
        DockerBuildSettings Apply(DockerBuildSettings build) => ApplyTo(build, projectDirectory, buildArgs, labels);
        return matrix with
        {
            Build = Apply(matrix.Build) with { Endpoints = endpoints, Publish = publish },
            Targets = [.. matrix.Targets.Select(t => t with { Build = Apply(t.Build) })],
        };
    }

    private DockerBuildSettings ApplyTo(DockerBuildSettings build, string projectDirectory, IReadOnlyList<(string Key, string Value)> buildArgs, IReadOnlyList<(string Key, string Value)> labels)
    {
        string Full(string path) => Path.GetFullPath(path, projectDirectory);
        return build with
        {
            Context = string.IsNullOrEmpty(Context) ? build.Context : Full(Context),
            Dockerfile = string.IsNullOrEmpty(Dockerfile) ? build.Dockerfile : Full(Dockerfile),
            Target = string.IsNullOrEmpty(Target) ? build.Target : Target,
            Platform = string.IsNullOrEmpty(Platform) ? build.Platform : Platform,
            Tags = Tags.Length > 0 ? Tags : build.Tags,
            BuildArgs = Merge(build.BuildArgs, buildArgs),
            Labels = Merge(build.Labels, labels),
            CacheFrom = CacheFrom.Length > 0 ? CacheFrom : build.CacheFrom,
            CacheTo = CacheTo.Length > 0 ? CacheTo : build.CacheTo,
            NoCache = _noCache ?? build.NoCache,
            Pull = _pull ?? build.Pull,
            DockerExecutable = string.IsNullOrEmpty(DockerExecutable) ? build.DockerExecutable : DockerExecutable.Contains('/') ? Full(DockerExecutable) : DockerExecutable,
            DockerHost = string.IsNullOrEmpty(DockerHost) ? build.DockerHost : DockerHost,
            BuildKit = _buildKit ?? build.BuildKit,
            Push = _push ?? build.Push,
            LegName = string.IsNullOrEmpty(LegName) ? build.LegName : LegName,
        };
    }

    private List<DockerEngineEndpoint> ReadEndpoints(List<ValidationError> errors)
    {
        var endpoints = new List<DockerEngineEndpoint>();
        foreach (var item in Endpoints)
        {
            var maxParallelText = item.GetMetadata("MaxParallel");
            var maxParallel = 1;
            if (maxParallelText.Length > 0 && (!int.TryParse(maxParallelText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out maxParallel) || maxParallel < 1))
            {
                errors.Add(new ValidationError(ErrorCodes.DockerSettingInvalid, null, $"Endpoints[{item.ItemSpec}].MaxParallel", $"'{maxParallelText}' is not a whole number of at least 1."));
                continue;
            }

            endpoints.Add(new DockerEngineEndpoint
            {
                Name = item.ItemSpec,
                Host = NullIfEmpty(item.GetMetadata("Host")),
                Context = NullIfEmpty(item.GetMetadata("Context")),
                MaxParallel = maxParallel,
                Platforms = item.GetMetadata("Platforms").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            });
        }

        return endpoints;
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    /// <summary>The <c>KEY=value</c> items of a parameter, parsed once for every build they apply to.</summary>
    private static List<(string Key, string Value)> Assignments(string[] assignments, string field, List<ValidationError> errors) =>
        [.. EnvironmentAssignments.Parse(string.Join(";", assignments.Select(MSBuildEscaping.Escape)), null, field, errors).Select(a => (a.Key, a.Value ?? ""))];

    private static IReadOnlyDictionary<string, string> Merge(IReadOnlyDictionary<string, string> fromFile, IReadOnlyList<(string Key, string Value)> assignments)
    {
        var merged = new Dictionary<string, string>(fromFile, StringComparer.Ordinal);
        foreach (var (key, value) in assignments)
        {
            merged[key] = value;
        }

        return merged;
    }
}
