using System.Globalization;

namespace CakeParallel.Model;

/// <summary>
/// Ready when an HTTP GET of <see cref="Url"/> answers with a 2xx status, or with <see cref="ExpectedStatus"/> when
/// set. Redirects are not followed and no proxy is used, so the answer is the service's own.
/// </summary>
/// <param name="Url">An absolute http or https URL, e.g. <c>http://127.0.0.1:5000/v2/</c>.</param>
public sealed record HttpProbe(string Url) : ReadinessProbe
{
    /// <summary>The status that counts as ready; <see langword="null"/> (the default) accepts any 2xx status.</summary>
    public int? ExpectedStatus { get; init; }

    /// <inheritdoc />
    public override string Description => "HTTP GET " + Url + (ExpectedStatus is { } s ? " expecting " + s.ToString(CultureInfo.InvariantCulture) : "");
}
