namespace ThreatScorer.Core.Feeds;

/// <summary>What is remembered about one configured feed between runs (table <c>feed_sources</c>).</summary>
/// <param name="Name">The configured source name (the key).</param>
/// <param name="Url">The feed URL the state belongs to; a changed URL starts the source afresh.</param>
/// <param name="Watermark">Newest item publication time already handled; older items are not fetched again.</param>
/// <param name="ETag">The feed's last ETag, sent back as <c>If-None-Match</c>.</param>
/// <param name="LastModified">The feed's last <c>Last-Modified</c>, sent back as <c>If-Modified-Since</c>.</param>
/// <param name="ErrorCount">Errors counted for this source so far (feed fetches and article pages).</param>
/// <param name="LastError">The most recent error message.</param>
/// <param name="LastErrorAt">When the most recent error happened.</param>
/// <param name="LastFetchedAt">When the feed was last requested, whatever the outcome.</param>
/// <param name="LastSuccessAt">When the feed last answered with a document or 304.</param>
public sealed record FeedSourceState(
    string Name,
    string Url,
    DateTimeOffset? Watermark,
    string? ETag,
    string? LastModified,
    int ErrorCount,
    string? LastError,
    DateTimeOffset? LastErrorAt,
    DateTimeOffset? LastFetchedAt,
    DateTimeOffset? LastSuccessAt);

/// <summary>Per-source feed state: watermark, conditional-GET validators and the error count.</summary>
public interface IFeedSourceStore
{
    Task<FeedSourceState?> GetAsync(string name, CancellationToken cancellationToken);

    /// <summary>Every source with state, by name.</summary>
    Task<IReadOnlyList<FeedSourceState>> ListAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Records a fetched and processed feed: the new validators replace the old, the watermark only moves forward
    /// (a changed <paramref name="url"/> resets it).
    /// </summary>
    Task RecordFetchedAsync(string name, string url, string? etag, string? lastModified, DateTimeOffset? watermark, CancellationToken cancellationToken);

    /// <summary>Records a <c>304 Not Modified</c> answer (only the fetch time changes).</summary>
    Task RecordNotModifiedAsync(string name, string url, CancellationToken cancellationToken);

    /// <summary>Adds one to the source's error count and keeps the message.</summary>
    Task RecordErrorAsync(string name, string url, string message, CancellationToken cancellationToken);

    /// <summary>True when an article with this URL (after normalisation) is already stored.</summary>
    Task<bool> IsArticleUrlKnownAsync(string url, CancellationToken cancellationToken);
}
