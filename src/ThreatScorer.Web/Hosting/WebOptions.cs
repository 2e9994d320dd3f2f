using System.Net;
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

    /// <summary>True when <see cref="Url"/> listens on loopback only.</summary>
    public bool IsLoopback =>
        Uri.TryCreate(Url, UriKind.Absolute, out var uri)
        && (uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip)));
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

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
