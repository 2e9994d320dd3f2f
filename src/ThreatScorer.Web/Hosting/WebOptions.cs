using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace ThreatScorer.Web.Hosting;

/// <summary>
/// Settings under <c>ThreatScorer:Web</c>: where the analyst UI listens and the key it asks for. Bound to
/// 127.0.0.1 by default; an address beyond loopback needs an <see cref="ApiKey"/>.
/// </summary>
public sealed class WebOptions
{
    public const string SectionName = "ThreatScorer:Web";

    /// <summary>Host the UI inside the worker (<c>threatscorer serve</c> always hosts it).</summary>
    public bool Enabled { get; set; }

    /// <summary>The address to listen on (port 0: any free port).</summary>
    public string Url { get; set; } = "http://127.0.0.1:5080";

    /// <summary>
    /// Required on every request when set (header <c>X-Api-Key</c>, <c>Authorization: Bearer</c>, or basic auth with
    /// the key as password); must be set when <see cref="Url"/> is not a loopback address.
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// Host names (optionally with <c>:port</c>) that requests may carry in their <c>Host</c> header. Empty: when
    /// <see cref="Url"/> is loopback, <c>localhost</c>, <c>127.0.0.1</c> and <c>[::1]</c> on the port the request
    /// arrived at; otherwise any (the API key guards it). A page on another name that DNS points at this machine
    /// (DNS rebinding) is refused before anything runs.
    /// </summary>
    public List<string> AllowedHosts { get; set; } = [];

    /// <summary>
    /// Who writes a correction, as recorded: the holder of the access this server grants. Default: <c>api-key</c>
    /// when <see cref="ApiKey"/> is set, else <c>local-operator</c>. The name a caller types is kept beside it as a claim.
    /// </summary>
    public string? OperatorName { get; set; }

    /// <summary>The recorded identity of whoever is allowed in (see <see cref="OperatorName"/>).</summary>
    public string Operator => OperatorName is { Length: > 0 } name ? name.Trim() : ApiKey is { Length: > 0 } ? "api-key" : "local-operator";

    /// <summary>
    /// True when <see cref="Url"/> listens on loopback only: a literal 127.0.0.0/8 or ::1 address, or exactly
    /// <c>localhost</c> (which Kestrel binds to 127.0.0.1 and ::1). Any other name — even one that resolves to
    /// loopback, or that <see cref="Uri.IsLoopback"/> accepts such as <c>loopback</c> — makes Kestrel bind every interface.
    /// </summary>
    public bool IsLoopback => IsLoopbackUrl(Url);

    /// <summary>True when <paramref name="url"/> (as Kestrel reads it) names <c>localhost</c> or a literal loopback address.</summary>
    public static bool IsLoopbackUrl(string url) => Uri.TryCreate(url, UriKind.Absolute, out _) && RawHost(url) is { } host && IsLoopbackHost(host);

    // The host as Kestrel reads it (its own parser, BindingAddress): Uri rewrites some names (it treats "loopback"
    // as loopback) and reads '#', '?' and '@' as ending the host, where Kestrel takes everything up to the first
    // '/' and the last ':' — so http://127.0.0.1#@x:5080 is 127.0.0.1 to Uri but "any address" to Kestrel.
    private static string? RawHost(string url)
    {
        try
        {
            return Microsoft.AspNetCore.Http.BindingAddress.Parse(url).Host;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>True for <c>localhost</c> and literal loopback addresses (127.0.0.0/8 in dotted form, ::1).</summary>
    public static bool IsLoopbackHost(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var bare = host.Trim('[', ']');
        return IPAddress.TryParse(bare, out var ip)
            && ((ip.AddressFamily == AddressFamily.InterNetwork && bare.Count(c => c == '.') == 3 && ip.GetAddressBytes()[0] == 127)
                || ip.Equals(IPAddress.IPv6Loopback));
    }
}

/// <summary>Reports every invalid web setting at once, by name.</summary>
public sealed class WebOptionsValidator : IValidateOptions<WebOptions>
{
    public const int MinApiKeyLength = 16;

    public ValidateOptionsResult Validate(string? name, WebOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        const string s = WebOptions.SectionName;
        if (!Uri.TryCreate(options.Url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            problems.Add($"{s}:Url must be an absolute http(s) URL such as http://127.0.0.1:5080 (got '{options.Url}').");
        }
        else if (!options.IsLoopback && string.IsNullOrWhiteSpace(options.ApiKey))
        {
            problems.Add($"{s}:ApiKey must be set when {s}:Url is not a loopback address (got '{options.Url}').");
        }

        if (options.ApiKey is { Length: > 0 } key && key.Length < MinApiKeyLength)
        {
            problems.Add($"{s}:ApiKey must be at least {MinApiKeyLength} characters.");
        }

        for (var i = 0; i < options.AllowedHosts.Count; i++)
        {
            if (!AccessControl.TryParseHostPattern(options.AllowedHosts[i], out _, out _))
            {
                problems.Add($"{s}:AllowedHosts:{i} must be a host name or address, optionally with :port, such as review.example.org or 10.0.0.5:8080 (got '{options.AllowedHosts[i]}').");
            }
        }

        if (options.OperatorName is { } operatorName && (operatorName.Trim().Length is 0 or > 100 || operatorName.Any(char.IsControl)))
        {
            problems.Add($"{s}:OperatorName must be 1 to 100 characters without control characters.");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
