using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using CakeParallel.Model;

namespace CakeParallel.Docker;

/// <summary>A manifest as the registry serves it: its media type, its exact bytes, and their digest.</summary>
/// <param name="MediaType">E.g. <c>application/vnd.docker.distribution.manifest.v2+json</c>.</param>
/// <param name="Content">The bytes, written unchanged under another tag so the digest stays the same.</param>
/// <param name="Digest">The digest of <paramref name="Content"/>, e.g. <c>sha256:…</c>.</param>
internal sealed record RegistryManifest(string MediaType, byte[] Content, string Digest);

/// <summary>What became of a tag the registry was asked to delete.</summary>
/// <param name="Removed">True when the tag is gone (deleted now, or already absent).</param>
/// <param name="Reason">Why it is still there, or what the registry answered; <see langword="null"/> when deleted.</param>
internal sealed record TagDeletion(bool Removed, string? Reason);

/// <summary>A registry request that failed: the registry's answer or the transport error, in one sentence.</summary>
internal sealed class RegistryException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// A client of one image registry's HTTP API (the distribution API docker uses, <c>/v2/</c>): reads a manifest by
/// digest or by tag and a blob, writes a manifest's bytes under a tag, deletes a tag. Authenticates as docker does:
/// anonymously first, then, on a 401 challenge, with Basic credentials or with a Bearer token fetched from the
/// challenge's realm (with the credentials, when there are any) for the repository. Made by <see cref="RegistryClients"/>,
/// which decides the scheme and finds the credentials; not safe for concurrent requests.
/// </summary>
internal sealed partial class RegistryClient : IDisposable
{
    // Manifest lists and OCI indexes first: a multi-platform leg's staged digest is its list's.
    private static readonly string[] ManifestTypes =
    [
        "application/vnd.oci.image.index.v1+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.docker.distribution.manifest.v2+json",
    ];

    private readonly HttpClient _http;
    private readonly string _registry;
    private readonly RegistryCredential? _credential;
    private readonly string? _credentialNote;
    private readonly string _tokenActions;
    private readonly Dictionary<string, AuthenticationHeaderValue> _authorization = new(StringComparer.Ordinal);

    /// <summary>A client of <paramref name="registry"/> at <paramref name="baseAddress"/>.</summary>
    /// <param name="registry">The registry as references name it (for messages).</param>
    /// <param name="baseAddress">Where its API is, e.g. <c>https://registry.example:5000/</c>.</param>
    /// <param name="credential">The stored credential, or <see langword="null"/> to stay anonymous.</param>
    /// <param name="credentialNote">Why there is no credential (e.g. a credential helper), said when the registry asks for one.</param>
    /// <param name="tokenActions">What a Bearer token is asked for on a repository: <c>pull</c> to read, <c>pull,push</c> to write tags.</param>
    /// <param name="timeout">The limit of each request.</param>
    public RegistryClient(string registry, Uri baseAddress, RegistryCredential? credential, string? credentialNote, string tokenActions, TimeSpan timeout)
    {
        _tokenActions = tokenActions;
        _registry = registry;
        _credential = credential;
        _credentialNote = credentialNote;
        _http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = true }) { BaseAddress = baseAddress, Timeout = timeout };
    }

    /// <summary>Reads the manifest <paramref name="digest"/> of <paramref name="path"/> and checks that its bytes have that digest.</summary>
    public async Task<RegistryManifest> GetManifestAsync(string path, string digest, CancellationToken cancellationToken) =>
        await ReadManifestAsync(path, digest, missingIsNull: false, cancellationToken).ConfigureAwait(false) ?? throw new UnreachableException();

    /// <summary>
    /// The manifest <paramref name="tag"/> of <paramref name="path"/> names now (a multi-platform tag's index or list
    /// as it is), with the digest the registry gives it; <see langword="null"/> when the registry has no such tag.
    /// </summary>
    public Task<RegistryManifest?> FindManifestAsync(string path, string tag, CancellationToken cancellationToken) =>
        ReadManifestAsync(path, tag, missingIsNull: true, cancellationToken);

    /// <summary>Reads the blob <paramref name="digest"/> of <paramref name="path"/> (e.g. an image config) and checks that its bytes have that digest.</summary>
    public async Task<byte[]> GetBlobAsync(string path, string digest, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(path, () => new HttpRequestMessage(HttpMethod.Get, $"v2/{path}/blobs/{digest}"), cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new RegistryException($"reading blob {path}@{digest} from {_registry}: {await AnswerAsync(response, cancellationToken).ConfigureAwait(false)}");
        }

        var content = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var actual = DigestOf(content, digest);
        return actual == digest
            ? content
            : throw new RegistryException($"reading blob {path}@{digest} from {_registry}: the registry served bytes whose digest is {actual}.");
    }

    /// <summary>Writes <paramref name="manifest"/>'s bytes under <paramref name="tag"/> of <paramref name="path"/> and checks the digest the registry gives it.</summary>
    public async Task PutManifestAsync(string path, string tag, RegistryManifest manifest, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(path, () =>
        {
            var content = new ByteArrayContent(manifest.Content);
            content.Headers.ContentType = new MediaTypeHeaderValue(manifest.MediaType);
            return new HttpRequestMessage(HttpMethod.Put, $"v2/{path}/manifests/{tag}") { Content = content };
        }, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode is not (HttpStatusCode.Created or HttpStatusCode.OK))
        {
            throw new RegistryException($"writing tag {path}:{tag} in {_registry}: {await AnswerAsync(response, cancellationToken).ConfigureAwait(false)}");
        }

        if (response.Headers.TryGetValues("Docker-Content-Digest", out var values) && values.FirstOrDefault() is { } written && written != manifest.Digest)
        {
            throw new RegistryException($"writing tag {path}:{tag} in {_registry}: the registry stored digest {written}, not {manifest.Digest}.");
        }
    }

    /// <summary>
    /// Deletes <paramref name="tag"/> of <paramref name="path"/> alone (<c>DELETE /v2/&lt;path&gt;/manifests/&lt;tag&gt;</c>,
    /// which the distribution spec allows a registry to refuse). Never deletes by digest: that would delete the
    /// manifest, and every other tag pointing at it with it.
    /// </summary>
    public async Task<TagDeletion> DeleteTagAsync(string path, string tag, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await SendAsync(path, () => new HttpRequestMessage(HttpMethod.Delete, $"v2/{path}/manifests/{tag}"), cancellationToken).ConfigureAwait(false);
            return response.StatusCode switch
            {
                HttpStatusCode.Accepted or HttpStatusCode.OK or HttpStatusCode.NoContent => new TagDeletion(true, null),
                HttpStatusCode.NotFound => new TagDeletion(true, "already gone"),
                _ => new TagDeletion(false, $"the registry cannot delete a tag alone ({await AnswerAsync(response, cancellationToken).ConfigureAwait(false)}); deleting by digest would delete the final tags too"),
            };
        }
        catch (RegistryException exception)
        {
            return new TagDeletion(false, exception.Message);
        }
    }

    public void Dispose() => _http.Dispose();

    /// <summary>A manifest by digest (its bytes checked against it) or by tag (its digest as the registry names it, else computed).</summary>
    private async Task<RegistryManifest?> ReadManifestAsync(string path, string reference, bool missingIsNull, CancellationToken cancellationToken)
    {
        // Tags cannot hold a ':', digests always do.
        var byDigest = reference.Contains(':', StringComparison.Ordinal);
        var named = byDigest ? $"{path}@{reference}" : $"{path}:{reference}";
        using var response = await SendAsync(path, () =>
        {
            var request = new HttpRequestMessage(HttpMethod.Get, $"v2/{path}/manifests/{reference}");
            foreach (var type in ManifestTypes)
            {
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(type));
            }

            return request;
        }, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound && missingIsNull)
        {
            return null;
        }

        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new RegistryException($"reading manifest {named} from {_registry}: {await AnswerAsync(response, cancellationToken).ConfigureAwait(false)}");
        }

        var content = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        string digest;
        if (byDigest)
        {
            digest = DigestOf(content, reference);
            if (digest != reference)
            {
                throw new RegistryException($"reading manifest {named} from {_registry}: the registry served bytes whose digest is {digest}.");
            }
        }
        else
        {
            digest = response.Headers.TryGetValues("Docker-Content-Digest", out var values) && values.FirstOrDefault() is { Length: > 0 } given ? given : DigestOf(content, "sha256:");
        }

        var mediaType = response.Content.Headers.ContentType?.MediaType ?? MediaTypeIn(content);
        return mediaType is null
            ? throw new RegistryException($"reading manifest {named} from {_registry}: the registry named no media type, and the manifest has none.")
            : new RegistryManifest(mediaType, content, digest);
    }

    private async Task<HttpResponseMessage> SendAsync(string path, Func<HttpRequestMessage> create, CancellationToken cancellationToken)
    {
        var response = await TrySendAsync(create, _authorization.GetValueOrDefault(path), cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Unauthorized || response.Headers.WwwAuthenticate.FirstOrDefault() is not { } challenge)
        {
            return response;
        }

        response.Dispose();
        var authorization = await AuthorizeAsync(challenge, path, cancellationToken).ConfigureAwait(false);
        _authorization[path] = authorization;
        return await TrySendAsync(create, authorization, cancellationToken).ConfigureAwait(false);
    }

    private async Task<HttpResponseMessage> TrySendAsync(Func<HttpRequestMessage> create, AuthenticationHeaderValue? authorization, CancellationToken cancellationToken)
    {
        using var request = create();
        request.Headers.Authorization = authorization;
        try
        {
            return await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException exception)
        {
            throw new RegistryException($"{request.Method} {new Uri(_http.BaseAddress!, request.RequestUri!)} failed: {exception.Message}", exception);
        }
        catch (TaskCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            throw new RegistryException($"{request.Method} {new Uri(_http.BaseAddress!, request.RequestUri!)}: no answer within {DurationText.Format(_http.Timeout)}", exception);
        }
    }

    private async Task<AuthenticationHeaderValue> AuthorizeAsync(AuthenticationHeaderValue challenge, string path, CancellationToken cancellationToken)
    {
        if (string.Equals(challenge.Scheme, "Basic", StringComparison.OrdinalIgnoreCase))
        {
            return Basic() ?? throw new RegistryException(_credential is { IsIdentityToken: true }
                ? $"{_registry} asks for Basic credentials, and the docker client holds only an identity token for it, which is exchanged at a token service."
                : $"{_registry} asks for credentials, and the docker client has none stored for it{Because()}.");
        }

        if (!string.Equals(challenge.Scheme, "Bearer", StringComparison.OrdinalIgnoreCase))
        {
            throw new RegistryException($"{_registry} asks for '{challenge.Scheme}' authentication, which CakeParallel does not speak (it speaks Basic and Bearer).");
        }

        var parameters = ChallengeParameter().Matches(challenge.Parameter ?? "").ToDictionary(m => m.Groups[1].Value.ToLowerInvariant(), m => m.Groups[2].Value, StringComparer.Ordinal);
        if (!parameters.TryGetValue("realm", out var realm) || !Uri.TryCreate(realm, UriKind.Absolute, out var realmUri))
        {
            throw new RegistryException($"{_registry} asks for a Bearer token but names no usable realm ('{challenge.Parameter}').");
        }

        var query = new StringBuilder("scope=").Append(Uri.EscapeDataString($"repository:{path}:{_tokenActions}"));
        if (parameters.TryGetValue("service", out var service))
        {
            query.Append("&service=").Append(Uri.EscapeDataString(service));
        }

        var builder = new UriBuilder(realmUri) { Query = realmUri.Query.Length > 1 ? realmUri.Query[1..] + "&" + query : query.ToString() };
        using var request = _credential is { IsIdentityToken: true } identity
            ? RefreshTokenRequest(realmUri, identity.Password, service, path)
            : new HttpRequestMessage(HttpMethod.Get, builder.Uri) { Headers = { Authorization = Basic() } };
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException exception)
        {
            throw new RegistryException($"fetching a token for {path} from {builder.Uri} failed: {exception.Message}", exception);
        }
        catch (TaskCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            throw new RegistryException($"fetching a token for {path} from {builder.Uri}: no answer within {DurationText.Format(_http.Timeout)}", exception);
        }

        using (response)
        {
            if (response.StatusCode != HttpStatusCode.OK)
            {
                var anonymous = _credential is null ? $" (asked anonymously: the docker client has no credentials stored for {_registry}{Because()})" : "";
                throw new RegistryException($"fetching a token for {path} from {builder.Uri}: {await AnswerAsync(response, cancellationToken).ConfigureAwait(false)}{anonymous}");
            }

            using var document = await ParseTokenAnswerAsync(response, builder.Uri, cancellationToken).ConfigureAwait(false);
            var token = new[] { "token", "access_token" }
                .Select(name => document.RootElement.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null)
                .FirstOrDefault(t => !string.IsNullOrEmpty(t));
            return token is null
                ? throw new RegistryException($"the token service {builder.Uri} answered without a token.")
                : new AuthenticationHeaderValue("Bearer", token);
        }
    }

    private static async Task<JsonDocument> ParseTokenAnswerAsync(HttpResponseMessage response, Uri service, CancellationToken cancellationToken)
    {
        try
        {
            return JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (JsonException exception)
        {
            throw new RegistryException($"the token service {service} answered with something other than JSON: {exception.Message}", exception);
        }
    }

    /// <summary>
    /// An identity token is a refresh token: it is exchanged for an access token with an OAuth2 <c>POST</c> to the
    /// realm (<c>grant_type=refresh_token</c>), as docker does, never sent as Basic credentials.
    /// </summary>
    private HttpRequestMessage RefreshTokenRequest(Uri realm, string identityToken, string? service, string path)
    {
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = identityToken,
            ["client_id"] = "cakeparallel",
            ["scope"] = $"repository:{path}:{_tokenActions}",
        };
        if (service is not null)
        {
            form["service"] = service;
        }

        return new HttpRequestMessage(HttpMethod.Post, realm) { Content = new FormUrlEncodedContent(form) };
    }

    private AuthenticationHeaderValue? Basic() => _credential is { IsIdentityToken: false } credential
        ? new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credential.UserName + ":" + credential.Password)))
        : null;

    private string Because() => _credentialNote is null ? "" : ": " + _credentialNote;

    /// <summary>The status and the registry's own error (<c>{"errors":[{"code","message"}]}</c>), e.g. <c>HTTP 400 (DIGEST_INVALID: provided digest did not match uploaded content)</c>.</summary>
    private static async Task<string> AnswerAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = $"HTTP {(int)response.StatusCode}";
        try
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array && errors.GetArrayLength() > 0)
            {
                var first = errors[0];
                var code = first.TryGetProperty("code", out var c) ? c.ToString() : "";
                var message = first.TryGetProperty("message", out var m) ? m.ToString() : "";
                return $"{status} ({code}: {message})";
            }
        }
        catch (JsonException)
        {
            // Not the registry's error document: the status says enough.
        }

        return status;
    }

    private static string DigestOf(byte[] content, string expected) => expected.StartsWith("sha512:", StringComparison.Ordinal)
        ? "sha512:" + Convert.ToHexStringLower(SHA512.HashData(content))
        : "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));

    private static string? MediaTypeIn(byte[] content)
    {
        try
        {
            using var document = JsonDocument.Parse(content);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("mediaType", out var type) && type.ValueKind == JsonValueKind.String ? type.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    [GeneratedRegex(@"(\w+)=""([^""]*)""", RegexOptions.CultureInvariant)]
    private static partial Regex ChallengeParameter();
}
