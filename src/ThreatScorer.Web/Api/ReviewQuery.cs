using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using ThreatScorer.Core.Storage;

namespace ThreatScorer.Web.Api;

/// <summary>
/// The list filter as query-string parameters, shared by the HTML list, the JSON API and the exports, so any
/// view's URL can be turned into its export by changing the path.
/// </summary>
internal sealed record ReviewQuery(ReviewFilter Filter, string? Cursor, int PageSize, IReadOnlyList<string> Problems)
{
    public const int DefaultPageSize = 50;

    /// <summary>The filter parameters, in form order (cursor and page size are not part of a view's identity).</summary>
    public static IReadOnlyList<string> FilterKeys { get; } =
        ["q", "level", "min", "max", "kind", "actor", "stance", "source", "lang", "from", "to", "sort"];

    public static ReviewQuery From(IQueryCollection query)
    {
        var problems = new List<string>();
        string? Text(string key) => query[key].ToString() is { Length: > 0 } v ? v.Trim() : null;
        double? Number(string key)
        {
            if (Text(key) is not { } v)
            {
                return null;
            }

            if (double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d is >= 0 and <= 1)
            {
                return d;
            }

            problems.Add($"{key} must be a number from 0 to 1 (got '{v}').");
            return null;
        }

        DateTimeOffset? Date(string key, bool endOfDay)
        {
            if (Text(key) is not { } v)
            {
                return null;
            }

            if (DateTimeOffset.TryParse(v, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var d))
            {
                // A bare date as the upper bound means "through that day".
                return endOfDay && v.Length <= 10 ? d.AddDays(1) : d;
            }

            problems.Add($"{key} must be a date such as 2026-11-28 (got '{v}').");
            return null;
        }

        var sort = Text("sort") switch
        {
            null or "newest" => ReviewSort.Newest,
            "oldest" => ReviewSort.Oldest,
            "threat" => ReviewSort.Threat,
            var other => Problem(problems, $"sort must be newest, oldest or threat (got '{other}')."),
        };
        var size = DefaultPageSize;
        if (Text("size") is { } sizeText && (!int.TryParse(sizeText, CultureInfo.InvariantCulture, out size) || size is < 1 or > 500))
        {
            problems.Add($"size must be from 1 to 500 (got '{sizeText}').");
            size = DefaultPageSize;
        }

        var filter = new ReviewFilter
        {
            Text = Text("q"),
            Level = Text("level"),
            MinScore = Number("min"),
            MaxScore = Number("max"),
            Kind = Text("kind"),
            Actor = Text("actor"),
            Stance = Text("stance"),
            Source = Text("source"),
            Language = Text("lang"),
            From = Date("from", endOfDay: false),
            To = Date("to", endOfDay: true),
            Sort = sort,
        };
        return new ReviewQuery(filter, Text("after"), size, problems);
    }

    /// <summary>The filter part of <paramref name="query"/> as a query string (with a leading '?', or empty).</summary>
    public static string FilterQueryString(IQueryCollection query, params (string Key, string? Value)[] extra)
    {
        var pairs = FilterKeys.Where(k => query[k].ToString().Length > 0).Select(k => new KeyValuePair<string, string?>(k, query[k].ToString()))
            .Concat(extra.Where(e => e.Value is not null).Select(e => new KeyValuePair<string, string?>(e.Key, e.Value)))
            .ToList();
        return pairs.Count == 0 ? string.Empty : QueryHelpers.AddQueryString(string.Empty, pairs);
    }

    private static ReviewSort Problem(List<string> problems, string message)
    {
        problems.Add(message);
        return ReviewSort.Newest;
    }
}
