using Microsoft.Extensions.Logging;
using ThreatScorer.Core.Alerts;
using ThreatScorer.Core.Articles;
using ThreatScorer.Core.Ingestion;
using ThreatScorer.Core.Storage;

namespace ThreatScorer.Core.Scoring;

/// <summary>What one run did: what it ingested, and how many articles it scored, rejected, failed or found superseded.</summary>
/// <param name="RunId">The run's id (in every log line of the run).</param>
/// <param name="Ingest">The inbox ingest at the start of the run.</param>
/// <param name="Scored">Articles scored and saved.</param>
/// <param name="Rejected">Inputs rejected (at ingest or by the scorer).</param>
/// <param name="Failed">Scoring attempts that threw.</param>
/// <param name="Duration">Wall time of the run.</param>
/// <param name="Cancelled">Whether shutdown stopped the run early.</param>
/// <param name="Superseded">Scored but not saved: another replica ingested a newer version meanwhile (it is queued).</param>
public sealed record RunSummary(string RunId, IngestSummary Ingest, int Scored, int Rejected, int Failed, TimeSpan Duration, bool Cancelled, int Superseded = 0);

/// <summary>
/// One run of the worker: ingest the inbox folders, then claim pending articles in batches and score them until
/// none is left. Each article is scored and saved on its own (one transaction), so a crash or a cancellation
/// between articles loses nothing; an exception in one article only counts a failed attempt for that article.
/// Claims carry a lease: replicas sharing one store never score the same article at once, and the articles of
/// a killed worker are claimed again once its lease runs out. A store that goes away is waited for (with
/// back-off), not counted against the article.
/// </summary>
public sealed class ScoringRun(
    IArticleStore store,
    InboxIngestor ingestor,
    IArticleScorer scorer,
    ScoringModelProvider models,
    TimeProvider time,
    ScoringMetrics metrics,
    AlertMatching alerts,
    ILogger<ScoringRun> logger)
{
    public async Task<RunSummary> ExecuteAsync(ScoringRunSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var runId = Guid.NewGuid().ToString("N")[..12];
        using var scope = logger.BeginScope("run {RunId}", runId);
        var started = time.GetTimestamp();
        var retry = new StoreRetry(store, time, settings.MaxStoreOutage, logger);

        var ingest = await retry.RunAsync(ct => ingestor.IngestFoldersAsync(settings.Folders, settings.Limits, settings.QuietPeriod, ct), "ingest", cancellationToken);
        metrics.RecordIngested(ingest.Added + ingest.NewVersions);
        metrics.RecordRejected(ingest.Rejected);
        await retry.RunAsync(RecordBacklogAsync, "count the backlog", cancellationToken);
        int scored = 0, rejected = ingest.Rejected, failed = 0, superseded = 0;
        var cancelled = false;
        try
        {
            while (true)
            {
                var batch = await retry.RunAsync(
                    ct => store.ClaimPendingAsync(settings.WorkerId, settings.BatchSize, settings.Lease, ct), "claim a batch", cancellationToken);
                if (batch.Count == 0)
                {
                    break;
                }

                var leaseRenewedAt = time.GetTimestamp();
                foreach (var article in batch)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (time.GetElapsedTime(leaseRenewedAt) > settings.Lease / 2)
                    {
                        // A slow batch keeps its claims; a killed worker's run out on their own.
                        await retry.RunAsync(ct => store.RenewClaimsAsync(settings.WorkerId, settings.Lease, ct), "renew claims", cancellationToken);
                        leaseRenewedAt = time.GetTimestamp();
                    }

                    // Between articles: pick up a promoted or rolled-back model without a restart.
                    models.RefreshIfChanged();
                    switch (await ScoreOneAsync(article, settings, retry, cancellationToken))
                    {
                        case ArticleOutcome.Scored: scored++; break;
                        case ArticleOutcome.Rejected: rejected++; break;
                        case ArticleOutcome.Superseded: superseded++; break;
                        default: failed++; break;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            cancelled = true;
        }
        finally
        {
            // Whatever this run still holds goes back now (not when the lease runs out); best effort.
            try
            {
                var released = await store.ReleaseClaimsAsync(settings.WorkerId, CancellationToken.None);
                if (released > 0)
                {
                    logger.LogInformation("Released {Released} claimed articles not scored by this run", released);
                }
            }
            catch (Exception ex) when (store.IsTransient(ex))
            {
                logger.LogWarning("Could not release claims ({Error}); they return when the lease of {LeaseSeconds:F0} s runs out",
                    ex.Message, settings.Lease.TotalSeconds);
            }
        }

        try
        {
            await RecordBacklogAsync(CancellationToken.None);
        }
        catch (Exception ex) when (store.IsTransient(ex))
        {
            logger.LogWarning("Could not count the backlog: {Error}", ex.Message);
        }

        var summary = new RunSummary(runId, ingest, scored, rejected, failed, time.GetElapsedTime(started), cancelled, superseded);
        logger.LogInformation(
            "Run {RunId} {State}: {Files} files read ({Unchanged} unchanged), {Added} new articles, {Versions} new versions, {Duplicates} duplicates, {Scored} scored, {Rejected} rejected, {Failed} failed, {Superseded} superseded in {DurationMs:F0} ms",
            runId, cancelled ? "cancelled" : "finished", ingest.FilesRead, ingest.FilesUnchanged, ingest.Added, ingest.NewVersions,
            ingest.Duplicates, scored, rejected, failed, superseded, summary.Duration.TotalMilliseconds);
        return summary;
    }

    private async Task<ArticleOutcome> ScoreOneAsync(StoredArticle article, ScoringRunSettings settings, StoreRetry retry, CancellationToken cancellationToken)
    {
        using var scope = logger.BeginScope("article {ArticleId}", article.Id);
        var started = time.GetTimestamp();
        var raw = ToRaw(article);
        ScoringResult result;
        try
        {
            result = scorer.Score(raw, new ArticleIdentity(article.Id, article.Version), settings.Limits, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The write itself is never cancelled half-way; only the wait through a store outage stops at shutdown
            // (the attempt is then not counted, and the claim returns when its lease runs out).
            await retry.RunAsync(
                _ => store.RecordFailureAsync(article.Id, article.Version, $"{ex.GetType().Name}: {ex.Message}", settings.MaxAttempts, settings.RetryDelay, CancellationToken.None),
                "record a failure", cancellationToken);
            metrics.RecordFailed();
            logger.LogError(ex, "Scoring article {ArticleId} ({Location}) failed (attempt {Attempt} of {MaxAttempts})",
                article.Id, raw.Location, article.Attempts + 1, settings.MaxAttempts);
            return ArticleOutcome.Failed;
        }

        if (result.Assessment is not { } assessment)
        {
            await retry.RunAsync(_ => store.MarkRejectedAsync(article.Id, article.Version, result.RejectionReason!, CancellationToken.None), "record a rejection", cancellationToken);
            metrics.RecordRejected(1);
            logger.LogWarning("Rejected article {ArticleId} ({Location}): {Reason}", article.Id, raw.Location, result.RejectionReason);
            return ArticleOutcome.Rejected;
        }

        // Once scored, the save is not cancelled half-way: it is one short, idempotent transaction. During a store
        // outage it is retried with back-off; should shutdown come first, the claim runs out and the article is
        // scored again by whichever worker claims it next.
        if (!await retry.RunAsync(_ => store.SaveAssessmentAsync(assessment, settings.WorkerId, CancellationToken.None), "save a score", cancellationToken))
        {
            // Another replica ingested an edited copy while this one was scored: the newer version waits its turn.
            logger.LogWarning(
                "Article {ArticleId} version {Version} ({Location}) was superseded by a newer version while it was scored; its score was not saved and the newer version is queued",
                article.Id, article.Version, raw.Location);
            return ArticleOutcome.Superseded;
        }

        metrics.RecordScored(time.GetElapsedTime(started));
        await alerts.TryEnqueueMatchesAsync(assessment, logger);
        var topActors = string.Join(", ", assessment.Actors.Take(5).Select(a => $"{a.Name} {a.Label} {a.Score:+0.00;-0.00}"));
        logger.LogInformation(
            "Scored {ArticleId} \"{Title}\": threat {ThreatLevel} {ThreatScore:0.00} ({TopKind}); sentiment {Sentiment} {SentimentScore:+0.00;-0.00}; actors: {Actors}; {Sentences} sentences in {Ms:F0} ms",
            assessment.ArticleId, assessment.Title ?? "(untitled)", assessment.Threat.Level, assessment.Threat.Score,
            assessment.Threat.TopKind ?? "no kind", assessment.Sentiment.Label, assessment.Sentiment.Score,
            topActors.Length > 0 ? topActors : "none", assessment.SentenceCount, assessment.Timings.TotalMs);
        return ArticleOutcome.Scored;
    }

    private async Task RecordBacklogAsync(CancellationToken cancellationToken)
    {
        var counts = await store.CountByStatusAsync(cancellationToken);
        metrics.RecordBacklog(counts.GetValueOrDefault(ArticleStatus.New));
    }

    private static RawArticle ToRaw(StoredArticle article) => new()
    {
        ExternalId = article.ExternalId,
        Title = article.Title,
        Text = article.Text ?? string.Empty,
        Url = article.Url,
        Source = article.Source,
        PublishedAt = article.PublishedAt,
        Language = article.Language,
        SourcePath = article.SourcePath,
        SourceLine = article.SourceLine,
    };

    private enum ArticleOutcome
    {
        Scored,
        Rejected,
        Failed,

        /// <summary>Not saved: the store holds a newer version of the article (re-ingested while this one was scored).</summary>
        Superseded,
    }
}

/// <summary>What a run reads, how it batches and claims, and how it treats failures.</summary>
public sealed record ScoringRunSettings(IReadOnlyList<string> Folders, ArticleLimits Limits, int BatchSize, int MaxAttempts)
{
    /// <summary>The default of <see cref="Lease"/> (and of the worker's <c>Schedule:ClaimLease</c>): 5 minutes.</summary>
    public static readonly TimeSpan DefaultLease = TimeSpan.FromMinutes(5);

    /// <summary>The default of <see cref="RetryDelay"/> (and of <c>Schedule:RetryDelay</c>): 1 minute.</summary>
    public static readonly TimeSpan DefaultRetryDelay = TimeSpan.FromMinutes(1);

    /// <summary>The default of <see cref="MaxStoreOutage"/> (and of <c>Schedule:MaxStoreOutage</c>): 10 minutes.</summary>
    public static readonly TimeSpan DefaultMaxStoreOutage = TimeSpan.FromMinutes(10);

    /// <summary>Who claims: unique per worker process (two replicas never share one).</summary>
    public string WorkerId { get; init; } = WorkerIdentity.Default;

    /// <summary>How long a claim holds before another worker may take the article (renewed while a batch runs).</summary>
    public TimeSpan Lease { get; init; } = DefaultLease;

    /// <summary>After a failed attempt, the article waits this long before it is claimed again.</summary>
    public TimeSpan RetryDelay { get; init; } = DefaultRetryDelay;

    /// <summary>How long a run waits, with back-off, for a store that went away before it gives up.</summary>
    public TimeSpan MaxStoreOutage { get; init; } = DefaultMaxStoreOutage;

    /// <summary>
    /// How long an inbox file must hold still before it is read (the worker's <c>Inbox:QuietPeriod</c>); zero,
    /// the default here, reads every file at once, for callers that place whole files.
    /// </summary>
    public TimeSpan QuietPeriod { get; init; } = TimeSpan.Zero;
}

/// <summary>The claim identity of this process: host name, process id and a random part (a restart is a new worker).</summary>
public static class WorkerIdentity
{
    public static string Default { get; } =
        $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}";

    /// <summary>A configured worker id, or <see cref="Default"/> when none (empty or blank) is configured.</summary>
    public static string Resolve(string? configured) => string.IsNullOrWhiteSpace(configured) ? Default : configured;
}
