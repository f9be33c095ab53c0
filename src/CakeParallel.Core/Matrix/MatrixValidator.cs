using CakeParallel.Model;

namespace CakeParallel.Matrix;

/// <summary>Finds what makes a <see cref="MatrixDefinition"/> malformed, all problems at once.</summary>
public static class MatrixValidator
{
    /// <summary>Every problem of <paramref name="matrix"/>, each naming the field (e.g. <c>Axes[1].Values</c>); empty when it can be expanded.</summary>
    /// <param name="matrix">The matrix.</param>
    public static IReadOnlyList<ValidationError> Validate(MatrixDefinition matrix)
    {
        var errors = new List<ValidationError>();
        if (matrix.Legs.Count > 0 && (matrix.Axes.Count > 0 || matrix.Include.Count > 0 || matrix.Exclude.Count > 0))
        {
            errors.Add(Error("Legs", "an explicit list of legs cannot be combined with axes, include or exclude; give one or the other."));
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < matrix.Axes.Count; i++)
        {
            var axis = matrix.Axes[i];
            if (string.IsNullOrWhiteSpace(axis.Name))
            {
                errors.Add(Error($"Axes[{i}].Name", "an axis needs a name that is not blank."));
            }
            else if (!names.Add(axis.Name))
            {
                errors.Add(Error($"Axes[{i}].Name", $"axis '{axis.Name}' is declared twice."));
            }

            if (axis.Values.Count == 0)
            {
                errors.Add(Error($"Axes[{i}].Values", $"axis '{axis.Name}' has no values; give at least one."));
            }

            var values = new HashSet<string>(StringComparer.Ordinal);
            foreach (var value in axis.Values)
            {
                if (!values.Add(value))
                {
                    errors.Add(Error($"Axes[{i}].Values", $"axis '{axis.Name}' lists the value '{value}' twice."));
                }
            }
        }

        for (var i = 0; i < matrix.Exclude.Count; i++)
        {
            if (matrix.Exclude[i].Count == 0)
            {
                errors.Add(Error($"Exclude[{i}]", "an empty exclude would remove every combination."));
            }

            foreach (var key in matrix.Exclude[i].Keys.Where(k => !names.Contains(k)))
            {
                errors.Add(Error($"Exclude[{i}].{key}", $"'{key}' is not an axis of the matrix; exclude can only name axes."));
            }
        }

        for (var i = 0; i < matrix.Legs.Count; i++)
        {
            foreach (var key in matrix.Legs[i].Keys.Where(string.IsNullOrWhiteSpace))
            {
                errors.Add(Error($"Legs[{i}]", $"parameter name '{key}' is blank."));
            }
        }

        for (var i = 0; i < matrix.Include.Count; i++)
        {
            foreach (var key in matrix.Include[i].Keys.Where(string.IsNullOrWhiteSpace))
            {
                errors.Add(Error($"Include[{i}]", $"parameter name '{key}' is blank."));
            }
        }

        return errors;
    }

    private static ValidationError Error(string field, string message) => new(ErrorCodes.MatrixInvalid, null, field, message);
}
