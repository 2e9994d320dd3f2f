using Microsoft.Extensions.Options;

namespace ThreatScorer.Core.Alerts;

/// <summary>Settings under <c>ThreatScorer:Alerts</c>: how webhook deliveries are sent and retried.</summary>
public sealed class AlertOptions
{
    public const string SectionName = "ThreatScorer:Alerts";

    /// <summary>Match rules after scoring and send deliveries from the worker.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often the worker looks for due deliveries.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Attempts per delivery before it is marked failed.</summary>
    public int MaxAttempts { get; set; } = 6;

    /// <summary>Wait after the first failed attempt; doubled after each further failure.</summary>
    public TimeSpan InitialRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest wait between attempts.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How long one POST may take (connect, send and read the status).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Deliveries sent per poll at most.</summary>
    public int BatchSize { get; set; } = 50;

    /// <summary>Base of the article link in the JSON body; defaults to <c>ThreatScorer:Web:Url</c>.</summary>
    public string? ReviewBaseUrl { get; set; }

    /// <summary>
    /// Host names, IP addresses and CIDR ranges (<c>hooks.internal</c>, <c>10.20.0.0/16</c>, <c>127.0.0.1</c>) that
    /// webhooks may reach although they are loopback, private, link-local or otherwise not public (see
    /// <see cref="WebhookTargets"/>). Empty: public addresses only.
    /// </summary>
    public List<string> AllowedWebhookHosts { get; set; } = [];

    /// <summary>The wait before attempt <paramref name="attemptsMade"/> + 1: exponential, capped.</summary>
    public TimeSpan RetryDelay(int attemptsMade)
    {
        var factor = Math.Pow(2, Math.Clamp(attemptsMade - 1, 0, 30));
        var ticks = Math.Min(InitialRetryDelay.Ticks * factor, MaxRetryDelay.Ticks);
        return TimeSpan.FromTicks((long)ticks);
    }
}

/// <summary>Reports every invalid alert setting at once, by name.</summary>
public sealed class AlertOptionsValidator : IValidateOptions<AlertOptions>
{
    public ValidateOptionsResult Validate(string? name, AlertOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        const string s = AlertOptions.SectionName;
        var problems = new List<string>();
        if (options.PollInterval <= TimeSpan.Zero)
        {
            problems.Add($"{s}:PollInterval must be positive (got {options.PollInterval}).");
        }

        if (options.MaxAttempts is < 1 or > 100)
        {
            problems.Add($"{s}:MaxAttempts must be between 1 and 100 (got {options.MaxAttempts}).");
        }

        if (options.InitialRetryDelay <= TimeSpan.Zero)
        {
            problems.Add($"{s}:InitialRetryDelay must be positive (got {options.InitialRetryDelay}).");
        }

        if (options.MaxRetryDelay < options.InitialRetryDelay)
        {
            problems.Add($"{s}:MaxRetryDelay must be at least InitialRetryDelay (got {options.MaxRetryDelay}).");
        }

        if (options.RequestTimeout <= TimeSpan.Zero)
        {
            problems.Add($"{s}:RequestTimeout must be positive (got {options.RequestTimeout}).");
        }

        if (options.BatchSize is < 1 or > 1000)
        {
            problems.Add($"{s}:BatchSize must be between 1 and 1000 (got {options.BatchSize}).");
        }

        if (options.ReviewBaseUrl is { Length: > 0 } url && !AlertRules.IsHttpUrl(url))
        {
            problems.Add($"{s}:ReviewBaseUrl must be an absolute http(s) URL (got '{url}').");
        }

        for (var i = 0; i < options.AllowedWebhookHosts.Count; i++)
        {
            var entry = options.AllowedWebhookHosts[i];
            if (!WebhookTargets.TryParseRange(entry, out _, out _) && !WebhookTargets.IsHostName(entry?.Trim()))
            {
                problems.Add($"{s}:AllowedWebhookHosts:{i} must be a host name, an IP address or a CIDR range such as 10.20.0.0/16 (got '{entry}').");
            }
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
