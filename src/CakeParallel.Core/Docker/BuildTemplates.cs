using CakeParallel.Matrix;
using CakeParallel.Model;

namespace CakeParallel.Docker;

/// <summary>A templated setting and the field name errors report for it (in the matrix file's spelling).</summary>
internal sealed record TemplatedField(string Field, ParameterTemplate Template);

/// <summary>Every templatable build setting, parsed once for all legs; syntax errors are reported without a leg.</summary>
internal sealed class BuildTemplates
{
    private readonly List<ValidationError> _errors;

    public BuildTemplates(DockerBuildSettings build, List<ValidationError> errors)
    {
        _errors = errors;
        Context = Parse("build.context", build.Context);
        Dockerfile = Optional("build.dockerfile", build.Dockerfile);
        Target = Optional("build.target", build.Target);
        Platform = Optional("build.platform", build.Platform);
        BuildArgs = build.BuildArgs.Select(a => (a.Key, Parse($"build.buildArgs.{a.Key}", a.Value))).ToArray();
        Tags = build.Tags.Select((t, i) => Parse($"build.tags[{i}]", t)).ToArray();
        Labels = build.Labels.Select(l => (l.Key, Parse($"build.labels.{l.Key}", l.Value))).ToArray();
        CacheFrom = build.CacheFrom.Select((c, i) => Parse($"build.cacheFrom[{i}]", c)).ToArray();
        CacheTo = build.CacheTo.Select((c, i) => Parse($"build.cacheTo[{i}]", c)).ToArray();
        Network = Optional("build.network", build.Network);
        Secrets = build.Secrets.Select((s, i) => (s, Optional($"build.secrets[{i}].src", s.Source), Optional($"build.secrets[{i}].env", s.Environment))).ToArray();
        ExtraArguments = build.ExtraArguments.Select((a, i) => Parse($"build.extraArguments[{i}]", a)).ToArray();
        DockerExecutable = Parse("build.docker", build.DockerExecutable);
        DockerHost = Optional("build.dockerHost", build.DockerHost);
        DockerContext = Optional("build.dockerContext", build.DockerContext);
        Environment = build.EnvironmentVariables.Select(e => (e.Key, e.Value is null ? null : Parse($"build.environment.{e.Key}", e.Value))).ToArray();
        if (build.LegName is not null && Parse("build.legName", build.LegName) is { } legName)
        {
            LegName = legName.Template;
        }
    }

    public TemplatedField Context { get; }

    public TemplatedField? Dockerfile { get; }

    public TemplatedField? Target { get; }

    public TemplatedField? Platform { get; }

    public IReadOnlyList<(string Name, TemplatedField Value)> BuildArgs { get; }

    public IReadOnlyList<TemplatedField> Tags { get; }

    public IReadOnlyList<(string Key, TemplatedField Value)> Labels { get; }

    public IReadOnlyList<TemplatedField> CacheFrom { get; }

    public IReadOnlyList<TemplatedField> CacheTo { get; }

    public TemplatedField? Network { get; }

    public IReadOnlyList<(DockerSecret Secret, TemplatedField? Source, TemplatedField? Environment)> Secrets { get; }

    public IReadOnlyList<TemplatedField> ExtraArguments { get; }

    public TemplatedField DockerExecutable { get; }

    public TemplatedField? DockerHost { get; }

    public TemplatedField? DockerContext { get; }

    public IReadOnlyList<(string Name, TemplatedField? Value)> Environment { get; }

    public ParameterTemplate? LegName { get; }

    public static ValidationError Unknown(string leg, string field, IReadOnlyList<string> unknown, IReadOnlyDictionary<string, string> parameters)
    {
        var names = string.Join(", ", unknown.Select(u => "{" + u + "}"));
        var known = parameters.Count == 0 ? "the leg has no parameters" : "known: " + string.Join(", ", parameters.Keys.Select(k => "{" + k + "}"));
        return new ValidationError(ErrorCodes.PlaceholderUnknown, leg, field, $"unknown placeholder {names}; {known}.");
    }

    private TemplatedField? Optional(string field, string? text) => text is null ? null : Parse(field, text);

    private TemplatedField Parse(string field, string text)
    {
        if (!ParameterTemplate.TryParse(text, out var template, out var error))
        {
            _errors.Add(new ValidationError(ErrorCodes.PlaceholderUnknown, null, field, error));
        }

        return new TemplatedField(field, template);
    }
}
