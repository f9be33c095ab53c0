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

        // Keys match axes regardless of case (as in GitHub Actions), so two axes may not differ only in case.
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < matrix.Axes.Count; i++)
        {
            var axis = matrix.Axes[i];
            if (string.IsNullOrWhiteSpace(axis.Name))
            {
                errors.Add(Error($"Axes[{i}].Name", "an axis needs a name that is not blank."));
            }
            else if (!names.Add(axis.Name))
            {
                errors.Add(Error($"Axes[{i}].Name", $"axis '{axis.Name}' is declared twice (axis names ignore case)."));
            }

            if (axis.Values.Count == 0)
            {
                errors.Add(Error($"Axes[{i}].Values", $"axis '{axis.Name}' has no values; give at least one."));
            }

            var values = new HashSet<MatrixValue>();
            foreach (var value in axis.Values)
            {
                if (!values.Add(value))
                {
                    errors.Add(Error($"Axes[{i}].Values", $"axis '{axis.Name}' lists the value '{value}' twice."));
                }
                else if (value.Kind == MatrixValueKind.Object && value.Properties.Count == 0)
                {
                    errors.Add(Error($"Axes[{i}].Values", $"axis '{axis.Name}' has an object value without keys; give it at least one."));
                }
            }
        }

        for (var i = 0; i < matrix.Exclude.Count; i++)
        {
            if (matrix.Exclude[i].Count == 0)
            {
                errors.Add(Error($"Exclude[{i}]", "an empty exclude would remove every combination (GitHub: \"Matrix exclude filter must not be empty\")."));
            }

            foreach (var key in matrix.Exclude[i].Keys.Where(k => !names.Contains(k)))
            {
                errors.Add(Error($"Exclude[{i}].{key}", $"'{key}' is not an axis of the matrix; exclude can only name axes{NearestKey.Suggestion(key, names)}."));
            }

            KeysDistinctIgnoringCase(matrix.Exclude[i], $"Exclude[{i}]", errors);
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
            if (matrix.Include[i].Count == 0)
            {
                errors.Add(Error($"Include[{i}]", "an empty include adds nothing (GitHub: \"Matrix include mapping does not contain any values\")."));
            }

            foreach (var key in matrix.Include[i].Keys.Where(string.IsNullOrWhiteSpace))
            {
                errors.Add(Error($"Include[{i}]", $"parameter name '{key}' is blank."));
            }

            KeysDistinctIgnoringCase(matrix.Include[i], $"Include[{i}]", errors);
        }

        return errors;
    }

    private static void KeysDistinctIgnoringCase(IReadOnlyDictionary<string, MatrixValue> entry, string field, List<ValidationError> errors)
    {
        var keys = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var key in entry.Keys.Where(k => !keys.Add(k)))
        {
            errors.Add(Error($"{field}.{key}", $"'{key}' is given twice (keys ignore case)."));
        }
    }

    private static ValidationError Error(string field, string message) => new(ErrorCodes.MatrixInvalid, null, field, message);
}
