using System.Globalization;
using System.Text.RegularExpressions;

namespace ThreatScorer.Core.Articles;

/// <summary>
/// Strict-enough ISO-8601 dates: "2025-02-10", "2025-02-10T12:05Z", "2025-02-10 12:05:00-05:00",
/// "2025-02-10T12:05:00.123+0530". A date or time without an offset is taken as UTC.
/// </summary>
internal static partial class IsoDate
{
    public static bool TryParse(string value, out DateTimeOffset result)
    {
        result = default;
        var match = Shape().Match(value.Trim());
        if (!match.Success)
        {
            return false;
        }

        // DateTimeOffset.TryParse wants "+05:30"; ISO also allows "+0530" and "+05".
        var text = match.Groups["head"].Value.Replace(',', '.');
        var offset = match.Groups["offset"].Value;
        if (offset.Length == 5)
        {
            offset = offset[..3] + ":" + offset[3..];
        }
        else if (offset.Length == 3)
        {
            offset += ":00";
        }

        return DateTimeOffset.TryParse(
            text + offset,
            CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces,
            out result);
    }

    [GeneratedRegex(
        @"^(?<head>\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?)?)"
        + @"(?<offset>[Zz]|[+-]\d{2}(?::?\d{2})?)?$")]
    private static partial Regex Shape();
}
