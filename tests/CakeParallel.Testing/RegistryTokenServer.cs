using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace CakeParallel.Testing;

/// <summary>
/// A real token service for a registry's Bearer authentication (distribution's <c>auth.token</c>), on a loopback
/// port: it answers <c>GET /token?service=…&amp;scope=repository:NAME:ACTIONS</c> with a JWT signed by a fresh
/// self-signed key (the certificate the registry trusts is written to <see cref="CertificateBundle"/>), and only
/// for requests with the right Basic credentials; anonymous requests get 401. It also exchanges
/// <see cref="IdentityToken"/> for a token, as OAuth2 has it (<c>POST</c>, <c>grant_type=refresh_token</c>).
/// </summary>
public sealed class RegistryTokenServer : IDisposable
{
    public const string Issuer = "cpar-token-issuer";
    public const string Service = "cpar-registry";

    /// <summary>The identity token (an OAuth2 refresh token) the service accepts, as a credential helper hands it out with the user name <c>&lt;token&gt;</c>.</summary>
    public const string IdentityToken = "cpar-identity-token";

    private readonly HttpListener _listener = new();
    private readonly RSA _key = RSA.Create(2048);
    private readonly X509Certificate2 _certificate;
    private readonly string _expectedAuthorization;
    private readonly Task _serving;

    public RegistryTokenServer(string folder, string userName, string password)
    {
        var request = new CertificateRequest("CN=" + Issuer, _key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyCertSign, true));
        _certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        CertificateBundle = Path.Combine(folder, "token-issuer.pem");
        File.WriteAllText(CertificateBundle, _certificate.ExportCertificatePem());
        _expectedAuthorization = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(userName + ":" + password));
        Port = LoopbackPorts.Free();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/");
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    public int Port { get; }

    /// <summary>The realm the registry names in its challenge.</summary>
    public string Realm => $"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/token";

    /// <summary>The PEM file of the certificate whose key signs the tokens (the registry's <c>rootcertbundle</c>).</summary>
    public string CertificateBundle { get; }

    /// <summary>The requests tokens were issued for: the client's User-Agent (empty when none), the scope and how the client proved itself (<c>basic</c>, or <c>refresh_token</c> for the identity token).</summary>
    public IReadOnlyList<(string UserAgent, string Scope, string Grant)> Issued
    {
        get
        {
            lock (_issued)
            {
                return [.. _issued];
            }
        }
    }

    private readonly List<(string UserAgent, string Scope, string Grant)> _issued = [];

    /// <summary>A token for <paramref name="scope"/>, e.g. <c>repository:app:pull</c>, as the service issues it.</summary>
    public string Token(string scope)
    {
        var header = new Dictionary<string, object> { ["typ"] = "JWT", ["alg"] = "RS256", ["x5c"] = new[] { Convert.ToBase64String(_certificate.RawData) } };
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var access = scope.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(s => s.Split(':')).Where(p => p.Length == 3)
            .Select(p => new Dictionary<string, object> { ["type"] = p[0], ["name"] = p[1], ["actions"] = p[2].Split(',') }).ToArray();
        var claims = new Dictionary<string, object>
        {
            ["iss"] = Issuer, ["sub"] = "cpar", ["aud"] = Service, ["exp"] = now + 600, ["nbf"] = now - 60, ["iat"] = now - 60,
            ["jti"] = Guid.NewGuid().ToString("N"), ["access"] = access,
        };
        var signed = Base64Url(JsonSerializer.SerializeToUtf8Bytes(header)) + "." + Base64Url(JsonSerializer.SerializeToUtf8Bytes(claims));
        return signed + "." + Base64Url(_key.SignData(Encoding.ASCII.GetBytes(signed), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var response = context.Response;
            string scope;
            if (context.Request.HttpMethod == "POST")
            {
                using var reader = new StreamReader(context.Request.InputStream);
                var form = System.Web.HttpUtility.ParseQueryString(await reader.ReadToEndAsync());
                if (form["grant_type"] != "refresh_token" || form["refresh_token"] != IdentityToken)
                {
                    response.StatusCode = 401;
                    continue;
                }

                scope = form["scope"] ?? "";
            }
            else if (context.Request.Headers["Authorization"] != _expectedAuthorization)
            {
                response.StatusCode = 401;
                response.AddHeader("WWW-Authenticate", "Basic realm=\"cpar-token\"");
                continue;
            }
            else
            {
                scope = context.Request.QueryString["scope"] ?? "";
            }

            lock (_issued)
            {
                _issued.Add((context.Request.UserAgent ?? "", scope, context.Request.HttpMethod == "POST" ? "refresh_token" : "basic"));
            }

            var token = Token(scope);
            var body = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object> { ["token"] = token, ["access_token"] = token, ["refresh_token"] = IdentityToken, ["expires_in"] = 600 });
            response.ContentType = "application/json";
            response.ContentLength64 = body.Length;
            await response.OutputStream.WriteAsync(body);
        }
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public void Dispose()
    {
        _listener.Close();
        _serving.Wait(TimeSpan.FromSeconds(5));
        _certificate.Dispose();
        _key.Dispose();
    }
}
