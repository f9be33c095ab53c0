using System.Text.Json;
using CakeParallel.Matrix;
using CakeParallel.Model;

namespace CakeParallel.Docker;

/// <summary>
/// Reads the JSON matrix file format (see docs/matrix-file.md) into a <see cref="DockerMatrix"/>, collecting
/// every unknown key, wrong type and bad value with its JSON path instead of stopping at the first.
/// </summary>
internal sealed class MatrixFileReader
{
    private readonly List<ValidationError> _errors = [];

    public IReadOnlyList<ValidationError> Errors => _errors;

    public DockerMatrix? Read(JsonElement root, string baseDirectory)
    {
        if (!Expect(root, "$", JsonValueKind.Object, "an object with 'matrix' and 'build'"))
        {
            return null;
        }

        MatrixDefinition? matrix = null;
        var result = new DockerMatrix { Matrix = new MatrixDefinition(), BaseDirectory = baseDirectory };
        foreach (var property in root.EnumerateObject())
        {
            var path = "$." + property.Name;
            switch (property.Name)
            {
                case "$schema":
                    break;
                case "matrix":
                    matrix = ReadMatrix(property.Value, path);
                    break;
                case "build":
                    result = ReadBuild(property.Value, path, result);
                    break;
                default:
                    Unknown(path, "'matrix', 'build' or '$schema'");
                    break;
            }
        }

        if (!root.TryGetProperty("matrix", out _))
        {
            _errors.Add(new ValidationError(ErrorCodes.MatrixFileMissingKey, null, "$.matrix", "the file has no 'matrix'; give axes (an object) or a list of legs (an array)."));
        }

        return result with { Matrix = matrix ?? new MatrixDefinition() };
    }

    private MatrixDefinition? ReadMatrix(JsonElement element, string path)
    {
        if (element.ValueKind == JsonValueKind.Array)
        {
            return MatrixDefinition.FromLegs(ReadObjectList(element, path));
        }

        if (!Expect(element, path, JsonValueKind.Object, "an object of axes (GitHub Actions shape) or an array of legs"))
        {
            return null;
        }

        var axes = new List<MatrixAxis>();
        IReadOnlyList<IReadOnlyDictionary<string, string>> include = [], exclude = [];
        foreach (var property in element.EnumerateObject())
        {
            var itemPath = path + "." + property.Name;
            switch (property.Name)
            {
                case "include":
                    include = Expect(property.Value, itemPath, JsonValueKind.Array, "an array of objects") ? ReadObjectList(property.Value, itemPath) : [];
                    break;
                case "exclude":
                    exclude = Expect(property.Value, itemPath, JsonValueKind.Array, "an array of objects") ? ReadObjectList(property.Value, itemPath) : [];
                    break;
                default:
                    if (Expect(property.Value, itemPath, JsonValueKind.Array, "an array of values (an axis)"))
                    {
                        axes.Add(new MatrixAxis(property.Name, ReadScalarList(property.Value, itemPath)));
                    }

                    break;
            }
        }

        return new MatrixDefinition { Axes = axes, Include = include, Exclude = exclude };
    }

    private DockerMatrix ReadBuild(JsonElement element, string path, DockerMatrix matrix)
    {
        if (!Expect(element, path, JsonValueKind.Object, "an object of build settings"))
        {
            return matrix;
        }

        var build = new DockerBuildSettings();
        foreach (var property in element.EnumerateObject())
        {
            var p = path + "." + property.Name;
            var value = property.Value;
            switch (property.Name)
            {
                case "context": build = build with { Context = String(value, p) ?? build.Context }; break;
                case "dockerfile": build = build with { Dockerfile = String(value, p) }; break;
                case "target": build = build with { Target = String(value, p) }; break;
                case "platform": build = build with { Platform = String(value, p) }; break;
                case "buildArgs": build = build with { BuildArgs = StringMap(value, p) }; break;
                case "passAxesAsBuildArgs": build = build with { PassAxesAsBuildArgs = Bool(value, p) ?? true }; break;
                case "tags": build = build with { Tags = StringList(value, p) }; break;
                case "labels": build = build with { Labels = StringMap(value, p) }; break;
                case "cacheFrom": build = build with { CacheFrom = StringList(value, p) }; break;
                case "cacheTo": build = build with { CacheTo = StringList(value, p) }; break;
                case "noCache": build = build with { NoCache = Bool(value, p) ?? false }; break;
                case "pull": build = build with { Pull = Bool(value, p) ?? false }; break;
                case "network": build = build with { Network = String(value, p) }; break;
                case "secrets": build = build with { Secrets = Secrets(value, p) }; break;
                case "extraArguments": build = build with { ExtraArguments = StringList(value, p) }; break;
                case "docker": build = build with { DockerExecutable = String(value, p) ?? build.DockerExecutable }; break;
                case "dockerHost": build = build with { DockerHost = String(value, p) }; break;
                case "dockerContext": build = build with { DockerContext = String(value, p) }; break;
                case "buildKit": build = build with { BuildKit = Bool(value, p) }; break;
                case "environment": build = build with { EnvironmentVariables = StringMap(value, p).ToDictionary(e => e.Key, e => (string?)e.Value, StringComparer.Ordinal) }; break;
                case "legName": build = build with { LegName = String(value, p) }; break;
                case "removeLateTags": build = build with { RemoveLateTags = Bool(value, p) ?? false }; break;
                case "lateTagWatch": build = build with { LateTagWatch = Duration(value, p, allowZero: true) ?? build.LateTagWatch }; break;
                case "maxParallel": matrix = matrix with { MaxParallel = Int(value, p, minimum: 1) }; break;
                case "timeout": matrix = matrix with { Timeout = Duration(value, p, allowZero: false) }; break;
                case "retries": matrix = matrix with { Retries = Int(value, p, minimum: 0) }; break;
                case "failFast": matrix = matrix with { FailFast = Bool(value, p) }; break;
                default:
                    Unknown(p, "a docker build setting (context, dockerfile, target, platform, buildArgs, passAxesAsBuildArgs, tags, labels, cacheFrom, cacheTo, noCache, pull, network, secrets, extraArguments, docker, dockerHost, dockerContext, buildKit, environment, legName, removeLateTags, lateTagWatch) or a run setting (maxParallel, timeout, retries, failFast)");
                    break;
            }
        }

        return matrix with { Build = build };
    }

    private List<DockerSecret> Secrets(JsonElement element, string path)
    {
        var secrets = new List<DockerSecret>();
        if (!Expect(element, path, JsonValueKind.Array, "an array of {\"id\", \"src\" or \"env\"} objects"))
        {
            return secrets;
        }

        var index = 0;
        foreach (var item in element.EnumerateArray())
        {
            var itemPath = $"{path}[{index++}]";
            if (!Expect(item, itemPath, JsonValueKind.Object, "an object with 'id' and 'src' or 'env'"))
            {
                continue;
            }

            string? id = null, source = null, environment = null;
            foreach (var property in item.EnumerateObject())
            {
                var p = itemPath + "." + property.Name;
                switch (property.Name)
                {
                    case "id": id = String(property.Value, p); break;
                    case "src": source = String(property.Value, p); break;
                    case "env": environment = String(property.Value, p); break;
                    default: Unknown(p, "'id', 'src' or 'env' (secret values do not belong in a file)"); break;
                }
            }

            if (id is null)
            {
                _errors.Add(new ValidationError(ErrorCodes.MatrixFileMissingKey, null, itemPath + ".id", "a secret needs an 'id'."));
                continue;
            }

            secrets.Add(new DockerSecret(id) { Source = source, Environment = environment });
        }

        return secrets;
    }

    private List<IReadOnlyDictionary<string, string>> ReadObjectList(JsonElement array, string path)
    {
        var list = new List<IReadOnlyDictionary<string, string>>();
        var index = 0;
        foreach (var item in array.EnumerateArray())
        {
            var itemPath = $"{path}[{index++}]";
            if (Expect(item, itemPath, JsonValueKind.Object, "an object of parameter values"))
            {
                var parameters = new OrderedDictionary<string, string>(StringComparer.Ordinal);
                foreach (var property in item.EnumerateObject())
                {
                    if (Scalar(property.Value, itemPath + "." + property.Name) is { } value)
                    {
                        parameters[property.Name] = value;
                    }
                }

                list.Add(parameters);
            }
        }

        return list;
    }

    private List<string> ReadScalarList(JsonElement array, string path)
    {
        var list = new List<string>();
        var index = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (Scalar(item, $"{path}[{index++}]") is { } value)
            {
                list.Add(value);
            }
        }

        return list;
    }

    private List<string> StringList(JsonElement element, string path)
    {
        if (element.ValueKind == JsonValueKind.String)
        {
            return [element.GetString()!];
        }

        var list = new List<string>();
        if (Expect(element, path, JsonValueKind.Array, "an array of strings"))
        {
            var index = 0;
            foreach (var item in element.EnumerateArray())
            {
                if (String(item, $"{path}[{index++}]") is { } value)
                {
                    list.Add(value);
                }
            }
        }

        return list;
    }

    private OrderedDictionary<string, string> StringMap(JsonElement element, string path)
    {
        var map = new OrderedDictionary<string, string>(StringComparer.Ordinal);
        if (Expect(element, path, JsonValueKind.Object, "an object of string values"))
        {
            foreach (var property in element.EnumerateObject())
            {
                if (Scalar(property.Value, path + "." + property.Name) is { } value)
                {
                    map[property.Name] = value;
                }
            }
        }

        return map;
    }

    /// <summary>A string, number or boolean as text (numbers keep their JSON spelling, so <c>3.10</c> stays <c>3.10</c>).</summary>
    private string? Scalar(JsonElement element, string path) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => element.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => WrongType(element, path, "a string, number or boolean"),
    };

    private string? String(JsonElement element, string path) =>
        element.ValueKind == JsonValueKind.String ? element.GetString() : WrongType(element, path, "a string");

    private bool? Bool(JsonElement element, string path)
    {
        if (element.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return element.GetBoolean();
        }

        WrongType(element, path, "true or false");
        return null;
    }

    private int? Int(JsonElement element, string path, int minimum)
    {
        if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt32(out var value))
        {
            WrongType(element, path, "a whole number");
            return null;
        }

        if (value < minimum)
        {
            _errors.Add(new ValidationError(ErrorCodes.MatrixFileValueInvalid, null, path, $"must be at least {minimum}, but is {value}."));
            return null;
        }

        return value;
    }

    private TimeSpan? Duration(JsonElement element, string path, bool allowZero)
    {
        TimeSpan? duration;
        if (element.ValueKind == JsonValueKind.Number)
        {
            duration = element.TryGetDouble(out var seconds) && seconds is >= 0 and < 1e7 ? TimeSpan.FromSeconds(seconds) : null;
        }
        else if (element.ValueKind == JsonValueKind.String)
        {
            duration = DurationParser.TryParse(element.GetString()!, out var parsed) ? parsed : null;
        }
        else
        {
            WrongType(element, path, "a duration (seconds as a number, or text like \"90s\", \"5m\", \"1h30m\")");
            return null;
        }

        if (duration is null)
        {
            _errors.Add(new ValidationError(ErrorCodes.MatrixFileValueInvalid, null, path, $"{element.GetRawText()} is not a duration; write seconds as a number, or text like \"90s\", \"5m\", \"1h30m\", \"500ms\"."));
            return null;
        }

        if (!allowZero && duration == TimeSpan.Zero)
        {
            _errors.Add(new ValidationError(ErrorCodes.MatrixFileValueInvalid, null, path, "must be positive."));
            return null;
        }

        return duration;
    }

    private bool Expect(JsonElement element, string path, JsonValueKind kind, string expected)
    {
        if (element.ValueKind == kind)
        {
            return true;
        }

        WrongType(element, path, expected);
        return false;
    }

    private string? WrongType(JsonElement element, string path, string expected)
    {
        _errors.Add(new ValidationError(ErrorCodes.MatrixFileWrongType, null, path, $"expected {expected}, but found {Describe(element.ValueKind)}."));
        return null;
    }

    private void Unknown(string path, string expected) =>
        _errors.Add(new ValidationError(ErrorCodes.MatrixFileUnknownKey, null, path, $"unknown key; expected {expected}."));

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => kind.ToString().ToLowerInvariant(),
    };
}
