using ThreatScorer.Core.Articles;
using ThreatScorer.Core.Cleaning;

namespace ThreatScorer.Core.Storage;

/// <summary>
/// How an article is recognised again: deduplicated on its URL when it has one, else on a hash of its normalised
/// text; its id derives from that key. One definition for the store, every ingest path and <c>threatscorer score</c>.
/// </summary>
public static class ArticleKeys
{
    /// <summary>SHA-256 of the normalised title and text: equal for the same article however it was whitespaced or quoted.</summary>
    public static string ContentHash(RawArticle article)
    {
        ArgumentNullException.ThrowIfNull(article);
        return Hashing.Sha256Hex(TextCleaner.NormalizeForHash((article.Title ?? string.Empty) + "\n" + article.Text));
    }

    /// <summary>"url:…" for an article with a URL, else "text:" + <paramref name="contentHash"/>.</summary>
    public static string DedupeKey(RawArticle article, string contentHash)
    {
        ArgumentNullException.ThrowIfNull(article);
        return article.Url is { Length: > 0 } url ? UrlKey(url) : "text:" + contentHash;
    }

    public static string UrlKey(string url) => "url:" + Hashing.NormalizeUrl(url);

    /// <summary>The stable article id of a first version with this key (later versions keep it).</summary>
    public static string ArticleId(string dedupeKey) => Hashing.ShortId("a-", dedupeKey);
}
