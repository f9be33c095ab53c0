using System.Text.RegularExpressions;
using CakeParallel.Model;

namespace CakeParallel.Services;

/// <summary>
/// Ready once a line of the service's output (either stream) matches the regular expression <see cref="Pattern"/>,
/// e.g. <c>listening on .*:5000</c>. Lines are matched after secret values are masked.
/// </summary>
/// <param name="Pattern">A .NET regular expression.</param>
public sealed record OutputProbe(string Pattern) : ReadinessProbe
{
    /// <inheritdoc />
    public override string Description => $"output matching /{Pattern}/";

    internal override Task<ProbeResult> CheckAsync(ProbeContext context, CancellationToken cancellationToken) =>
        Task.FromResult(context.Output.HasMatched(Pattern) ? ProbeResult.Pass : ProbeResult.Fail($"no output line matched /{Pattern}/ yet"));

    internal override IEnumerable<ProbeProblem> Problems(ServiceSpec service)
    {
        string? error = null;
        try
        {
            _ = new Regex(Pattern, RegexOptions.CultureInvariant);
        }
        catch (ArgumentException exception)
        {
            error = exception.Message;
        }

        if (error is not null)
        {
            yield return new ProbeProblem(ErrorCodes.PatternInvalid, "Pattern", $"'{Pattern}' is not a valid regular expression: {error}");
        }
    }
}
