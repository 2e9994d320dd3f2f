using Microsoft.Extensions.Options;

namespace ThreatScorer.Core.Feeds;

/// <summary>RSS/Atom sources and the limits every fetch runs under ("ThreatScorer:Feeds").</summary>
public sealed class FeedOptions
{
    public const string SectionName = "ThreatScorer:Feeds";

    /// <summary>The feeds to read; none means feed ingestion is off.</summary>
    public List<FeedSourceOptions> Sources { get; set; } = [];

    /// <summary>Quartz cron (with seconds) of the feed job; the default fires every 15 minutes.</summary>
    public string Cron { get; set; } = "0 */15 * * * ?";

    /// <summary>How long one HTTP attempt (feed or page) may take, headers and body each.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Larger feed documents are not parsed and count as an error.</summary>
    public long MaxFeedBytes { get; set; } = 5_000_000;

    /// <summary>Larger article pages are rejected without being parsed.</summary>
    public long MaxPageBytes { get; set; } = 3_000_000;

    /// <summary>Retries after a failed attempt (network error, timeout, 408, 429 or 5xx), with exponential back-off.</summary>
    public int Retries { get; set; } = 2;

    /// <summary>The first back-off delay; each further retry waits about twice as long (with jitter).</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);
}

/// <summary>One feed ("ThreatScorer:Feeds:Sources:N").</summary>
public sealed class FeedSourceOptions
{
    /// <summary>Unique name: the key of the source's state and the <c>source</c> of its articles.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>The RSS or Atom document (http or https).</summary>
    public string Url { get; set; } = string.Empty;

    /// <summary>
    /// Hosts whose article pages may be fetched (exact, or <c>*.example.com</c> for any subdomain). Empty means the
    /// feed's own host only; links elsewhere are recorded as rejected and never fetched.
    /// </summary>
    public List<string> AllowedHosts { get; set; } = [];

    /// <summary>At most this many items are taken from one fetch of the feed, in feed order.</summary>
    public int MaxItems { get; set; } = 50;

    /// <summary>The configured hosts, or the feed's host when none are.</summary>
    public IReadOnlyList<string> EffectiveAllowedHosts =>
        AllowedHosts.Count > 0 ? AllowedHosts : Uri.TryCreate(Url, UriKind.Absolute, out var uri) ? [uri.Host] : [];

    /// <summary>True when a page at <paramref name="url"/> may be fetched for this source.</summary>
    public bool IsAllowed(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)
        {
            return false;
        }

        foreach (var host in EffectiveAllowedHosts)
        {
            if (host.StartsWith("*.", StringComparison.Ordinal)
                ? url.Host.EndsWith(host[1..], StringComparison.OrdinalIgnoreCase)
                : string.Equals(url.Host, host, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>Reports every invalid feed setting at once, each by its full name.</summary>
public sealed class FeedOptionsValidator : IValidateOptions<FeedOptions>
{
    public ValidateOptionsResult Validate(string? name, FeedOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        const string s = FeedOptions.SectionName;

        if (options.Timeout < TimeSpan.FromSeconds(1) || options.Timeout > TimeSpan.FromMinutes(10))
        {
            problems.Add($"{s}:Timeout must be between 00:00:01 and 00:10:00 (got {options.Timeout}).");
        }

        if (options.MaxFeedBytes <= 0)
        {
            problems.Add($"{s}:MaxFeedBytes must be positive (got {options.MaxFeedBytes}).");
        }

        if (options.MaxPageBytes <= 0)
        {
            problems.Add($"{s}:MaxPageBytes must be positive (got {options.MaxPageBytes}).");
        }

        if (options.Retries is < 0 or > 10)
        {
            problems.Add($"{s}:Retries must be between 0 and 10 (got {options.Retries}).");
        }

        if (options.RetryDelay < TimeSpan.Zero || options.RetryDelay > TimeSpan.FromMinutes(1))
        {
            problems.Add($"{s}:RetryDelay must be between 00:00:00 and 00:01:00 (got {options.RetryDelay}).");
        }

        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < options.Sources.Count; i++)
        {
            var source = options.Sources[i];
            var at = $"{s}:Sources:{i}";
            if (string.IsNullOrWhiteSpace(source.Name))
            {
                problems.Add($"{at}:Name is empty.");
            }
            else if (!names.Add(source.Name))
            {
                problems.Add($"{at}:Name '{source.Name}' is used by another source.");
            }

            if (!Uri.TryCreate(source.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            {
                problems.Add($"{at}:Url must be an absolute http or https URL (got '{source.Url}').");
            }

            for (var h = 0; h < source.AllowedHosts.Count; h++)
            {
                var host = source.AllowedHosts[h];
                if (string.IsNullOrWhiteSpace(host) || Uri.CheckHostName(host.StartsWith("*.", StringComparison.Ordinal) ? host[2..] : host) == UriHostNameType.Unknown)
                {
                    problems.Add($"{at}:AllowedHosts:{h} must be a host name such as 'news.example' or '*.example.com' (got '{host}').");
                }
            }

            if (source.MaxItems is < 1 or > 1000)
            {
                problems.Add($"{at}:MaxItems must be between 1 and 1000 (got {source.MaxItems}).");
            }
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
