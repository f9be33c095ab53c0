using System.Globalization;
using CakeParallel.Model;

namespace CakeParallel.MSBuild;

/// <summary>Reads the admission parameters and metadata (shared slots, memory amounts, the load limit) as MSBuild gives them: text.</summary>
internal static class AdmissionParameters
{
    public static SharedSlots? Slots(string? text, List<ValidationError> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var slots = Model.SharedSlots.Parse(text);
        if (slots is null)
        {
            errors.Add(new ValidationError(ErrorCodes.SharedSlotsInvalid, null, "SharedSlots", $"'{text}' is not name:N (a name of letters, digits, '.', '_' or '-', and a count of at least 1)."));
        }

        return slots;
    }

    public static long? Memory(string? text, string field, List<ValidationError> errors, string? leg = null)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (ByteSize.TryParse(text, out var bytes))
        {
            return bytes;
        }

        errors.Add(new ValidationError(ErrorCodes.AdmissionSettingInvalid, leg, field, $"'{text}' is not an amount of memory (e.g. 2GiB, 512MiB, 1.5G)."));
        return null;
    }

    public static double? Load(string? text, List<ValidationError> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var load) && load > 0)
        {
            return load;
        }

        errors.Add(new ValidationError(ErrorCodes.AdmissionSettingInvalid, null, "MaxLoad", $"'{text}' is not a positive number."));
        return null;
    }
}
