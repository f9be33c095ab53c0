using System.Security.Cryptography;
using System.Text;

namespace CakeParallel.Docker;

/// <summary>
/// What a <c>docker build</c> argv asks for, as far as it decides the image: the Dockerfile, the context, build
/// args, target, platform, labels, secret ids and the remaining options (<c>--network</c>, <c>--no-cache</c>, extra
/// arguments). Tags, <c>--iidfile</c>, cache sources and destinations and the secrets' sources are left out: they
/// do not change what is built.
/// </summary>
internal sealed record DockerBuildInvocation(
    string Dockerfile,
    string Context,
    IReadOnlyDictionary<string, string> BuildArgs,
    string? Target,
    string? Platform,
    IReadOnlyList<string> Labels,
    IReadOnlyList<string> SecretIds,
    IReadOnlyList<string> OtherArguments)
{
    private static readonly HashSet<string> Ignored = new(StringComparer.Ordinal) { "--tag", "-t", "--iidfile", "--cache-from", "--cache-to" };

    /// <summary>Reads the argv of a build leg (everything after the executable, global options first, the context last).</summary>
    public static DockerBuildInvocation Parse(IReadOnlyList<string> arguments, string workingDirectory)
    {
        var build = arguments.ToList().IndexOf("build");
        var context = Path.GetFullPath(arguments[^1], workingDirectory);
        string? dockerfile = null, target = null, platform = null;
        var buildArgs = new Dictionary<string, string>(StringComparer.Ordinal);
        var labels = new List<string>();
        var secrets = new List<string>();
        var others = new List<string>();
        for (var i = build + 1; i < arguments.Count - 1; i++)
        {
            var option = arguments[i];
            var value = i + 1 < arguments.Count - 1 ? arguments[i + 1] : null;
            switch (option)
            {
                case "--file" or "-f" when value is not null:
                    dockerfile = Path.GetFullPath(value, workingDirectory);
                    i++;
                    break;
                case "--target" when value is not null:
                    target = value;
                    i++;
                    break;
                case "--platform" when value is not null:
                    platform = value;
                    i++;
                    break;
                case "--build-arg" when value is not null:
                    var pair = value.Split('=', 2);
                    buildArgs[pair[0]] = pair.Length == 2 ? pair[1] : Environment.GetEnvironmentVariable(pair[0]) ?? "";
                    i++;
                    break;
                case "--label" when value is not null:
                    if (!value.StartsWith(DockerLabels.InputsHash + "=", StringComparison.Ordinal))
                    {
                        labels.Add(value);
                    }

                    i++;
                    break;
                case "--secret" when value is not null:
                    // The id only: a secret's value (and where it is read from) never decides whether a leg is up to date.
                    secrets.Add(value.Split(',').Select(p => p.Split('=', 2)).FirstOrDefault(p => p is ["id", _])?[1] ?? "");
                    i++;
                    break;
                case var _ when Ignored.Contains(option) && value is not null:
                    i++;
                    break;
                default:
                    others.Add(option);
                    break;
            }
        }

        return new DockerBuildInvocation(dockerfile ?? Path.Combine(context, "Dockerfile"), context, buildArgs, target, platform, labels, secrets, others);
    }
}

/// <summary>
/// The inputs hash of a docker build leg: one SHA-256 over the build context as docker sends it, the Dockerfile,
/// the resolved build args, target, platform, labels, secret ids (never values), the other build options, and the
/// id (or pinned digest) of each image its <c>FROM</c> lines name, as the engine resolves them.
/// </summary>
internal static class BuildInputsHash
{
    /// <summary>The version of the hash's recipe; a change to what goes in changes it, so images of an older recipe are built again.</summary>
    private const string Recipe = "cakeparallel.inputs-hash/1";

    /// <summary>The hash as <c>sha256:&lt;hex&gt;</c>.</summary>
    /// <param name="invocation">The build.</param>
    /// <param name="dockerfileText">The Dockerfile's content.</param>
    /// <param name="contextDigest">The context's digest (<see cref="BuildContextDigest"/>).</param>
    /// <param name="baseImages">Each external base image reference and what the engine resolved it to.</param>
    public static string Compute(DockerBuildInvocation invocation, string dockerfileText, string contextDigest, IReadOnlyList<(string Reference, string Resolved)> baseImages)
    {
        var text = new StringBuilder(Recipe).Append('\n');
        void Line(string key, string value) => text.Append(key).Append('\t').Append(value.Replace("\n", "\\n", StringComparison.Ordinal)).Append('\n');
        Line("dockerfile", Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(dockerfileText))));
        Line("context", contextDigest);
        Line("target", invocation.Target ?? "");
        Line("platform", invocation.Platform ?? "");
        foreach (var (name, value) in invocation.BuildArgs.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            Line("build-arg", name + "=" + value);
        }

        foreach (var label in invocation.Labels.Order(StringComparer.Ordinal))
        {
            Line("label", label);
        }

        foreach (var secret in invocation.SecretIds.Order(StringComparer.Ordinal))
        {
            Line("secret", secret);
        }

        foreach (var argument in invocation.OtherArguments)
        {
            Line("argument", argument);
        }

        foreach (var (reference, resolved) in baseImages)
        {
            Line("from", reference + " " + resolved);
        }

        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>The ignore file docker applies: BuildKit's <c>&lt;Dockerfile&gt;.dockerignore</c> beside the Dockerfile when there is one, else the context's <c>.dockerignore</c>.</summary>
    public static string IgnoreFile(DockerBuildInvocation invocation)
    {
        var besideDockerfile = invocation.Dockerfile + ".dockerignore";
        return File.Exists(besideDockerfile) ? besideDockerfile : Path.Combine(invocation.Context, ".dockerignore");
    }

    /// <summary>The relative paths docker sends whatever the ignore file says: the Dockerfile (when inside the context) and the context's ignore file.</summary>
    public static IReadOnlySet<string> AlwaysSent(DockerBuildInvocation invocation)
    {
        var sent = new HashSet<string>(StringComparer.Ordinal) { ".dockerignore" };
        var relative = Path.GetRelativePath(invocation.Context, invocation.Dockerfile).Replace('\\', '/');
        if (!relative.StartsWith("../", StringComparison.Ordinal) && !Path.IsPathRooted(relative))
        {
            sent.Add(relative);
        }

        return sent;
    }
}
