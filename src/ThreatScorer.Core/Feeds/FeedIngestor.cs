using System.Text;
using System.Xml;
using CodeHollow.FeedReader;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SmartReader;
using ThreatScorer.Core.Articles;
using ThreatScorer.Core.Cleaning;
using ThreatScorer.Core.Scoring;
using ThreatScorer.Core.Storage;

namespace ThreatScorer.Core.Feeds;

/// <summary>Counts of what one pass over the configured feeds did.</summary>
public sealed record FeedIngestSummary(
    int Sources, int NotModified, int FailedSources, int Items, int Added, int NewVersions, int Duplicates, int Skipped, int Rejected, int Errors)
{
    public static FeedIngestSummary Empty { get; } = new(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    public FeedIngestSummary Add(FeedIngestSummary other) => new(
        Sources + other.Sources, NotModified + other.NotModified, FailedSources + other.FailedSources, Items + other.Items,
        Added + other.Added, NewVersions + other.NewVersions, Duplicates + other.Duplicates, Skipped + other.Skipped,
        Rejected + other.Rejected, Errors + other.Errors);
}

/// <summary>
/// Reads the configured RSS/Atom feeds (conditional GET with the stored ETag and Last-Modified), fetches each new
/// item's page from an allowed host and extracts its main text with SmartReader, and stores it through
/// <see cref="IArticleStore.IngestAsync"/> with its URL (so an item seen again is a duplicate) and publication time.
/// A failing source or page is counted and recorded; it never stops the other items or sources.
/// </summary>
public sealed class FeedIngestor(
    IOptions<FeedOptions> options,
    FeedFetcher fetcher,
    IFeedSourceStore feedStore,
    IArticleStore store,
    ScoringMetrics scoringMetrics,
    FeedMetrics feedMetrics,
    ILogger<FeedIngestor> logger)
{
    /// <summary>One pass over every configured source, in configuration order.</summary>
    public async Task<FeedIngestSummary> IngestAllAsync(CancellationToken cancellationToken)
    {
        var total = FeedIngestSummary.Empty;
        foreach (var source in options.Value.Sources)
        {
            cancellationToken.ThrowIfCancellationRequested();
            total = total.Add(await IngestSourceAsync(source, cancellationToken));
        }

        scoringMetrics.RecordIngested(total.Added + total.NewVersions);
        scoringMetrics.RecordRejected(total.Rejected);
        return total;
    }

    private async Task<FeedIngestSummary> IngestSourceAsync(FeedSourceOptions source, CancellationToken cancellationToken)
    {
        using var scope = logger.BeginScope("feed {FeedSource}", source.Name);
        var settings = options.Value;
        var feedUrl = new Uri(source.Url);
        var state = await feedStore.GetAsync(source.Name, cancellationToken);
        if (state is not null && !string.Equals(state.Url, source.Url, StringComparison.Ordinal))
        {
            state = null; // the source now points elsewhere: its validators and watermark do not apply
        }

        var summary = FeedIngestSummary.Empty with { Sources = 1 };
        var fetched = await fetcher.GetAsync(feedUrl, u => u == feedUrl || source.IsAllowed(u), settings.MaxFeedBytes, settings.Timeout,
            state?.ETag, state?.LastModified, cancellationToken);
        if (fetched.Status == FetchStatus.NotModified)
        {
            await feedStore.RecordNotModifiedAsync(source.Name, source.Url, cancellationToken);
            feedMetrics.RecordFetch(source.Name, "not_modified");
            logger.LogDebug("Feed {FeedSource} not modified", source.Name);
            return summary with { NotModified = 1 };
        }

        var (feed, error) = fetched.Status == FetchStatus.Ok ? Parse(fetched.Body!) : (null, fetched.Error);
        if (feed is null)
        {
            await CountErrorAsync(source, error!, cancellationToken);
            feedMetrics.RecordFetch(source.Name, "error");
            return summary with { FailedSources = 1, Errors = 1 };
        }

        feedMetrics.RecordFetch(source.Name, "ok");
        DateTimeOffset? newest = null;
        foreach (var item in feed.Items.Take(source.MaxItems))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var published = PublishedAt(item);
            if (published is { } p && (newest is null || p > newest))
            {
                newest = p;
            }

            summary = summary.Add(await IngestItemAsync(source, feedUrl, item, published, state?.Watermark, cancellationToken));
        }

        await feedStore.RecordFetchedAsync(source.Name, source.Url, fetched.ETag, fetched.LastModified, newest, cancellationToken);
        logger.LogInformation(
            "Feed {FeedSource}: {Items} items, {Added} new articles, {Versions} new versions, {Duplicates} duplicates, {Skipped} already seen, {Rejected} rejected",
            source.Name, summary.Items, summary.Added, summary.NewVersions, summary.Duplicates, summary.Skipped, summary.Rejected);
        return summary;
    }

    private async Task<FeedIngestSummary> IngestItemAsync(
        FeedSourceOptions source, Uri feedUrl, FeedItem item, DateTimeOffset? published, DateTimeOffset? watermark, CancellationToken cancellationToken)
    {
        var seen = FeedIngestSummary.Empty with { Items = 1 };
        if (string.IsNullOrWhiteSpace(item.Link) || !Uri.TryCreate(feedUrl, item.Link.Trim(), out var link))
        {
            return seen.Add(await RejectAsync(source, feedUrl.ToString(), $"item \"{item.Title}\" has no usable link ('{item.Link}')", cancellationToken));
        }

        var url = link.ToString();
        if (!source.IsAllowed(link))
        {
            return seen.Add(await RejectAsync(source, url,
                $"link host '{link.Host}' is not in the allowed hosts ({string.Join(", ", source.EffectiveAllowedHosts)}); not fetched", cancellationToken));
        }

        if ((published is { } p && watermark is { } w && p < w) || await feedStore.IsArticleUrlKnownAsync(url, cancellationToken))
        {
            return seen with { Skipped = 1 };
        }

        var settings = options.Value;
        var page = await fetcher.GetAsync(link, source.IsAllowed, settings.MaxPageBytes, settings.Timeout, null, null, cancellationToken);
        if (page.Status != FetchStatus.Ok)
        {
            await CountErrorAsync(source, page.Error ?? $"GET {url} answered 304 without a conditional request", cancellationToken);
            return seen.Add(await RejectAsync(source, url, page.Error ?? "no page", cancellationToken)) with { Errors = 1 };
        }

        var extracted = Extract(link, page);
        if (string.IsNullOrWhiteSpace(extracted.TextContent))
        {
            return seen.Add(await RejectAsync(source, url, "no main text could be extracted from the page", cancellationToken));
        }

        var article = new RawArticle
        {
            ExternalId = string.IsNullOrWhiteSpace(item.Id) ? null : item.Id,
            Title = string.IsNullOrWhiteSpace(item.Title) ? extracted.Title : item.Title.Trim(),
            Text = TidyText(extracted.TextContent),
            Url = url,
            Source = source.Name,
            PublishedAt = published ?? (extracted.PublicationDate is { } d ? AsUtc(d) : null),
            Language = string.IsNullOrWhiteSpace(extracted.Language) ? null : extracted.Language,
            SourcePath = url,
        };
        var hash = ArticleKeys.ContentHash(article);
        var (outcome, id) = await store.IngestAsync(article, hash, cancellationToken);
        switch (outcome)
        {
            case IngestOutcome.Added:
                logger.LogInformation("Queued article {ArticleId} from feed {FeedSource}: {Url}", id, source.Name, url);
                return seen with { Added = 1 };
            case IngestOutcome.NewVersion:
                logger.LogInformation("Queued a new version of article {ArticleId} from feed {FeedSource}: {Url}", id, source.Name, url);
                return seen with { NewVersions = 1 };
            default:
                return seen with { Duplicates = 1 };
        }
    }

    private async Task<FeedIngestSummary> RejectAsync(FeedSourceOptions source, string location, string reason, CancellationToken cancellationToken)
    {
        var message = $"feed {source.Name}: {reason}";
        var (outcome, id) = await store.RecordRejectionAsync(new ArticleReadResult
        {
            SourcePath = location,
            RejectionReason = message,
            ContentHash = Hashing.Sha256Hex(message),
        }, cancellationToken);
        if (outcome != IngestOutcome.Rejected)
        {
            return FeedIngestSummary.Empty; // the same rejection was recorded by an earlier run
        }

        logger.LogWarning("Rejected {Location} ({ArticleId}): {Reason}", location, id, message);
        return FeedIngestSummary.Empty with { Rejected = 1 };
    }

    private async Task CountErrorAsync(FeedSourceOptions source, string error, CancellationToken cancellationToken)
    {
        await feedStore.RecordErrorAsync(source.Name, source.Url, error, cancellationToken);
        feedMetrics.RecordError(source.Name);
        logger.LogWarning("Feed {FeedSource}: {Error}", source.Name, error);
    }

    private static (Feed? Feed, string? Error) Parse(byte[] body)
    {
        Feed feed;
        try
        {
            feed = FeedReader.ReadFromByteArray(body);
        }
        catch (XmlException ex)
        {
            return (null, $"malformed feed XML: {ex.Message}");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // FeedReader reports other broken documents with assorted exception types; any of them is a bad feed.
            return (null, $"unreadable feed: {ex.GetType().Name}: {ex.Message}");
        }

        return feed.Type == FeedType.Unknown ? (null, "the document is neither RSS nor Atom") : (feed, null);
    }

    private static Article Extract(Uri url, FetchResult page)
    {
        var html = Decode(page.Body!, page.Charset);
        var reader = new Reader(url.ToString(), html);
        return reader.GetArticle();
    }

    private static string Decode(byte[] body, string? charset)
    {
        if (charset is { Length: > 0 })
        {
            try
            {
                return Encoding.GetEncoding(charset.Trim('"')).GetString(body);
            }
            catch (ArgumentException)
            {
                // An unknown charset label: UTF-8 below is the web's default and right far more often than not.
            }
        }

        return Encoding.UTF8.GetString(body);
    }

    private static string TidyText(string text) =>
        string.Join("\n", text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0));

    private static DateTimeOffset? PublishedAt(FeedItem item) => item.PublishingDate is { } d ? AsUtc(d) : null;

    // FeedReader gives local or unspecified DateTimes; a feed date without a zone is taken as UTC.
    private static DateTimeOffset AsUtc(DateTime time) => time.Kind switch
    {
        DateTimeKind.Utc => new DateTimeOffset(time, TimeSpan.Zero),
        DateTimeKind.Local => new DateTimeOffset(time).ToUniversalTime(),
        _ => new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc), TimeSpan.Zero),
    };
}
