using CakeParallel.Matrix;
using CakeParallel.Model;

namespace CakeParallel.Docker;

/// <summary>
/// Renders one leg's build settings from its parameters (and its needed legs' outputs), validates them (reporting
/// every problem with the leg's name and the field) and assembles the <c>docker build</c> argv.
/// </summary>
internal sealed class DockerLegBuilder(
    string name,
    string id,
    IReadOnlyDictionary<string, string> parameters,
    LegPlaceholders placeholders,
    DockerMatrix matrix,
    BuildTemplates templates,
    string root,
    List<ValidationError> errors)
{
    private const string SecretVariablePrefix = "CAKEPARALLEL_SECRET_";

    /// <summary>The start of every staging tag of an all-or-nothing publish: <c>cakeparallel-staging-&lt;run&gt;-&lt;leg&gt;</c>.</summary>
    public const string StagingTagPrefix = "cakeparallel-staging-";

    private readonly DockerBuildSettings _build = matrix.Build;

    // The argv elements that hold a needed leg's image id, filled when the leg starts.
    private readonly List<(int Index, string Prefix, ParameterTemplate Template)> _boundAtStart = [];

    /// <summary>The leg's rendered tags with their fields, known after <see cref="Build"/> even when the leg is invalid; invalid tags are left out.</summary>
    public IReadOnlyList<(string Field, string Tag)> Tags { get; private set; } = [];

    /// <summary>The leg's argv with the needed legs' image ids filled in from their results, or <see langword="null"/> when it uses none.</summary>
    public Func<IReadOnlyList<LegResult>, IReadOnlyList<string>>? BindArguments { get; private set; }

    /// <summary>Plans the leg, or returns <see langword="null"/> after adding its problems to the errors.</summary>
    /// <param name="iidPrefix">The path prefix of the leg's <c>--iidfile</c>.</param>
    /// <param name="runId">The run's id, which names the staging tags of an all-or-nothing publish.</param>
    public DockerLeg? Build(string iidPrefix, string runId)
    {
        var before = errors.Count;
        var environment = RenderEnvironment();
        var context = Path.GetFullPath(Render(templates.Context) ?? ".", root);
        if (!Directory.Exists(context))
        {
            Error(ErrorCodes.DockerContextNotFound, templates.Context.Field, $"build context directory '{context}' does not exist.");
        }

        var dockerfile = Render(templates.Dockerfile) is { } file ? Path.GetFullPath(file, root) : Path.Combine(context, "Dockerfile");
        if (!File.Exists(dockerfile))
        {
            Error(ErrorCodes.DockerfileNotFound, templates.Dockerfile?.Field ?? "build.dockerfile", $"Dockerfile '{dockerfile}' does not exist.");
        }

        var tags = templates.Tags.Select(t => (Field: t.Field, Value: Render(t))).ToArray();
        Tags = tags.Where(t => t.Value is not null && DockerReference.Problem(t.Value) is null).Select(t => (t.Field, t.Value!)).ToArray();
        foreach (var (field, tag) in tags)
        {
            if (tag is not null && DockerReference.Problem(tag) is { } problem)
            {
                Error(ErrorCodes.DockerTagInvalid, field, problem);
            }
        }

        var executable = Render(templates.DockerExecutable) ?? "docker";
        executable = executable.Contains('/') ? Path.GetFullPath(executable, root) : executable;
        var host = Render(templates.DockerHost);
        var dockerContext = Render(templates.DockerContext);
        if (host is not null && dockerContext is not null)
        {
            Error(ErrorCodes.DockerSettingInvalid, "build.dockerContext", "give either dockerHost or dockerContext, not both (docker refuses the combination).");
        }

        if (_build.Endpoints.Count > 0 && (host is not null || dockerContext is not null))
        {
            Error(ErrorCodes.DockerSettingInvalid, host is not null ? "build.dockerHost" : "build.dockerContext", "give either endpoints or dockerHost/dockerContext, not both (each endpoint says where its engine is).");
        }

        if (host is not null)
        {
            environment["DOCKER_HOST"] = host;
        }

        if (_build.Push && tags.Length == 0)
        {
            Error(ErrorCodes.DockerSettingInvalid, "build.push", "push needs at least one tag to push.");
        }

        if (_build.BuildKit is { } buildKit)
        {
            environment["DOCKER_BUILDKIT"] = buildKit ? "1" : "0";
        }

        var arguments = new List<string> { "build" };
        if (dockerContext is not null)
        {
            arguments.InsertRange(0, ["--context", dockerContext]);
        }

        arguments.AddRange(["--file", dockerfile]);
        AddOption(arguments, "--target", Render(templates.Target));
        var platform = Render(templates.Platform);
        AddOption(arguments, "--platform", platform);
        foreach (var (argName, value, template) in BuildArgs())
        {
            arguments.Add("--build-arg");
            AddBoundAtStart(arguments, argName + "=", value, template);
        }

        foreach (var (_, tag) in tags)
        {
            AddOption(arguments, "--tag", tag);
        }

        // The docker client pushes only by tag: an all-or-nothing publish stages each repository's image under a
        // tag of this run and leg, and writes the final tags only after every leg succeeded.
        var stagingTags = _build.Push && _build.Publish == DockerPublishPolicy.AllOrNothing
            ? Tags.Select(t => DockerReference.Repository(t.Tag)).Distinct(StringComparer.Ordinal).Select(r => $"{r}:{StagingTagPrefix}{runId}-{id}").ToArray()
            : [];
        foreach (var tag in stagingTags)
        {
            arguments.AddRange(["--tag", tag]);
        }

        foreach (var (key, value, template) in Labels())
        {
            arguments.Add("--label");
            AddBoundAtStart(arguments, key + "=", value, template);
        }

        foreach (var cache in templates.CacheFrom)
        {
            AddOption(arguments, "--cache-from", Render(cache));
        }

        foreach (var cache in templates.CacheTo)
        {
            AddOption(arguments, "--cache-to", Render(cache));
        }

        if (_build.NoCache)
        {
            arguments.Add("--no-cache");
        }

        if (_build.Pull)
        {
            arguments.Add("--pull");
        }

        AddOption(arguments, "--network", Render(templates.Network));
        var secretValues = new List<string>();
        for (var i = 0; i < templates.Secrets.Count; i++)
        {
            AddOption(arguments, "--secret", Secret(i, environment, secretValues));
        }

        var iidFile = $"{iidPrefix}-{id}.iid";
        var labelledDockerfile = $"{iidPrefix}-{id}.Dockerfile";
        arguments.AddRange(["--iidfile", iidFile]);
        foreach (var extra in templates.ExtraArguments)
        {
            if (Render(extra, bindable: true) is { } value)
            {
                AddBoundAtStart(arguments, "", value, extra.Template);
            }
        }

        arguments.Add(context);
        if (errors.Count > before)
        {
            return null;
        }

        var endpoint = new DockerEndpoint(executable, environment, dockerContext)
        {
            HostSetting = host is null ? "build.environment.DOCKER_HOST" : "build.dockerHost",
        };
        var tagList = tags.Select(t => t.Value!).ToArray();
        var engines = _build.Endpoints.GroupBy(e => e.DisplayName, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().ClientFor(executable, environment), StringComparer.Ordinal);
        var spec = new LegSpec(name, executable, arguments)
        {
            Id = id,
            WorkingDirectory = root,
            EnvironmentVariables = environment,
            Parameters = parameters,
            SecretValues = secretValues,
            FailureClassifier = DockerFailureClassifier.Instance,
            Retry = matrix.EffectiveRetry,
            Inspector = new DockerLegInspector(endpoint, engines, iidFile, tagList, _build) { StagingTags = stagingTags, LabelledDockerfileCopy = labelledDockerfile },
            UpToDateCheck = new DockerUpToDateCheck(endpoint, engines, tagList, _build) { LabelledDockerfileCopy = labelledDockerfile },
            Platform = platform,
            FollowUpArguments = _build.Push ? (stagingTags.Length > 0 ? stagingTags : tagList).Select(t => (IReadOnlyList<string>)[.. endpoint.GlobalArguments, "push", t]).ToArray() : [],
        };
        if (_boundAtStart.Count > 0)
        {
            var planned = arguments.ToArray();
            BindArguments = results =>
            {
                var bound = (string[])planned.Clone();
                foreach (var (index, prefix, template) in _boundAtStart)
                {
                    bound[index] = prefix + placeholders.Bind(template, results);
                }

                return bound;
            };
        }

        return new DockerLeg(spec, endpoint, tagList);
    }

    private Dictionary<string, string?> RenderEnvironment()
    {
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (key, value) in templates.Environment)
        {
            if (string.IsNullOrWhiteSpace(key) || key.Contains('='))
            {
                Error(ErrorCodes.DockerSettingInvalid, $"build.environment.{key}", $"'{key}' is not a valid environment variable name.");
                continue;
            }

            environment[key] = value is null ? null : Render(value);
        }

        return environment;
    }

    private List<(string Name, string Value, ParameterTemplate? Template)> BuildArgs()
    {
        var args = new List<(string Name, string Value, ParameterTemplate? Template)>();
        var explicitNames = new HashSet<string>(templates.BuildArgs.Select(a => a.Name), StringComparer.Ordinal);
        if (_build.PassAxesAsBuildArgs)
        {
            // An object value's path (node.version) cannot be referenced in a Dockerfile, so its build arg is node_version.
            var parameterArgs = parameters.Select(p => (Name: p.Key.Replace('.', '_'), p.Key, p.Value)).Where(a => !explicitNames.Contains(a.Name)).ToArray();
            foreach (var clash in parameterArgs.GroupBy(a => a.Name, StringComparer.Ordinal).Where(g => g.Count() > 1))
            {
                Error(ErrorCodes.DockerSettingInvalid, "build.passAxesAsBuildArgs", $"parameters {string.Join(" and ", clash.Select(a => $"'{a.Key}'"))} would both be build arg '{clash.Key}'; rename one, or set that build arg explicitly.");
            }

            args.AddRange(parameterArgs.Select(a => (a.Name, a.Value, (ParameterTemplate?)null)));
        }

        foreach (var (argName, template) in templates.BuildArgs)
        {
            if (string.IsNullOrWhiteSpace(argName) || argName.Contains('=') || argName.Any(char.IsWhiteSpace))
            {
                Error(ErrorCodes.DockerSettingInvalid, template.Field, $"'{argName}' is not a valid build arg name (no blanks, no '=').");
            }
            else if (Render(template, bindable: true) is { } value)
            {
                args.Add((argName, value, template.Template));
            }
        }

        return args;
    }

    private List<(string Key, string Value, ParameterTemplate? Template)> Labels()
    {
        var labels = new List<(string Key, string Value, ParameterTemplate? Template)>();
        foreach (var (key, template) in templates.Labels)
        {
            if (string.IsNullOrWhiteSpace(key) || key.Contains('='))
            {
                Error(ErrorCodes.DockerSettingInvalid, template.Field, $"'{key}' is not a valid label key (no blanks, no '=').");
            }
            else if (key == DockerLabels.Leg)
            {
                Error(ErrorCodes.DockerSettingInvalid, template.Field, $"'{DockerLabels.Leg}' is set by CakeParallel to the leg's id.");
            }
            else if (key == DockerLabels.InputsHash)
            {
                Error(ErrorCodes.DockerSettingInvalid, template.Field, $"'{DockerLabels.InputsHash}' is set by CakeParallel to the leg's inputs hash.");
            }
            else if (Render(template, bindable: true) is { } value)
            {
                labels.Add((key, value, template.Template));
            }
        }

        labels.Add((DockerLabels.Leg, id, null));
        return labels;
    }

    private string? Secret(int index, Dictionary<string, string?> environment, List<string> secretValues)
    {
        var (secret, sourceTemplate, environmentTemplate) = templates.Secrets[index];
        var field = $"build.secrets[{index}]";
        if (string.IsNullOrWhiteSpace(secret.Id) || secret.Id.Contains(','))
        {
            Error(ErrorCodes.DockerSettingInvalid, field + ".id", $"'{secret.Id}' is not a valid secret id (not blank, no ',').");
            return null;
        }

        if (_build.BuildKit == false)
        {
            Error(ErrorCodes.DockerSettingInvalid, field, "build secrets need BuildKit, but buildKit is off.");
        }

        var sources = (secret.Source is null ? 0 : 1) + (secret.Environment is null ? 0 : 1) + (secret.Value is null ? 0 : 1);
        if (sources != 1)
        {
            Error(ErrorCodes.DockerSettingInvalid, field, $"secret '{secret.Id}' needs exactly one of src, env and value, but has {sources}.");
            return null;
        }

        if (secret.Value is not null)
        {
            // The value travels in the client's environment, never in argv, where ps(1) would show it.
            var variable = SecretVariablePrefix + index;
            environment[variable] = secret.Value;
            AddSecretValue(secret.Value, secretValues);
            return $"id={secret.Id},env={variable}";
        }

        if (Render(sourceTemplate) is { } source)
        {
            var path = Path.GetFullPath(source, root);
            if (!File.Exists(path))
            {
                Error(ErrorCodes.DockerSecretUnavailable, field + ".src", $"secret file '{path}' does not exist.");
                return null;
            }

            AddSecretValue(ReadSecretFile(path), secretValues);
            return $"id={secret.Id},src={path}";
        }

        if (Render(environmentTemplate) is { } variableName)
        {
            var value = environment.TryGetValue(variableName, out var overridden) ? overridden : System.Environment.GetEnvironmentVariable(variableName);
            if (value is null)
            {
                Error(ErrorCodes.DockerSecretUnavailable, field + ".env", $"environment variable '{variableName}' is not set.");
                return null;
            }

            AddSecretValue(value, secretValues);
            return $"id={secret.Id},env={variableName}";
        }

        return null;
    }

    private static string ReadSecretFile(string path)
    {
        using var reader = new StreamReader(path);
        var buffer = new char[64 * 1024];
        var read = reader.ReadBlock(buffer, 0, buffer.Length);
        return new string(buffer, 0, read);
    }

    private static void AddSecretValue(string value, List<string> secretValues)
    {
        // Output is masked line by line, so a multi-line secret is masked by its lines too; very short lines are
        // left alone, since masking every "}" of a JSON key file would garble the log without protecting anything.
        foreach (var candidate in new[] { value, value.Trim() }.Concat(value.Split('\n').Select(l => l.Trim()).Where(l => l.Length >= 6)))
        {
            if (candidate.Length > 0 && !secretValues.Contains(candidate))
            {
                secretValues.Add(candidate);
            }
        }
    }

    private static void AddOption(List<string> arguments, string option, string? value)
    {
        if (value is not null)
        {
            arguments.AddRange([option, value]);
        }
    }

    /// <summary>Appends <paramref name="prefix"/> + <paramref name="value"/>, remembering it for binding when its template uses a needed leg's image id.</summary>
    private void AddBoundAtStart(List<string> arguments, string prefix, string value, ParameterTemplate? template)
    {
        if (template is not null && placeholders.IsBoundAtStart(template))
        {
            _boundAtStart.Add((arguments.Count, prefix, template));
        }

        arguments.Add(prefix + value);
    }

    /// <summary>The field rendered for this leg; <paramref name="bindable"/>: it may use values bound when the leg starts.</summary>
    private string? Render(TemplatedField? field, bool bindable = false)
    {
        if (field is null)
        {
            return null;
        }

        if (placeholders.Problem(field.Template, bindable) is { } problem)
        {
            Error(ErrorCodes.PlaceholderUnknown, field.Field, problem);
            return null;
        }

        var unknown = field.Template.UnknownPlaceholders(placeholders.Values).ToArray();
        if (unknown.Length > 0)
        {
            errors.Add(BuildTemplates.Unknown(name, field.Field, unknown, placeholders.Values));
            return null;
        }

        return field.Template.Render(placeholders.Values);
    }

    private void Error(string code, string field, string message) => errors.Add(new ValidationError(code, name, field, message));
}
