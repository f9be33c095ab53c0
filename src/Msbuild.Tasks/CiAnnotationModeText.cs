using CakeParallel.Model;

namespace CakeParallel.MSBuild;

/// <summary>Reads the <c>CiAnnotations</c> task parameter: a <see cref="CiAnnotationMode"/> name, in any case.</summary>
internal static class CiAnnotationModeText
{
    /// <summary>The mode <paramref name="text"/> names; <see cref="CiAnnotationMode.Auto"/> when it is empty or, with an error added, when it names none.</summary>
    public static CiAnnotationMode Parse(string? text, string field, List<ValidationError> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return CiAnnotationMode.Auto;
        }

        // Names only: Enum.TryParse would also take "2" or "Off,TeamCity".
        var name = Enum.GetNames<CiAnnotationMode>().FirstOrDefault(n => string.Equals(n, text.Trim(), StringComparison.OrdinalIgnoreCase));
        if (name is not null)
        {
            return Enum.Parse<CiAnnotationMode>(name);
        }

        errors.Add(new ValidationError(
            ErrorCodes.AnnotationModeInvalid,
            null,
            field,
            $"'{text}' is not an annotation mode; use one of {string.Join(", ", Enum.GetNames<CiAnnotationMode>())}."));
        return CiAnnotationMode.Auto;
    }
}
