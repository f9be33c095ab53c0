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
    /// The legs of <paramref name="matrix"/>, in matrix order. With <see cref="DockerPublishPolicy.AllOrNothing"/> they
    /// push staging tags only: the final tags are written by the publish step of a run planned with <c>RunPlanner.PlanAsync</c>.
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
        var matrixErrors = MatrixValidator.Validate(matrix.Matrix);
        if (matrixErrors.Count > 0)
        {
            return new DockerPlan([], matrixErrors);
        }

        if (MatrixExpansion.CheckSize(matrix.Matrix, matrix.MaxLegs ?? MatrixExpansion.DefaultMaxLegs) is { } tooLarge)
        {
            return new DockerPlan([], [tooLarge]);
        }

        var parameters = MatrixExpansion.Expand(matrix.Matrix, matrix.MaxLegs ?? MatrixExpansion.DefaultMaxLegs);
        if (parameters.Count == 0)
        {
            return new DockerPlan([], [new ValidationError(ErrorCodes.MatrixEmpty, null, "matrix", "the matrix expands to no legs (no axes and no legs, or every combination excluded).")]);
        }

        var errors = new List<ValidationError>();
        var templates = new BuildTemplates(matrix.Build, errors);
        if (errors.Count > 0)
        {
            return new DockerPlan([], errors);
        }

        ValidateEndpoints(matrix.Build.Endpoints, errors);

        var names = NameLegs(parameters, templates.LegName, errors);
        var root = Path.GetFullPath(matrix.BaseDirectory ?? baseDirectory);
        // One shared folder, files prefixed per plan: the inspector deletes each file after reading, leaving nothing behind.
        var iidPrefix = Path.Combine(Path.GetTempPath(), "cakeparallel", "iid", Guid.NewGuid().ToString("N")[..12]);
        var legs = new List<DockerLeg>(parameters.Count);
        var tagOwners = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < parameters.Count; i++)
        {
            var builder = new DockerLegBuilder(names[i], parameters[i], matrix, templates, root, errors);
            var leg = builder.Build(iidPrefix, runId) is { } built ? built with { Spec = built.Spec with { Memory = matrix.Memory } } : null;
            foreach (var (field, tag) in builder.Tags)
            {
                if (!tagOwners.TryAdd(tag, names[i]))
                {
                    errors.Add(new ValidationError(ErrorCodes.DockerTagDuplicate, names[i], field, $"tag '{tag}' is also written by leg '{tagOwners[tag]}'; put an axis placeholder in the tag so each leg writes its own."));
                }
            }

            if (leg is null)
            {
                continue;
            }

            legs.Add(leg);
        }

        if (errors.Count == 0)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(iidPrefix)!);
        }

        return new DockerPlan(legs, errors);
    }

    private static void ValidateEndpoints(IReadOnlyList<DockerEngineEndpoint> endpoints, List<ValidationError> errors)
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

    private static string[] NameLegs(IReadOnlyList<IReadOnlyDictionary<string, string>> parameters, ParameterTemplate? template, List<ValidationError> errors)
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

/// <summary>The planned legs of a docker matrix, or the problems that keep it from running.</summary>
internal sealed record DockerPlan(IReadOnlyList<DockerLeg> Legs, IReadOnlyList<ValidationError> Errors);

/// <summary>A planned docker build leg: the engine's spec, where its daemon is, and what its result should report.</summary>
internal sealed record DockerLeg(LegSpec Spec, DockerEndpoint Endpoint, IReadOnlyList<string> Tags);
