using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace ThreatScorer.Web.Hosting;

/// <summary>
/// The API key check (when a key is set) and the same-origin check on writes. Corrections are posted as JSON
/// with a custom header, which a cross-site form cannot send without a CORS preflight this app never grants;
/// the Origin check is a second fence. No cookies are used, so there is no session to ride. Before any of it,
/// the Host header must name this server (<see cref="WebOptions.AllowedHosts"/>): a page on an attacker's name
/// that DNS later points at 127.0.0.1 (DNS rebinding) is same-origin with itself, so only the Host tells it apart.
/// </summary>
internal sealed class AccessControl(RequestDelegate next, IOptions<WebOptions> options)
{
    public const string ApiKeyHeader = "X-Api-Key";
    public const string RequestedWithHeader = "X-Requested-With";

    public async Task InvokeAsync(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";

        if (!IsAllowedHost(context, options.Value))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync(
                $"Host '{context.Request.Host.Value}' is not served here (allowed: {WebOptions.SectionName}:AllowedHosts, or localhost / 127.0.0.1 / [::1] on this port).");
            return;
        }

        if (options.Value.ApiKey is { Length: > 0 } key && !HasKey(context.Request, key))
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            headers.WWWAuthenticate = "Basic realm=\"ThreatScorer\", charset=\"UTF-8\"";
            await context.Response.WriteAsync("API key required (X-Api-Key header, Bearer token, or basic auth password).");
            return;
        }

        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method) && !IsSameOriginWrite(context.Request))
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            await context.Response.WriteAsync("Cross-site write refused: send JSON with the X-Requested-With header from this site.");
            return;
        }

        await next(context);
    }

    /// <summary>Parses an allowed-host entry: a name or address, optionally with <c>:port</c> (IPv6 in brackets).</summary>
    public static bool TryParseHostPattern(string? entry, out string host, out int? port)
    {
        host = string.Empty;
        port = null;
        if (string.IsNullOrWhiteSpace(entry) || entry.Contains('/', StringComparison.Ordinal))
        {
            return false;
        }

        var parsed = HostString.FromUriComponent(entry.Trim());
        host = parsed.Host.TrimEnd('.');
        port = parsed.Port;
        var bare = host.Trim('[', ']');
        return (Core.Alerts.WebhookTargets.IsHostName(host) || System.Net.IPAddress.TryParse(bare, out _))
            && (port is null or (> 0 and <= 65535));
    }

    private static bool IsAllowedHost(HttpContext context, WebOptions options)
    {
        var request = context.Request.Host;
        if (!request.HasValue || !TryParseHostPattern(request.Value, out var host, out var port))
        {
            return false;
        }

        var requestPort = port ?? (context.Request.IsHttps ? 443 : 80);
        if (options.AllowedHosts.Count > 0)
        {
            foreach (var entry in options.AllowedHosts)
            {
                if (TryParseHostPattern(entry, out var allowed, out var allowedPort)
                    && string.Equals(allowed, host, StringComparison.OrdinalIgnoreCase)
                    && (allowedPort is null || allowedPort == requestPort))
                {
                    return true;
                }
            }

            return false;
        }

        if (!options.IsLoopback)
        {
            return true;
        }

        return requestPort == context.Connection.LocalPort
            && (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) || host is "127.0.0.1" or "[::1]");
    }

    /// <summary>Who is making the request, when basic auth names them.</summary>
    public static string? BasicUser(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            return colon > 0 ? decoded[..colon] : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static bool HasKey(HttpRequest request, string key)
    {
        string? presented = request.Headers[ApiKeyHeader].ToString() is { Length: > 0 } h ? h : null;
        var authorization = request.Headers.Authorization.ToString();
        if (presented is null && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            presented = authorization[7..].Trim();
        }
        else if (presented is null && authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(authorization[6..].Trim()));
                presented = decoded[(decoded.IndexOf(':', StringComparison.Ordinal) + 1)..];
            }
            catch (FormatException)
            {
                return false;
            }
        }

        return presented is not null
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(key));
    }

    private static bool IsSameOriginWrite(HttpRequest request)
    {
        if (string.IsNullOrEmpty(request.Headers[RequestedWithHeader]))
        {
            return false;
        }

        var origin = request.Headers.Origin.ToString();
        return origin.Length == 0
            || (Uri.TryCreate(origin, UriKind.Absolute, out var uri)
                && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase));
    }
}
