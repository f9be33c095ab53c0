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
    private static readonly string[] EndpointKeys = ["host", "context", "maxParallel", "platforms", "name"];
    private static readonly string[] RootKeys = ["matrix", "build", "targets", "$schema"];
    private static readonly string[] TargetKeys = ["matrix", "build", "needs"];
    private static readonly string[] EntryListKeys = ["include", "exclude"];
    private static readonly string[] SecretKeys = ["id", "src", "env"];

    private static readonly string[] BuildSettingKeys =
    [
        "context", "dockerfile", "target", "platform", "buildArgs", "passAxesAsBuildArgs", "tags", "labels", "cacheFrom", "cacheTo", "noCache", "pull",
        "network", "secrets", "extraArguments", "docker", "dockerHost", "dockerContext", "buildKit", "environment", "legName", "removeLateTags", "lateTagWatch", "endpoints", "push", "publish",
    ];

    private static readonly string[] RunSettingKeys = ["maxParallel", "timeout", "retries", "failFast", "maxLegs", "shard", "sharedSlots", "memory", "rebuild"];

    private readonly List<ValidationError> _errors = [];

    public IReadOnlyList<ValidationError> Errors => _errors;

    public DockerMatrix? Read(JsonElement root, string baseDirectory)
    {
        if (!Expect(root, "$", JsonValueKind.Object, "an object with 'matrix' and 'build', or 'targets'"))
        {
            return null;
        }

        // The top-level build of a file with targets holds only what applies to the whole file, wherever 'targets' is.
        var hasTargets = root.TryGetProperty("targets", out _);
        MatrixDefinition? matrix = null;
        IReadOnlyList<DockerMatrixTarget> targets = [];
        var result = new DockerMatrix { Matrix = new MatrixDefinition(), BaseDirectory = baseDirectory };
        foreach (var property in root.EnumerateObject())
        {
            var path = "$." + property.Name;
            switch (property.Name)
            {
                case "$schema":
                    break;
                case "matrix" when hasTargets:
                    _errors.Add(new ValidationError(ErrorCodes.TargetsWithMatrix, null, path, "a file with 'targets' has no top-level 'matrix': each target has its own; move this matrix into a target."));
                    break;
                case "matrix":
                    matrix = ReadMatrix(property.Value, path);
                    break;
                case "build":
                    result = ReadBuild(property.Value, path, result, hasTargets ? BuildScope.FileOfTargets : BuildScope.Whole);
                    break;
                case "targets":
                    targets = ReadTargets(property.Value, path);
                    break;
                default:
                    Unknown(path, property.Name, RootKeys, "'matrix', 'build', 'targets' or '$schema'");
                    break;
            }
        }

        if (!root.TryGetProperty("matrix", out _) && !hasTargets)
        {
            _errors.Add(new ValidationError(ErrorCodes.MatrixFileMissingKey, null, "$.matrix", "the file has no 'matrix'; give axes (an object), a list of legs (an array), or several named matrices in 'targets'."));
        }

        return result with { Matrix = matrix ?? new MatrixDefinition(), Targets = targets };
    }

    private List<DockerMatrixTarget> ReadTargets(JsonElement element, string path)
    {
        var targets = new List<DockerMatrixTarget>();
        if (!Expect(element, path, JsonValueKind.Object, "an object of named targets, each with 'matrix', 'build' and 'needs'"))
        {
            return targets;
        }

        foreach (var property in element.EnumerateObject())
        {
            var targetPath = path + "." + property.Name;
            if (!Expect(property.Value, targetPath, JsonValueKind.Object, "an object with 'matrix', 'build' and 'needs'"))
            {
                continue;
            }

            MatrixDefinition? matrix = null;
            var build = new DockerMatrix { Matrix = new MatrixDefinition() };
            IReadOnlyList<string> needs = [];
            foreach (var item in property.Value.EnumerateObject())
            {
                var itemPath = targetPath + "." + item.Name;
                switch (item.Name)
                {
                    case "matrix": matrix = ReadMatrix(item.Value, itemPath); break;
                    case "build": build = ReadBuild(item.Value, itemPath, build, BuildScope.Target); break;
                    case "needs": needs = StringList(item.Value, itemPath); break;
                    default: Unknown(itemPath, item.Name, TargetKeys, "'matrix', 'build' or 'needs'"); break;
                }
            }

            if (!property.Value.TryGetProperty("matrix", out _))
            {
                _errors.Add(new ValidationError(ErrorCodes.MatrixFileMissingKey, null, targetPath + ".matrix", $"target '{property.Name}' has no 'matrix'; give axes (an object) or a list of legs (an array)."));
            }

            targets.Add(new DockerMatrixTarget { Name = property.Name, Matrix = matrix ?? new MatrixDefinition(), Build = build.Build, Needs = needs });
        }

        if (!element.EnumerateObject().Any())
        {
            _errors.Add(new ValidationError(ErrorCodes.MatrixFileValueInvalid, null, path, "'targets' names no target; give at least one, or use a top-level 'matrix'."));
        }

        return targets;
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
        IReadOnlyList<IReadOnlyDictionary<string, MatrixValue>> include = [], exclude = [];
        foreach (var property in element.EnumerateObject())
        {
            var itemPath = path + "." + property.Name;
            switch (property.Name)
            {
                case "include":
                    include = Expect(property.Value, itemPath, JsonValueKind.Array, "an array of objects") ? ReadEntries(property.Value, itemPath, "an include with no keys adds nothing (GitHub: \"Matrix include mapping does not contain any values\")") : [];
                    break;
                case "exclude":
                    exclude = Expect(property.Value, itemPath, JsonValueKind.Array, "an array of objects") ? ReadEntries(property.Value, itemPath, "an exclude with no keys would remove every combination (GitHub: \"Matrix exclude filter must not be empty\")") : [];
                    break;
                default:
                    if (LooksLikeMisspeltEntryList(property))
                    {
                        // Objects are valid axis values, so "inlcude": [{...}] would otherwise silently become an axis.
                        Unknown(itemPath, property.Name, EntryListKeys, "'include', 'exclude' or an axis name");
                    }
                    else if (Expect(property.Value, itemPath, JsonValueKind.Array, "an array of values (an axis)"))
                    {
                        axes.Add(new MatrixAxis(property.Name, ReadValueList(property.Value, itemPath)));
                    }

                    break;
            }
        }

        return new MatrixDefinition { Axes = axes, Include = include, Exclude = exclude };
    }

    private DockerMatrix ReadBuild(JsonElement element, string path, DockerMatrix matrix, BuildScope scope)
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
            if (OutOfScope(property.Name, scope) is { } misplaced)
            {
                _errors.Add(new ValidationError(ErrorCodes.MatrixFileUnknownKey, null, p, misplaced));
                continue;
            }

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
                case "endpoints": build = build with { Endpoints = Endpoints(value, p) }; break;
                case "push": build = build with { Push = Bool(value, p) ?? false }; break;
                case "publish": build = build with { Publish = PublishPolicy(value, p) }; break;
                case "environment": build = build with { EnvironmentVariables = StringMap(value, p).ToDictionary(e => e.Key, e => (string?)e.Value, StringComparer.Ordinal) }; break;
                case "legName": build = build with { LegName = String(value, p) }; break;
                case "removeLateTags": build = build with { RemoveLateTags = Bool(value, p) ?? false }; break;
                case "lateTagWatch": build = build with { LateTagWatch = Duration(value, p, allowZero: true) ?? build.LateTagWatch }; break;
                case "maxParallel": matrix = matrix with { MaxParallel = Int(value, p, minimum: 1, maximum: 100_000) }; break;
                case "timeout": matrix = matrix with { Timeout = Duration(value, p, allowZero: false) }; break;
                case "retries": matrix = matrix with { Retries = Int(value, p, minimum: 0, maximum: 100) }; break;
                case "failFast": matrix = matrix with { FailFast = Bool(value, p) }; break;
                case "maxLegs": matrix = matrix with { MaxLegs = Int(value, p, minimum: 1, maximum: int.MaxValue) }; break;
                case "shard": matrix = matrix with { Shard = ShardValue(value, p) }; break;
                case "sharedSlots": matrix = matrix with { SharedSlots = Slots(value, p) }; break;
                case "memory": matrix = matrix with { Memory = Memory(value, p) }; break;
                case "rebuild": matrix = matrix with { Rebuild = Bool(value, p) }; break;
                default:
                    Unknown(p, property.Name, [.. BuildSettingKeys, .. RunSettingKeys], $"a docker build setting ({string.Join(", ", BuildSettingKeys)}) or a run setting ({string.Join(", ", RunSettingKeys)})");
                    break;
            }
        }

        return matrix with { Build = build };
    }

    /// <summary>Why <paramref name="key"/> does not belong in a build of <paramref name="scope"/>, or <see langword="null"/> when it does (or is unknown anyway).</summary>
    private static string? OutOfScope(string key, BuildScope scope)
    {
        var wholeFile = key is "endpoints" or "publish" || RunSettingKeys.Contains(key);
        return scope switch
        {
            BuildScope.Target when wholeFile => $"'{key}' applies to the whole file, not to one target; set it in the top-level 'build'.",
            BuildScope.FileOfTargets when !wholeFile && BuildSettingKeys.Contains(key) => $"'{key}' is a build setting: with 'targets' it belongs in each target's 'build' (the top-level 'build' holds the run settings, 'endpoints' and 'publish').",
            _ => null,
        };
    }

    private List<DockerEngineEndpoint> Endpoints(JsonElement element, string path)
    {
        var endpoints = new List<DockerEngineEndpoint>();
        if (!Expect(element, path, JsonValueKind.Array, "an array of {\"host\" or \"context\", \"maxParallel\", \"platforms\", \"name\"} objects"))
        {
            return endpoints;
        }

        var index = 0;
        foreach (var item in element.EnumerateArray())
        {
            var itemPath = $"{path}[{index++}]";
            if (!Expect(item, itemPath, JsonValueKind.Object, "an object with 'host' or 'context'"))
            {
                continue;
            }

            var endpoint = new DockerEngineEndpoint();
            foreach (var property in item.EnumerateObject())
            {
                var p = itemPath + "." + property.Name;
                switch (property.Name)
                {
                    case "host": endpoint = endpoint with { Host = String(property.Value, p) }; break;
                    case "context": endpoint = endpoint with { Context = String(property.Value, p) }; break;
                    case "maxParallel": endpoint = endpoint with { MaxParallel = Int(property.Value, p, minimum: 1, maximum: 100_000) ?? 1 }; break;
                    case "platforms": endpoint = endpoint with { Platforms = StringList(property.Value, p) }; break;
                    case "name": endpoint = endpoint with { Name = String(property.Value, p) }; break;
                    default: Unknown(p, property.Name, EndpointKeys, "'host', 'context', 'maxParallel', 'platforms' or 'name'"); break;
                }
            }

            if (endpoint.Host is null && endpoint.Context is null)
            {
                _errors.Add(new ValidationError(ErrorCodes.MatrixFileMissingKey, null, itemPath, "an endpoint needs a 'host' (a DOCKER_HOST value) or a 'context'."));
                continue;
            }

            endpoints.Add(endpoint);
        }

        return endpoints;
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
                    default: Unknown(p, property.Name, SecretKeys, "'id', 'src' or 'env' (secret values do not belong in a file)"); break;
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

    /// <summary>A key near 'include' or 'exclude' whose value is a list of objects: a misspelling, not an axis.</summary>
    private static bool LooksLikeMisspeltEntryList(JsonProperty property) =>
        NearestKey.Find(property.Name, EntryListKeys) is not null
        && property.Value.ValueKind == JsonValueKind.Array
        && property.Value.GetArrayLength() > 0
        && property.Value.EnumerateArray().All(v => v.ValueKind == JsonValueKind.Object);

    private List<IReadOnlyDictionary<string, MatrixValue>> ReadEntries(JsonElement array, string path, string emptyMessage)
    {
        var list = new List<IReadOnlyDictionary<string, MatrixValue>>();
        var index = 0;
        foreach (var item in array.EnumerateArray())
        {
            var itemPath = $"{path}[{index++}]";
            if (!Expect(item, itemPath, JsonValueKind.Object, "an object of parameter values"))
            {
                continue;
            }

            if (ReadProperties(item, itemPath) is { } properties)
            {
                if (properties.Count == 0)
                {
                    _errors.Add(new ValidationError(ErrorCodes.MatrixFileValueInvalid, null, itemPath, emptyMessage + "."));
                }

                list.Add(new OrderedDictionary<string, MatrixValue>(properties, StringComparer.Ordinal));
            }
        }

        return list;
    }

    private List<MatrixValue> ReadValueList(JsonElement array, string path)
    {
        var list = new List<MatrixValue>();
        var index = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (Value(item, $"{path}[{index++}]") is { } value)
            {
                list.Add(value);
            }
        }

        return list;
    }

    /// <summary>A string, number (spelling kept), boolean, or object of such values.</summary>
    private MatrixValue? Value(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return MatrixValue.String(element.GetString()!);
            case JsonValueKind.Number:
                return MatrixValue.Number(element.GetRawText());
            case JsonValueKind.True or JsonValueKind.False:
                return MatrixValue.Boolean(element.GetBoolean());
            case JsonValueKind.Object:
                if (ReadProperties(element, path) is not { } properties)
                {
                    return null;
                }

                if (properties.Count == 0)
                {
                    _errors.Add(new ValidationError(ErrorCodes.MatrixFileValueInvalid, null, path, "an object value needs at least one key."));
                    return null;
                }

                return MatrixValue.Object(properties);
            default:
                WrongType(element, path, "a string, number, boolean or object");
                return null;
        }
    }

    /// <summary>An object's values in order; <see langword="null"/> when a value is wrong or two keys differ only in case (keys ignore case, as in GitHub Actions).</summary>
    private List<KeyValuePair<string, MatrixValue>>? ReadProperties(JsonElement element, string path)
    {
        var properties = new List<KeyValuePair<string, MatrixValue>>();
        var keys = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var valid = true;
        foreach (var property in element.EnumerateObject())
        {
            var propertyPath = path + "." + property.Name;
            if (!keys.Add(property.Name))
            {
                _errors.Add(new ValidationError(ErrorCodes.MatrixFileValueInvalid, null, propertyPath, $"'{property.Name}' is given twice in this object (keys ignore case)."));
                valid = false;
            }
            else if (Value(property.Value, propertyPath) is { } value)
            {
                properties.Add(new(property.Name, value));
            }
            else
            {
                valid = false;
            }
        }

        return valid ? properties : null;
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

    private Shard? ShardValue(JsonElement element, string path)
    {
        if (String(element, path) is not { } text)
        {
            return null;
        }

        if (!Shard.TryParse(text, out var shard))
        {
            _errors.Add(new ValidationError(ErrorCodes.MatrixFileValueInvalid, null, path, $"must be a shard i/n with 1 ≤ i ≤ n (e.g. \"2/4\"), but is \"{text}\"."));
        }

        return shard;
    }

    private DockerPublishPolicy PublishPolicy(JsonElement element, string path)
    {
        var text = String(element, path);
        if (!DockerPublishPolicyText.TryParse(text, out var policy) && text is not null)
        {
            _errors.Add(new ValidationError(ErrorCodes.MatrixFileValueInvalid, null, path, $"must be \"per-leg\" or \"all-or-nothing\", but is \"{text}\"."));
        }

        return policy;
    }

    private SharedSlots? Slots(JsonElement element, string path)
    {
        if (String(element, path) is not { } text)
        {
            return null;
        }

        var slots = SharedSlots.Parse(text);
        if (slots is null)
        {
            _errors.Add(new ValidationError(ErrorCodes.MatrixFileValueInvalid, null, path, $"'{text}' is not name:N (a name of letters, digits, '.', '_' or '-', and a count of at least 1)."));
        }

        return slots;
    }

    private long? Memory(JsonElement element, string path)
    {
        if (String(element, path) is not { } text)
        {
            return null;
        }

        if (ByteSize.TryParse(text, out var bytes))
        {
            return bytes;
        }

        _errors.Add(new ValidationError(ErrorCodes.MatrixFileValueInvalid, null, path, $"'{text}' is not an amount of memory (e.g. 2GiB, 512MiB)."));
        return null;
    }

    private int? Int(JsonElement element, string path, int minimum, int maximum)
    {
        if (element.ValueKind != JsonValueKind.Number || !element.TryGetDecimal(out var number) || number != decimal.Truncate(number))
        {
            WrongType(element, path, "a whole number");
            return null;
        }

        if (number < minimum || number > maximum)
        {
            _errors.Add(new ValidationError(ErrorCodes.MatrixFileValueInvalid, null, path, $"must be between {minimum} and {maximum}, but is {element.GetRawText()}."));
            return null;
        }

        var value = (int)number;

        return value;
    }

    private TimeSpan? Duration(JsonElement element, string path, bool allowZero)
    {
        TimeSpan? duration;
        if (element.ValueKind == JsonValueKind.Number)
        {
            duration = element.TryGetDouble(out var seconds) && seconds is >= 0 and <= DurationParser.MaxSeconds ? TimeSpan.FromSeconds(seconds) : null;
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
            _errors.Add(new ValidationError(ErrorCodes.MatrixFileValueInvalid, null, path, $"{element.GetRawText()} is not a duration of at most 365 days; write seconds as a number, or text like \"90s\", \"5m\", \"1h30m\", \"500ms\"."));
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

    private void Unknown(string path, string key, IReadOnlyList<string> known, string expected)
    {
        var message = NearestKey.Find(key, known) is { } near ? $"unknown key; did you mean '{near}'? Expected {expected}." : $"unknown key; expected {expected}.";
        _errors.Add(new ValidationError(ErrorCodes.MatrixFileUnknownKey, null, path, message));
    }

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

/// <summary>Which keys a <c>build</c> block may hold: all, only the whole-file ones (beside <c>targets</c>), or only a target's own.</summary>
internal enum BuildScope
{
    /// <summary>A file without targets: build settings and run settings.</summary>
    Whole,

    /// <summary>The top-level build of a file with targets: run settings and endpoints.</summary>
    FileOfTargets,

    /// <summary>A target's build: build settings without endpoints.</summary>
    Target,
}
