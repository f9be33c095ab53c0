using System.Globalization;
using CakeParallel.Model;

namespace CakeParallel.Services;

/// <summary>
/// Ready when an HTTP GET of <see cref="Url"/> answers with a 2xx status, or with <see cref="ExpectedStatus"/> when
/// set. Redirects are not followed and no proxy is used, so the answer is the service's own.
/// </summary>
/// <param name="Url">An absolute http or https URL, e.g. <c>http://127.0.0.1:5000/v2/</c>.</param>
public sealed record HttpProbe(string Url) : ReadinessProbe
{
    private static readonly HttpClient Client = new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        PooledConnectionLifetime = TimeSpan.FromSeconds(1),
    })
    {
        Timeout = System.Threading.Timeout.InfiniteTimeSpan,
    };

    /// <summary>The status that counts as ready; <see langword="null"/> (the default) accepts any 2xx status.</summary>
    public int? ExpectedStatus { get; init; }

    /// <inheritdoc />
    public override string Description => "HTTP GET " + Url + (ExpectedStatus is { } s ? " expecting " + s.ToString(CultureInfo.InvariantCulture) : "");

    internal override async Task<ProbeResult> CheckAsync(ProbeContext context, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await Client.GetAsync(Url, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            var ok = ExpectedStatus is { } expected ? status == expected : status is >= 200 and < 300;
            return ok
                ? ProbeResult.Pass
                : ProbeResult.Fail($"{Description}: got {status.ToString(CultureInfo.InvariantCulture)} {response.ReasonPhrase}");
        }
        catch (HttpRequestException exception)
        {
            return ProbeResult.Fail($"{Description}: {exception.Message}");
        }
    }

    internal override IEnumerable<ProbeProblem> Problems(ServiceSpec service)
    {
        if (!Uri.TryCreate(Url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            yield return new ProbeProblem(ErrorCodes.ServiceProbeInvalid, "Url", $"'{Url}' is not an absolute http:// or https:// URL.");
        }

        if (ExpectedStatus is { } status && status is < 100 or > 599)
        {
            yield return new ProbeProblem(ErrorCodes.ServiceProbeInvalid, "ExpectedStatus", $"must be an HTTP status between 100 and 599, but is {status}.");
        }
    }
}
