using System.Text.RegularExpressions;
using CakeParallel.Model;
using CakeParallel.Supervision;

namespace CakeParallel.Services;

/// <summary>
/// Checks services before any of them starts and reports every problem at once. Errors name the service and the
/// field in <see cref="ValidationError.Field"/>, e.g. <c>Services['registry'].Probes[0].Url</c>.
/// </summary>
public static class ServiceValidator
{
    /// <summary>Every problem in <paramref name="services"/>; empty when they can start.</summary>
    /// <param name="services">The services.</param>
    public static IReadOnlyList<ValidationError> Validate(IReadOnlyList<ServiceSpec> services)
    {
        var errors = new List<ValidationError>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < services.Count; i++)
        {
            ValidateService(services[i], i, names, errors);
        }

        return errors;
    }

    private static void ValidateService(ServiceSpec service, int index, HashSet<string> names, List<ValidationError> errors)
    {
        var at = string.IsNullOrWhiteSpace(service.Name) ? $"Services[{index}]" : $"Services['{service.Name}']";
        void Add(string code, string field, string message) => errors.Add(new ValidationError(code, null, at + "." + field, message));

        if (string.IsNullOrWhiteSpace(service.Name))
        {
            Add(ErrorCodes.LegNameEmpty, "Name", "a service needs a name that is not blank.");
        }
        else if (!names.Add(service.Name))
        {
            Add(ErrorCodes.ServiceNameDuplicate, "Name", $"another service is also named '{service.Name}'; service names must be unique.");
        }

        var directoryOk = true;
        if (service.WorkingDirectory is not null && !Directory.Exists(service.WorkingDirectory))
        {
            directoryOk = false;
            Add(ErrorCodes.WorkingDirectoryNotFound, "WorkingDirectory", $"directory '{service.WorkingDirectory}' does not exist.");
        }

        if (string.IsNullOrWhiteSpace(service.Executable))
        {
            Add(ErrorCodes.ExecutableNotFound, "Executable", "no executable given.");
        }
        else if (directoryOk && ExecutableLocator.Find(service.Executable, service.WorkingDirectory, service.EnvironmentVariables) is null)
        {
            var where = service.Executable.Contains('/') ? "does not exist or is not executable" : "was not found on PATH";
            Add(ErrorCodes.ExecutableNotFound, "Executable", $"'{service.Executable}' {where}.");
        }

        CheckPositive(service.ProbeInterval, "ProbeInterval", Add);
        CheckPositive(service.ProbeTimeout, "ProbeTimeout", Add);
        CheckPositive(service.ReadinessTimeout, "ReadinessTimeout", Add);
        if (service.OutputTailLines < 1)
        {
            Add(ErrorCodes.SettingInvalid, "OutputTailLines", $"must be at least 1, but is {service.OutputTailLines}.");
        }

        if (service.MaxLogBytes < 1024 * 1024)
        {
            Add(ErrorCodes.SettingInvalid, "MaxLogBytes", $"must be at least 1 MB (1048576 bytes), but is {service.MaxLogBytes}.");
        }

        if (service.HealthCheckInterval is { } healthInterval)
        {
            CheckPositive(healthInterval, "HealthCheckInterval", Add);
        }

        if (service.HealthCheckFailures < 1)
        {
            Add(ErrorCodes.SettingInvalid, "HealthCheckFailures", $"must be at least 1, but is {service.HealthCheckFailures}.");
        }

        ValidateTermination(service.Termination, Add);
        for (var i = 0; i < service.Probes.Count; i++)
        {
            var probe = service.Probes[i];
            var field = $"Probes[{i}]";
            if (probe is null)
            {
                Add(ErrorCodes.SettingInvalid, field, "is null.");
                continue;
            }

            if (probe.Timeout is { } timeout)
            {
                CheckPositive(timeout, field + ".Timeout", Add);
            }

            foreach (var (code, probeField, message) in ProbeProblems(probe, service))
            {
                Add(code, field + "." + probeField, message);
            }
        }
    }

    /// <summary>Problems with a probe's settings, each with the field (relative to the probe) at fault.</summary>
    private static IEnumerable<(string Code, string Field, string Message)> ProbeProblems(ReadinessProbe probe, ServiceSpec service)
    {
        switch (probe)
        {
            case HttpProbe http:
                if (!Uri.TryCreate(http.Url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
                {
                    yield return (ErrorCodes.ServiceProbeInvalid, "Url", $"'{http.Url}' is not an absolute http:// or https:// URL.");
                }

                if (http.ExpectedStatus is { } status && status is < 100 or > 599)
                {
                    yield return (ErrorCodes.ServiceProbeInvalid, "ExpectedStatus", $"must be an HTTP status between 100 and 599, but is {status}.");
                }

                break;
            case TcpProbe tcp:
                if (string.IsNullOrWhiteSpace(tcp.Host))
                {
                    yield return (ErrorCodes.ServiceProbeInvalid, "Host", "no host given.");
                }

                if (tcp.Port is < 1 or > 65535)
                {
                    yield return (ErrorCodes.ServiceProbeInvalid, "Port", $"must be between 1 and 65535, but is {tcp.Port}.");
                }

                break;
            case CommandProbe command:
                if (string.IsNullOrWhiteSpace(command.Executable))
                {
                    yield return (ErrorCodes.ExecutableNotFound, "Executable", "no executable given.");
                }
                else if (ExecutableLocator.Find(command.Executable, service.WorkingDirectory, service.EnvironmentVariables) is null)
                {
                    var where = command.Executable.Contains('/') ? "does not exist or is not executable" : "was not found on PATH";
                    yield return (ErrorCodes.ExecutableNotFound, "Executable", $"'{command.Executable}' {where}.");
                }

                break;
            case OutputProbe output:
                if (PatternError(output.Pattern) is { } error)
                {
                    yield return (ErrorCodes.PatternInvalid, "Pattern", $"'{output.Pattern}' is not a valid regular expression: {error}");
                }

                break;
        }
    }

    private static string? PatternError(string pattern)
    {
        try
        {
            _ = new Regex(pattern, RegexOptions.CultureInvariant);
            return null;
        }
        catch (ArgumentException exception)
        {
            return exception.Message;
        }
    }

    private static void ValidateTermination(TerminationSequence termination, Action<string, string, string> add)
    {
        if (termination.Steps.Count == 0)
        {
            add(ErrorCodes.SettingInvalid, "Termination", "the termination sequence has no steps.");
        }

        foreach (var step in termination.Steps)
        {
            if (!SignalNames.TryGetNumber(step.Signal, out _))
            {
                add(ErrorCodes.SettingInvalid, "Termination", $"'{step.Signal}' is not a signal name.");
            }

            if (step.Wait < TimeSpan.Zero)
            {
                add(ErrorCodes.DurationNotPositive, "Termination", $"the wait after {step.Signal} must not be negative, but is {step.Wait}.");
            }
        }
    }

    private static void CheckPositive(TimeSpan value, string field, Action<string, string, string> add)
    {
        if (value <= TimeSpan.Zero)
        {
            add(ErrorCodes.DurationNotPositive, field, $"must be positive, but is {value}.");
        }
    }
}
