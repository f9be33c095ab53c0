using CakeParallel.Model;

namespace CakeParallel.MSBuild;

/// <summary>Parses <c>NAME=value</c> lists like <c>Exec</c>'s <c>EnvironmentVariables</c> (<c>A=1;B=2</c>; <c>%3B</c> for a literal <c>;</c>).</summary>
internal static class EnvironmentAssignments
{
    /// <summary>The assignments in order; an element without <c>=</c> or with an empty name is reported in <paramref name="errors"/>.</summary>
    /// <param name="escapedList">The escaped MSBuild list.</param>
    /// <param name="leg">The leg the list belongs to, or <see langword="null"/> for the task parameter.</param>
    /// <param name="field">The metadata or parameter name, for errors.</param>
    /// <param name="errors">Receives the problems found.</param>
    public static IReadOnlyList<KeyValuePair<string, string?>> Parse(string escapedList, string? leg, string field, List<ValidationError> errors)
    {
        var assignments = new List<KeyValuePair<string, string?>>();
        foreach (var element in MSBuildEscaping.SplitList(escapedList))
        {
            var equals = element.IndexOf('=');
            if (equals <= 0)
            {
                errors.Add(new ValidationError(ErrorCodes.SettingInvalid, leg, field, $"'{element}' is not NAME=value."));
                continue;
            }

            assignments.Add(new(element[..equals], element[(equals + 1)..]));
        }

        return assignments;
    }
}
