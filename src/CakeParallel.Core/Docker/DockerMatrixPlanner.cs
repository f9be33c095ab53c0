using CakeParallel.Matrix;
using CakeParallel.Model;

namespace CakeParallel.Docker;

/// <summary>
/// Turns a <see cref="DockerMatrix"/> into one <see cref="LegSpec"/> per leg, each running <c>docker build</c> with an
/// argv list, after validating everything first: placeholders, context and Dockerfile, tags, duplicate tags,
/// secrets and settings. All problems are reported together, each naming the leg and the field.
/// </summary>
public static class DockerMatrixPlanner
{
    /// <summary>
    /// The legs of <paramref name="matrix"/>, in matrix order; with <see cref="DockerMatrix.Targets"/>, target by target
    /// in their order, each leg's <see cref="LegSpec.Needs"/> naming the legs it needs. With
    /// <see cref="DockerPublishPolicy.AllOrNothing"/> they push staging tags only: the final tags are written by the
    /// publish step of a run planned with <c>RunPlanner.PlanAsync</c>.
    /// </summary>
    /// <param name="matrix">The docker matrix.</param>
    /// <param name="baseDirectory">The folder relative paths are resolved against when the matrix has no <see cref="DockerMatrix.BaseDirectory"/>.</param>
    /// <exception cref="InvalidRunException">The matrix or its build settings are invalid; every problem is listed.</exception>
    public static IReadOnlyList<LegSpec> Plan(DockerMatrix matrix, string baseDirectory)
    {
        var plan = PlanLegs(matrix, baseDirectory, Guid.CreateVersion7().ToString());
        if (plan.Errors.Count > 0)
        {
            throw new InvalidRunException(plan.Errors);
        }

        return plan.Legs.Select(l => l.Spec).ToArray();
    }

    internal static DockerPlan PlanLegs(DockerMatrix matrix, string baseDirectory, string runId)
    {
        if (matrix.Targets.Count > 0)
        {
            return DockerTargetPlanner.Plan(matrix, baseDirectory, runId);
        }

        var errors = new List<ValidationError>();
        if (Prepare(matrix.Matrix, matrix.Build, matrix.MaxLegs ?? MatrixExpansion.DefaultMaxLegs, errors) is not { } prepared)
        {
            return new DockerPlan([], errors);
        }

        ValidateEndpoints(matrix.Build.Endpoints, errors);

        var parameters = prepared.Parameters;
        var names = NameLegs(parameters, prepared.Templates.LegName, errors);
        var root = Path.GetFullPath(matrix.BaseDirectory ?? baseDirectory);
        var iidPrefix = NewIidPrefix();
        var legs = new List<DockerLeg>(parameters.Count);
        var tagOwners = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < parameters.Count; i++)
        {
            var id = parameters[i].Count > 0 ? LegId.FromParameters(parameters[i]) : LegId.FromName(names[i]);
            var placeholders = new LegPlaceholders(parameters[i], []);
            if (BuildLeg(matrix, prepared.Templates, names[i], id, parameters[i], placeholders, [], root, iidPrefix, runId, tagOwners, errors).Leg is { } leg)
            {
                legs.Add(leg);
            }
        }

        CreateIidFolder(iidPrefix, errors);
        return new DockerPlan(legs, errors);
    }

    /// <summary>
    /// Checks and expands <paramref name="definition"/> and parses <paramref name="build"/>'s templates; <see langword="null"/>
    /// when that fails (the problems are in <paramref name="errors"/>, and nothing after them would say more).
    /// </summary>
    internal static PreparedMatrix? Prepare(MatrixDefinition definition, DockerBuildSettings build, int maxLegs, List<ValidationError> errors)
    {
        var matrixErrors = MatrixValidator.Validate(definition);
        if (matrixErrors.Count > 0)
        {
            errors.AddRange(matrixErrors);
            return null;
        }

        if (MatrixExpansion.CheckSize(definition, maxLegs) is { } tooLarge)
        {
            errors.Add(tooLarge);
            return null;
        }

        var parameters = MatrixExpansion.Expand(definition, maxLegs);
        if (parameters.Count == 0)
        {
            errors.Add(new ValidationError(ErrorCodes.MatrixEmpty, null, "matrix", "the matrix expands to no legs (no axes and no legs, or every combination excluded)."));
            return null;
        }

        var templateErrors = new List<ValidationError>();
        var templates = new BuildTemplates(build, templateErrors);
        if (templateErrors.Count > 0)
        {
            errors.AddRange(templateErrors);
            return null;
        }

        return new PreparedMatrix(parameters, templates);
    }

    /// <summary>One shared folder for the image id files, each file prefixed per plan: the inspector deletes each file after reading, leaving nothing behind.</summary>
    internal static string NewIidPrefix() => Path.Combine(Path.GetTempPath(), "cakeparallel", "iid", Guid.NewGuid().ToString("N")[..12]);

    internal static void CreateIidFolder(string iidPrefix, List<ValidationError> errors)
    {
        if (errors.Count == 0)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(iidPrefix)!);
        }
    }

    /// <summary>
    /// Builds one leg's spec (its <see cref="LegSpec.Needs"/> being <paramref name="needs"/>, the needed legs' ids), checks
    /// its tags against every tag written so far, and returns the leg, or <see langword="null"/> when it is invalid,
    /// with the tags it writes either way.
    /// </summary>
    internal static (DockerLeg? Leg, IReadOnlyList<string> Tags) BuildLeg(
        DockerMatrix matrix,
        BuildTemplates templates,
        string name,
        string id,
        IReadOnlyDictionary<string, string> parameters,
        LegPlaceholders placeholders,
        IReadOnlyList<string> needs,
        string root,
        string iidPrefix,
        string runId,
        Dictionary<string, string> tagOwners,
        List<ValidationError> errors)
    {
        var builder = new DockerLegBuilder(name, id, parameters, placeholders, matrix, templates, root, errors);
        var built = builder.Build(iidPrefix, runId);
        foreach (var (field, tag) in builder.Tags)
        {
            if (!tagOwners.TryAdd(tag, name))
            {
                errors.Add(new ValidationError(ErrorCodes.DockerTagDuplicate, name, field, $"tag '{tag}' is also written by leg '{tagOwners[tag]}'; put an axis placeholder in the tag so each leg writes its own."));
            }
        }

        var tags = builder.Tags.Select(t => t.Tag).ToArray();
        if (built is null)
        {
            return (null, tags);
        }

        var planned = built.Spec with { Memory = matrix.Memory, Needs = needs };
        var spec = builder.BindArguments is { } bind ? planned with { BindNeeds = results => planned with { Arguments = bind(results) } } : planned;
        return (built with { Spec = spec }, tags);
    }

    internal static void ValidateEndpoints(IReadOnlyList<DockerEngineEndpoint> endpoints, List<ValidationError> errors)
    {
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < endpoints.Count; i++)
        {
            var endpoint = endpoints[i];
            var field = $"build.endpoints[{i}]";
            if (string.IsNullOrWhiteSpace(endpoint.Host) == string.IsNullOrWhiteSpace(endpoint.Context))
            {
                errors.Add(new ValidationError(ErrorCodes.DockerSettingInvalid, null, field, "an endpoint needs exactly one of host (a DOCKER_HOST value) and context."));
            }

            if (endpoint.MaxParallel < 1)
            {
                errors.Add(new ValidationError(ErrorCodes.DockerSettingInvalid, null, field + ".maxParallel", $"maxParallel is {endpoint.MaxParallel}; an endpoint runs at least 1 leg at once."));
            }

            if (!names.TryAdd(endpoint.DisplayName, i))
            {
                errors.Add(new ValidationError(ErrorCodes.DockerSettingInvalid, null, field + ".name", $"endpoints {names[endpoint.DisplayName] + 1} and {i + 1} are both named '{endpoint.DisplayName}'; give each a name of its own."));
            }
        }
    }

    internal static string[] NameLegs(IReadOnlyList<IReadOnlyDictionary<string, string>> parameters, ParameterTemplate? template, List<ValidationError> errors)
    {
        if (template is null)
        {
            return [.. MatrixLegNames.For(parameters, null)];
        }

        var names = new string[parameters.Count];
        for (var i = 0; i < parameters.Count; i++)
        {
            var unknown = template.UnknownPlaceholders(parameters[i]).ToArray();
            if (unknown.Length > 0)
            {
                names[i] = MatrixLegNames.Default(parameters[i]);
                errors.Add(BuildTemplates.Unknown(names[i], "build.legName", unknown, parameters[i]));
            }
            else
            {
                names[i] = template.Render(parameters[i]);
            }
        }

        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < names.Length; i++)
        {
            if (!seen.TryAdd(names[i], i))
            {
                errors.Add(new ValidationError(ErrorCodes.DuplicateLegName, names[i], "build.legName", $"legs {seen[names[i]] + 1} and {i + 1} are both named '{names[i]}' by the template '{template.Text}'; use more placeholders."));
            }
        }

        return names;
    }
}

/// <summary>A matrix expanded into each leg's parameters, and the build templates parsed once for all of them.</summary>
internal sealed record PreparedMatrix(IReadOnlyList<IReadOnlyDictionary<string, string>> Parameters, BuildTemplates Templates);

/// <summary>The planned legs of a docker matrix, or the problems that keep it from running.</summary>
internal sealed record DockerPlan(IReadOnlyList<DockerLeg> Legs, IReadOnlyList<ValidationError> Errors);

/// <summary>A planned docker build leg: the engine's spec, where its daemon is, and what its result should report.</summary>
internal sealed record DockerLeg(LegSpec Spec, DockerEndpoint Endpoint, IReadOnlyList<string> Tags);
