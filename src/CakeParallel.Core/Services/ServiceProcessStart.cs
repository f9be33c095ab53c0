using System.Diagnostics;

namespace CakeParallel.Services;

/// <summary>Applies a service's working directory and environment to a start info (for the service and its probe commands).</summary>
internal static class ServiceProcessStart
{
    public static void Apply(ProcessStartInfo startInfo, string? workingDirectory, IReadOnlyDictionary<string, string?> environment)
    {
        if (workingDirectory is not null)
        {
            startInfo.WorkingDirectory = workingDirectory;
        }

        foreach (var (key, value) in environment)
        {
            if (value is null)
            {
                startInfo.Environment.Remove(key);
            }
            else
            {
                startInfo.Environment[key] = value;
            }
        }
    }
}
