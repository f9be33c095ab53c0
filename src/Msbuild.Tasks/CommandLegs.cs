using System.Globalization;
using Microsoft.Build.Framework;
using CakeParallel.Model;

namespace CakeParallel.MSBuild;

/// <summary>
/// Reads <see cref="ParallelExec"/>'s <c>Commands</c> items into legs. Each problem becomes a coded error naming
/// the leg (the item's identity) and the metadata at fault.
/// </summary>
internal static class CommandLegs
{
    public static IReadOnlyList<LegSpec> Read(
        IReadOnlyList<ITaskItem> commands,
        IReadOnlyDictionary<string, string?> sharedEnvironment,
        RunOptions options,
        string projectDirectory,
        List<ValidationError> errors)
    {
        var legs = new List<LegSpec>(commands.Count);
        foreach (var item in commands)
        {
            var name = item.ItemSpec;
            var before = errors.Count;
            var command = item.GetMetadata("Command");
            var executable = item.GetMetadata("Executable");
            var arguments = MSBuildEscaping.SplitList(EscapedMetadata(item, "Arguments"));
            if (command.Length > 0 && executable.Length > 0)
            {
                errors.Add(new ValidationError(ErrorCodes.SettingInvalid, name, "Command", "set either Command (run through /bin/sh -c) or Executable (with Arguments), not both."));
            }
            else if (command.Length == 0 && executable.Length == 0)
            {
                errors.Add(new ValidationError(ErrorCodes.ExecutableNotFound, name, "Command", "no command: set the Command metadata, or Executable (with Arguments)."));
            }
            else if (command.Length > 0 && arguments.Count > 0)
            {
                errors.Add(new ValidationError(ErrorCodes.SettingInvalid, name, "Arguments", "Arguments only apply with Executable; put them into the Command line instead."));
            }

            var environment = new Dictionary<string, string?>(sharedEnvironment, StringComparer.Ordinal);
            foreach (var (key, value) in EnvironmentAssignments.Parse(EscapedMetadata(item, "EnvironmentVariables"), name, "EnvironmentVariables", errors))
            {
                environment[key] = value;
            }

            var timeout = ReadInteger(item, "Timeout", name, errors);
            var maxAttempts = ReadInteger(item, "MaxAttempts", name, errors);
            var workingDirectory = item.GetMetadata("WorkingDirectory");
            var memory = AdmissionParameters.Memory(item.GetMetadata("Memory"), "Memory", errors, name);
            var needs = MSBuildEscaping.SplitList(EscapedMetadata(item, "Needs")).Select(n => n.Trim()).Where(n => n.Length > 0).ToArray();
            if (errors.Count > before)
            {
                continue;
            }

            var leg = command.Length > 0 ? LegSpec.Shell(name, command) : new LegSpec(name, executable, arguments);
            legs.Add(leg with
            {
                WorkingDirectory = Path.GetFullPath(workingDirectory.Length > 0 ? workingDirectory : ".", projectDirectory),
                EnvironmentVariables = environment,
                Timeout = timeout is { } ms ? TimeSpan.FromMilliseconds(ms) : null,
                Memory = memory,
                Retry = maxAttempts is { } attempts ? options.Retry with { MaxAttempts = attempts } : null,
                Needs = needs,
            });
        }

        return legs;
    }

    // The escaped form keeps %3B apart from the ';' that separates list elements.
    private static string EscapedMetadata(ITaskItem item, string name) =>
        item is ITaskItem2 escaped ? escaped.GetMetadataValueEscaped(name) : MSBuildEscaping.Escape(item.GetMetadata(name));

    private static int? ReadInteger(ITaskItem item, string metadata, string leg, List<ValidationError> errors)
    {
        var text = item.GetMetadata(metadata).Trim();
        if (text.Length == 0)
        {
            return null;
        }

        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        errors.Add(new ValidationError(ErrorCodes.SettingInvalid, leg, metadata, $"'{text}' is not a whole number."));
        return null;
    }
}
