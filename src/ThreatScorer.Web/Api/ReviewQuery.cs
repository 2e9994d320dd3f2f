using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using ThreatScorer.Core.Storage;
using ThreatScorer.Core.Threat;

namespace ThreatScorer.Web.Api;

/// <summary>
/// The list filter as query-string parameters, shared by the HTML list, the JSON API and the exports, so any
/// view's URL can be turned into its export by changing the path.
/// </summary>
internal sealed record ReviewQuery(ReviewFilter Filter, string? Cursor, int PageSize, IReadOnlyList<string> Problems)
{
    public const int DefaultPageSize = 50;

    private const int MaxTextLength = 500;

    private static readonly string[] StanceLabels = ["negative", "neutral", "positive"];

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

            problems.Add($"{key} must be a number from 0 to 1 (got '{Clip(v)}').");
            return null;
        }

        DateTimeOffset? Date(string key, bool endOfDay)
        {
            if (Text(key) is not { } v)
            {
                return null;
            }

            if (DateTimeOffset.TryParse(v, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var d)
                && d.Year is >= 1 and <= 9998)
            {
                // A bare date as the upper bound means "through that day".
                return endOfDay && v.Length <= 10 ? d.AddDays(1) : d;
            }

            problems.Add($"{key} must be a date from 0001-01-01 to 9998-12-31 such as 2026-11-28 (got '{Clip(v)}').");
            return null;
        }

        var sort = Text("sort") switch
        {
            null or "newest" => ReviewSort.Newest,
            "oldest" => ReviewSort.Oldest,
            "threat" => ReviewSort.Threat,
            var other => Problem(problems, $"sort must be newest, oldest or threat (got '{Clip(other)}')."),
        };
        var size = DefaultPageSize;
        var after = Text("after");
        if (after is not null && ReviewCursor.Decode(after, sort) is null)
        {
            problems.Add($"after must be the 'next' cursor of a page of this list (sorted by {sort.ToString().ToLowerInvariant()}); got '{Clip(after)}'.");
            after = null;
        }

        if (Text("size") is { } sizeText && (!int.TryParse(sizeText, CultureInfo.InvariantCulture, out size) || size is < 1 or > 500))
        {
            problems.Add($"size must be from 1 to 500 (got '{Clip(sizeText)}').");
            size = DefaultPageSize;
        }

        string? OneOf(string key, IReadOnlyCollection<string> allowed)
        {
            if (Text(key) is not { } v)
            {
                return null;
            }

            if (allowed.Contains(v))
            {
                return v;
            }

            problems.Add($"{key} must be one of {string.Join(", ", allowed)} (got '{Clip(v)}').");
            return null;
        }

        var q = Text("q");
        if (q is { Length: > MaxTextLength })
        {
            problems.Add($"q must be at most {MaxTextLength} characters (got {q.Length}).");
            q = null;
        }

        var filter = new ReviewFilter
        {
            Text = q,
            Level = OneOf("level", ThreatLabels.Levels),
            MinScore = Number("min"),
            MaxScore = Number("max"),
            Kind = OneOf("kind", ThreatLabels.Kinds),
            Actor = Text("actor"),
            Stance = OneOf("stance", StanceLabels),
            Source = Text("source"),
            Language = Text("lang"),
            From = Date("from", endOfDay: false),
            To = Date("to", endOfDay: true),
            Sort = sort,
        };
        return new ReviewQuery(filter, after, size, problems);
    }

    /// <summary>The filter part of <paramref name="query"/> as a query string (with a leading '?', or empty).</summary>
    public static string FilterQueryString(IQueryCollection query, params (string Key, string? Value)[] extra)
    {
        var pairs = FilterKeys.Where(k => query[k].ToString().Length > 0).Select(k => new KeyValuePair<string, string?>(k, query[k].ToString()))
            .Concat(extra.Where(e => e.Value is not null).Select(e => new KeyValuePair<string, string?>(e.Key, e.Value)))
            .ToList();
        return pairs.Count == 0 ? string.Empty : QueryHelpers.AddQueryString(string.Empty, pairs);
    }

    // Error messages echo what was sent, but not a megabyte of it.
    private static string Clip(string value) => value.Length <= 80 ? value : value[..80] + "…";

    private static ReviewSort Problem(List<string> problems, string message)
    {
        problems.Add(message);
        return ReviewSort.Newest;
    }
}
