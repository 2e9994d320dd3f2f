using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace ThreatScorer.Core.Alerts;

/// <summary>
/// Where a webhook may be sent. Anyone who can add a rule chooses its URL, so without this fence the worker would
/// POST (and report on) requests to itself, the cloud metadata service or the private network behind it (SSRF).
/// Refused: loopback, private, link-local (metadata), CGNAT, multicast, unspecified, reserved and documentation
/// ranges, and the IPv6 forms that embed or reach them (IPv4-mapped, IPv4-compatible, 6to4, NAT64, Teredo, ULA) —
/// unless <see cref="AlertOptions.AllowedWebhookHosts"/> names the host or a range holding the address. Checked
/// when a rule is added (<see cref="CheckAsync"/>) and again on every connection
/// (<see cref="CreateHandler"/>: the name is resolved there and only checked addresses are dialled, so a DNS
/// answer that changes between the two cannot reach a refused address).
/// </summary>
public sealed class WebhookTargets
{
    // Names that reach the local machine or a metadata service whatever DNS says.
    private static readonly string[] RefusedNames = ["localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback", "metadata", "metadata.google.internal", "instance-data"];

    private static readonly (IPAddress Network, int Prefix, string Why)[] RefusedV4 =
    [
        (IPAddress.Parse("0.0.0.0"), 8, "an unspecified (this-network) address"),
        (IPAddress.Parse("10.0.0.0"), 8, "a private address"),
        (IPAddress.Parse("100.64.0.0"), 10, "a shared (CGNAT) address"),
        (IPAddress.Parse("127.0.0.0"), 8, "a loopback address"),
        (IPAddress.Parse("169.254.0.0"), 16, "a link-local address (cloud metadata lives here)"),
        (IPAddress.Parse("172.16.0.0"), 12, "a private address"),
        (IPAddress.Parse("192.0.0.0"), 24, "a reserved (IETF protocol) address"),
        (IPAddress.Parse("192.0.2.0"), 24, "a documentation address"),
        (IPAddress.Parse("192.88.99.0"), 24, "a 6to4 relay address"),
        (IPAddress.Parse("192.168.0.0"), 16, "a private address"),
        (IPAddress.Parse("198.18.0.0"), 15, "a benchmarking address"),
        (IPAddress.Parse("198.51.100.0"), 24, "a documentation address"),
        (IPAddress.Parse("203.0.113.0"), 24, "a documentation address"),
        (IPAddress.Parse("224.0.0.0"), 4, "a multicast address"),
        (IPAddress.Parse("240.0.0.0"), 4, "a reserved address"),
    ];

    private static readonly (IPAddress Network, int Prefix, string Why)[] RefusedV6 =
    [
        (IPAddress.Parse("::"), 96, "an IPv4-compatible or unspecified/loopback address"),
        (IPAddress.Parse("64:ff9b:1::"), 48, "a local-use NAT64 address"),
        (IPAddress.Parse("100::"), 64, "a discard address"),
        (IPAddress.Parse("2001::"), 32, "a Teredo address"),
        (IPAddress.Parse("2001:db8::"), 32, "a documentation address"),
        (IPAddress.Parse("fc00::"), 7, "a unique-local (private) address"),
        (IPAddress.Parse("fe80::"), 10, "a link-local address"),
        (IPAddress.Parse("fec0::"), 10, "a site-local address"),
        (IPAddress.Parse("ff00::"), 8, "a multicast address"),
        // Last, so the more specific ranges above (::/96, 64:ff9b:1::/48) name themselves first.
        (IPAddress.Parse("::"), 8, "a reserved address (::/8, where no public host lives)"),
    ];

    private readonly HashSet<string> _allowedNames = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<(IPAddress Network, int Prefix)> _allowedRanges = [];
    private readonly Func<string, CancellationToken, Task<IPAddress[]>> _resolve;

    /// <param name="allowed">Host names, addresses and CIDR ranges an operator allows (<see cref="AlertOptions.AllowedWebhookHosts"/>).</param>
    /// <param name="resolve">Name resolution (default: the system resolver); tests pass their own answers.</param>
    public WebhookTargets(IEnumerable<string>? allowed = null, Func<string, CancellationToken, Task<IPAddress[]>>? resolve = null)
    {
        foreach (var entry in allowed ?? [])
        {
            if (TryParseRange(entry, out var network, out var prefix))
            {
                _allowedRanges.Add((network, prefix));
            }
            else if (IsHostName(entry.Trim()))
            {
                _allowedNames.Add(entry.Trim().TrimEnd('.'));
            }
            else
            {
                throw new ArgumentException($"'{entry}' is neither a host name, an IP address nor a CIDR range.", nameof(allowed));
            }
        }

        _resolve = resolve ?? ((host, ct) => Dns.GetHostAddressesAsync(host, ct));
    }

    /// <summary>Why <paramref name="address"/> is refused as a webhook target (null: it is a public unicast address).</summary>
    public static string? RefusalReason(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            if (address.IsIPv4MappedToIPv6)
            {
                return RefusalReason(address.MapToIPv4()) is { } why ? why + " (IPv4-mapped)" : null;
            }

            var bytes = address.GetAddressBytes();
            // 6to4 (2002::/16) and the well-known NAT64 prefix (64:ff9b::/96) carry an IPv4 address that a gateway dials.
            if (bytes[0] == 0x20 && bytes[1] == 0x02)
            {
                return RefusalReason(new IPAddress(bytes.AsSpan(2, 4))) is { } why ? why + " (inside a 6to4 address)" : null;
            }

            // IPv4-translated (::ffff:0:0:0/96, RFC 2765 SIIT) carries an IPv4 address a translator dials, like NAT64.
            if (InRange(address, IPAddress.Parse("::ffff:0:0:0"), 96))
            {
                return RefusalReason(new IPAddress(bytes.AsSpan(12, 4))) is { } why ? why + " (inside an IPv4-translated address)" : null;
            }

            if (InRange(address, IPAddress.Parse("64:ff9b::"), 96))
            {
                return RefusalReason(new IPAddress(bytes.AsSpan(12, 4))) is { } why ? why + " (inside a NAT64 address)" : null;
            }

            foreach (var (network, prefix, why) in RefusedV6)
            {
                if (InRange(address, network, prefix))
                {
                    return why;
                }
            }

            return null;
        }

        if (address.AddressFamily != AddressFamily.InterNetwork)
        {
            return "not an IP address";
        }

        if (address.Equals(IPAddress.Broadcast))
        {
            return "the broadcast address";
        }

        foreach (var (network, prefix, why) in RefusedV4)
        {
            if (InRange(address, network, prefix))
            {
                return why;
            }
        }

        return null;
    }

    /// <summary>
    /// Every problem with <paramref name="url"/> as a webhook target, as a sentence naming <c>webhook_url</c>
    /// (null: it may be used). Resolves the host name and checks every address it gets.
    /// </summary>
    public async Task<string?> CheckAsync(string? url, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return "webhook_url must be an absolute http(s) URL";
        }

        // Uri has already turned 0x7f000001, 2130706433, 0177.0.0.1 and 127.1 into 127.0.0.1 (HostNameType IPv4).
        var host = uri.IdnHost.TrimEnd('.');
        if (uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6)
        {
            var address = IPAddress.Parse(host.Trim('[', ']'));
            return AllowedAddress(address) ? null : $"webhook_url host {uri.Host} is {RefusalReason(address)}; webhooks may only go to public addresses unless {AlertOptions.SectionName}:AllowedWebhookHosts names it";
        }

        if (NameProblem(host) is { } nameProblem)
        {
            return nameProblem;
        }

        if (_allowedNames.Contains(host))
        {
            return null;
        }

        IPAddress[] addresses;
        try
        {
            addresses = await _resolve(host, cancellationToken);
        }
        catch (SocketException ex)
        {
            return $"webhook_url host {host} could not be resolved ({ex.SocketErrorCode})";
        }

        if (addresses.Length == 0)
        {
            return $"webhook_url host {host} could not be resolved (no addresses)";
        }

        foreach (var address in addresses)
        {
            if (!AllowedAddress(address))
            {
                return $"webhook_url host {host} resolves to {address}, {RefusalReason(address)}; webhooks may only go to public addresses unless {AlertOptions.SectionName}:AllowedWebhookHosts names it";
            }
        }

        return null;
    }

    /// <summary>
    /// The handler every webhook POST goes through: no proxy (it would dial the proxy instead of the checked
    /// address), no redirects (a 30x could point anywhere), and a connect step that resolves the name itself and
    /// refuses the connection unless every address passes <see cref="RefusalReason"/> or the allow-list.
    /// </summary>
    public SocketsHttpHandler CreateHandler() => new()
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        AllowAutoRedirect = false,
        UseProxy = false,
        UseCookies = false,
        ConnectCallback = ConnectAsync,
    };

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host.Trim('[', ']').TrimEnd('.');
        IPAddress[] addresses;
        // Any numeric form (also 0x7f.1 or 2130706433, should one get here) is taken as the address it means.
        if (IPAddress.TryParse(host, out var literal))
        {
            addresses = [literal];
        }
        else
        {
            if (NameProblem(host) is { } problem)
            {
                throw new HttpRequestException(HttpRequestError.ConnectionError, $"refused: {problem}");
            }

            addresses = await _resolve(host, cancellationToken);
        }

        var allowedByName = _allowedNames.Contains(host);
        foreach (var address in addresses)
        {
            if (!allowedByName && !AllowedAddress(address))
            {
                throw new HttpRequestException(HttpRequestError.ConnectionError,
                    $"refused: webhook host {host} resolves to {address}, {RefusalReason(address)}");
            }
        }

        if (addresses.Length == 0)
        {
            throw new HttpRequestException(HttpRequestError.NameResolutionError, $"webhook host {host} has no addresses");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            // Only the addresses checked above are dialled: a second DNS answer is never asked for.
            await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private bool AllowedAddress(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return RefusalReason(address) is null || _allowedRanges.Exists(r => InRange(address, r.Network, r.Prefix));
    }

    private string? NameProblem(string host)
    {
        if (_allowedNames.Contains(host))
        {
            return null;
        }

        if (RefusedNames.Contains(host, StringComparer.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase))
        {
            return $"webhook_url host {host} names the local machine or a metadata service; add it to {AlertOptions.SectionName}:AllowedWebhookHosts if it is meant";
        }

        // The C resolver reads names such as 0x7f.1 or 127.1.2 as IPv4 addresses; no real top-level domain starts with a digit.
        var last = host[(host.LastIndexOf('.') + 1)..];
        if (last.Length == 0 || char.IsAsciiDigit(last[0]) || !IsHostName(host))
        {
            return $"webhook_url host {host} is not a valid host name or a dotted IPv4 address";
        }

        return null;
    }

    /// <summary>True when <paramref name="entry"/> is an IP address or a CIDR range (<c>10.1.0.0/16</c>, <c>fd00::/8</c>).</summary>
    public static bool TryParseRange(string? entry, out IPAddress network, out int prefix)
    {
        network = IPAddress.None;
        prefix = 0;
        if (string.IsNullOrWhiteSpace(entry))
        {
            return false;
        }

        var text = entry.Trim();
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var addressText = (slash < 0 ? text : text[..slash]).Trim('[', ']');
        // Only canonical forms: IPAddress.TryParse would also read "1" or "0x7f.1" as addresses.
        if (!IPAddress.TryParse(addressText, out var address)
            || (address.AddressFamily == AddressFamily.InterNetwork && addressText.Count(c => c == '.') != 3))
        {
            return false;
        }

        var max = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        if (slash < 0)
        {
            (network, prefix) = (address, max);
            return true;
        }

        if (!int.TryParse(text[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out prefix) || prefix > max)
        {
            return false;
        }

        network = address;
        return true;
    }

    /// <summary>True for a DNS host name made of letters, digits, hyphens and dots (no scheme, port or path).</summary>
    public static bool IsHostName(string? text) =>
        !string.IsNullOrEmpty(text) && text.Length <= 253
        && Uri.CheckHostName(text) == UriHostNameType.Dns
        && text.TrimEnd('.').Split('.').All(label => label.Length is > 0 and <= 63 && label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'));

    private static bool InRange(IPAddress address, IPAddress network, int prefix)
    {
        if (address.AddressFamily != network.AddressFamily)
        {
            return false;
        }

        var a = address.GetAddressBytes();
        var n = network.GetAddressBytes();
        var full = prefix / 8;
        for (var i = 0; i < full; i++)
        {
            if (a[i] != n[i])
            {
                return false;
            }
        }

        var rest = prefix % 8;
        if (rest == 0)
        {
            return true;
        }

        var mask = (byte)(0xFF << (8 - rest));
        return (a[full] & mask) == (n[full] & mask);
    }
}
