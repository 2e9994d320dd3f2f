using Microsoft.Extensions.Logging;
using ThreatScorer.Core.Alerts;
using ThreatScorer.Core.Articles;
using ThreatScorer.Core.Ingestion;
using ThreatScorer.Core.Storage;

namespace ThreatScorer.Core.Scoring;

/// <summary>What one run did.</summary>
public sealed record RunSummary(string RunId, IngestSummary Ingest, int Scored, int Rejected, int Failed, TimeSpan Duration, bool Cancelled);

/// <summary>
/// One run of the worker: ingest the inbox folders, then score every pending article in batches. Each article
/// is scored and saved on its own (one transaction), so a crash or a cancellation between articles loses
/// nothing and an exception in one article only counts a failed attempt for that article.
/// </summary>
public sealed class ScoringRun(
    IArticleStore store,
    InboxIngestor ingestor,
    ArticleScorer scorer,
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

        var ingest = await ingestor.IngestFoldersAsync(settings.Folders, settings.Limits, cancellationToken);
        metrics.RecordIngested(ingest.Added + ingest.NewVersions);
        metrics.RecordRejected(ingest.Rejected);
        await RecordBacklogAsync(cancellationToken);
        int scored = 0, rejected = ingest.Rejected, failed = 0;
        var cancelled = false;
        PendingCursor? cursor = null;
        try
        {
            while (true)
            {
                var batch = await store.GetPendingAsync(settings.BatchSize, cursor, cancellationToken);
                if (batch.Count == 0)
                {
                    break;
                }

                foreach (var article in batch)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    cursor = new PendingCursor(article.IngestedAt, article.Id);

                    // Between articles: pick up a promoted or rolled-back model without a restart.
                    models.RefreshIfChanged();
                    switch (await ScoreOneAsync(article, settings, cancellationToken))
                    {
                        case ArticleOutcome.Scored: scored++; break;
                        case ArticleOutcome.Rejected: rejected++; break;
                        default: failed++; break;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            cancelled = true;
        }

        await RecordBacklogAsync(CancellationToken.None);

        var summary = new RunSummary(runId, ingest, scored, rejected, failed, time.GetElapsedTime(started), cancelled);
        logger.LogInformation(
            "Run {RunId} {State}: {Files} files read ({Unchanged} unchanged), {Added} new articles, {Versions} new versions, {Duplicates} duplicates, {Scored} scored, {Rejected} rejected, {Failed} failed in {DurationMs:F0} ms",
            runId, cancelled ? "cancelled" : "finished", ingest.FilesRead, ingest.FilesUnchanged, ingest.Added, ingest.NewVersions,
            ingest.Duplicates, scored, rejected, failed, summary.Duration.TotalMilliseconds);
        return summary;
    }

    private async Task<ArticleOutcome> ScoreOneAsync(StoredArticle article, ScoringRunSettings settings, CancellationToken cancellationToken)
    {
        using var scope = logger.BeginScope("article {ArticleId}", article.Id);
        var started = time.GetTimestamp();
        ScoringResult result;
        try
        {
            result = scorer.Score(ToRaw(article), new ArticleIdentity(article.Id, article.Version), settings.Limits, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // CancellationToken.None: the failure must be recorded even while shutting down.
            await store.RecordFailureAsync(article.Id, $"{ex.GetType().Name}: {ex.Message}", settings.MaxAttempts, CancellationToken.None);
            metrics.RecordFailed();
            logger.LogError(ex, "Scoring article {ArticleId} ({Source}) failed (attempt {Attempt} of {MaxAttempts})",
                article.Id, article.SourcePath, article.Attempts + 1, settings.MaxAttempts);
            return ArticleOutcome.Failed;
        }

        if (result.Assessment is not { } assessment)
        {
            await store.MarkRejectedAsync(article.Id, result.RejectionReason!, CancellationToken.None);
            metrics.RecordRejected(1);
            logger.LogWarning("Rejected article {ArticleId} ({Source}): {Reason}", article.Id, article.SourcePath, result.RejectionReason);
            return ArticleOutcome.Rejected;
        }

        // Once scored, the save is not cancelled half-way: it is one short transaction.
        await store.SaveAssessmentAsync(assessment, CancellationToken.None);
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
    }
}

/// <summary>What a run reads and how it batches.</summary>
public sealed record ScoringRunSettings(IReadOnlyList<string> Folders, ArticleLimits Limits, int BatchSize, int MaxAttempts);
