using ThreatScorer.Core.Articles;
using ThreatScorer.Core.Scoring;

namespace ThreatScorer.Core.Storage;

/// <summary>
/// The scored store. Every write that belongs to one article happens in one transaction, so a crash never
/// leaves half a score; scores are keyed by (article, article version, model versions) so re-scoring with a
/// new model keeps the history.
/// </summary>
public interface IArticleStore
{
    /// <summary>Creates or upgrades the schema (versioned migrations). Safe to call on every start.</summary>
    Task MigrateAsync(CancellationToken cancellationToken);

    /// <summary>The schema version now in the database.</summary>
    Task<int> GetSchemaVersionAsync(CancellationToken cancellationToken);

    /// <summary>True when an inbox file with this path, size and modification time was read already.</summary>
    Task<bool> IsInboxFileUnchangedAsync(string path, long size, DateTimeOffset modifiedAt, CancellationToken cancellationToken);

    /// <summary>Remembers that an inbox file was read in this state.</summary>
    Task MarkInboxFileReadAsync(string path, long size, DateTimeOffset modifiedAt, CancellationToken cancellationToken);

    /// <summary>Adds an accepted article (deduplicated on URL, else on the normalised text).</summary>
    Task<(IngestOutcome Outcome, string ArticleId)> IngestAsync(RawArticle article, string normalizedTextHash, CancellationToken cancellationToken);

    /// <summary>Records a rejected input with its reason (once per distinct content and location).</summary>
    Task<(IngestOutcome Outcome, string ArticleId)> RecordRejectionAsync(ArticleReadResult rejected, CancellationToken cancellationToken);

    /// <summary>
    /// Claims up to <paramref name="limit"/> articles waiting to be scored (status new, no live lease), oldest
    /// first, for <paramref name="workerId"/> until now + <paramref name="lease"/>. Replicas never get the same
    /// article while its lease is live; an expired lease (a killed worker) is claimed again.
    /// </summary>
    Task<IReadOnlyList<StoredArticle>> ClaimPendingAsync(string workerId, int limit, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>Extends the lease on the articles <paramref name="workerId"/> still holds (a long batch).</summary>
    Task RenewClaimsAsync(string workerId, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>Gives back every article <paramref name="workerId"/> holds and has not finished (clean shutdown).</summary>
    Task<int> ReleaseClaimsAsync(string workerId, CancellationToken cancellationToken);

    /// <summary>
    /// True when <paramref name="exception"/> means the store is unreachable or busy for now (the work should be
    /// retried after a pause), not that the request itself is wrong.
    /// </summary>
    bool IsTransient(Exception exception);

    /// <summary>
    /// Stores an assessment and marks the article scored, in one transaction. Idempotent on (article, version,
    /// models): saving the same assessment twice (a job that ran twice) replaces, never duplicates, and counts in
    /// <see cref="StoredArticle.SaveCount"/>. <paramref name="workerId"/> is recorded as the scorer and its claim is cleared.
    /// </summary>
    /// <returns>
    /// True when saved; false, with nothing written, when the store holds another version of the article (it was
    /// re-ingested, e.g. edited, while this version was being scored: the newer version waits to be scored).
    /// </returns>
    /// <exception cref="InvalidOperationException">The article is not in the store at all.</exception>
    Task<bool> SaveAssessmentAsync(ArticleAssessment assessment, string? workerId, CancellationToken cancellationToken);

    /// <summary>
    /// Marks an article rejected after ingest (e.g. too many sentences once cleaned); only while this
    /// <paramref name="version"/> of it waits (a late report about an older version never lands on a newer one).
    /// </summary>
    Task MarkRejectedAsync(string articleId, int version, string reason, CancellationToken cancellationToken);

    /// <summary>
    /// Counts a failed scoring attempt and releases the claim; the article is not claimed again before
    /// <paramref name="retryDelay"/> has passed, and becomes failed once <paramref name="maxAttempts"/> is reached.
    /// Only this <paramref name="version"/> of the article, still waiting (status new), is touched: a late report
    /// never undoes a score, nor counts against a newer version.
    /// </summary>
    Task RecordFailureAsync(string articleId, int version, string errorMessage, int maxAttempts, TimeSpan retryDelay, CancellationToken cancellationToken);

    Task<StoredArticle?> GetArticleAsync(string articleId, CancellationToken cancellationToken);

    /// <summary>The latest assessment JSON of an article (null when not scored).</summary>
    Task<string?> GetLatestAssessmentJsonAsync(string articleId, CancellationToken cancellationToken);

    /// <summary>Articles per status.</summary>
    Task<IReadOnlyDictionary<string, int>> CountByStatusAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Scored articles ingested at or after <paramref name="since"/>, each with the model-version key of its latest
    /// assessment (for re-scoring with newer models), oldest first.
    /// </summary>
    Task<IReadOnlyList<(StoredArticle Article, string ModelVersion)>> ListScoredSinceAsync(DateTimeOffset since, CancellationToken cancellationToken);

    /// <summary>Most recent articles with their status, newest first.</summary>
    Task<IReadOnlyList<StoredArticle>> ListArticlesAsync(int limit, string? status, CancellationToken cancellationToken);
}
