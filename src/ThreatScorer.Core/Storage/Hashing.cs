using System.Security.Cryptography;
using System.Text;

namespace ThreatScorer.Core.Storage;

/// <summary>Stable identifiers derived from content.</summary>
public static class Hashing
{
    /// <summary>Lower-case hex SHA-256 of the UTF-8 bytes of <paramref name="text"/>.</summary>
    public static string Sha256Hex(string text) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>The first 16 hex digits of <see cref="Sha256Hex"/>, prefixed: short, stable ids.</summary>
    public static string ShortId(string prefix, string key) => prefix + Sha256Hex(key)[..16];

    /// <summary>Normalises a URL for deduplication: scheme and host lower-cased, fragment and trailing slash dropped.</summary>
    public static string NormalizeUrl(string url)
    {
        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri))
        {
            return url.Trim();
        }

        var builder = new UriBuilder(uri) { Fragment = string.Empty };
        if (builder.Uri.IsDefaultPort)
        {
            builder.Port = -1;
        }

        var text = builder.Uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.PathAndQuery, UriFormat.UriEscaped);
        return text.TrimEnd('/');
    }
}
