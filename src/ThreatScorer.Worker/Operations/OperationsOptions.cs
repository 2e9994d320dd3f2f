using System.Net;
using Microsoft.Extensions.Options;

namespace ThreatScorer.Worker.Operations;

/// <summary>
/// The health and metrics endpoint ("ThreatScorer:Operations"). Off unless a port is set; it listens on the
/// loopback address unless <see cref="BindAddress"/> says otherwise (the container sets 0.0.0.0).
/// </summary>
public sealed class OperationsOptions
{
    public const string SectionName = "ThreatScorer:Operations";

    /// <summary>TCP port of /health/live, /health/ready and /metrics; null turns the endpoint off, 0 picks a free port.</summary>
    public int? Port { get; set; }

    /// <summary>Address the endpoint listens on.</summary>
    public string BindAddress { get; set; } = "127.0.0.1";

    /// <summary>Readiness fails when the last successful run ended longer ago than this (and no run is in progress).</summary>
    public TimeSpan MaxRunAge { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long the readiness probe waits for the store.</summary>
    public TimeSpan StoreProbeTimeout { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>Reports every invalid operations setting at once, each by its full name.</summary>
public sealed class OperationsOptionsValidator : IValidateOptions<OperationsOptions>
{
    public ValidateOptionsResult Validate(string? name, OperationsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        const string s = OperationsOptions.SectionName;
        if (options.Port is < 0 or > 65_535)
        {
            problems.Add($"{s}:Port must be between 0 and 65535 (got {options.Port}).");
        }

        if (!IPAddress.TryParse(options.BindAddress, out _))
        {
            problems.Add($"{s}:BindAddress '{options.BindAddress}' is not an IP address (e.g. 127.0.0.1 or 0.0.0.0).");
        }

        if (options.MaxRunAge <= TimeSpan.Zero)
        {
            problems.Add($"{s}:MaxRunAge must be positive (got {options.MaxRunAge}).");
        }

        if (options.StoreProbeTimeout <= TimeSpan.Zero)
        {
            problems.Add($"{s}:StoreProbeTimeout must be positive (got {options.StoreProbeTimeout}).");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
