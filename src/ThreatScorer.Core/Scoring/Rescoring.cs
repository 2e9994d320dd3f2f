using Microsoft.Extensions.Logging;
using ThreatScorer.Core.Alerts;
using ThreatScorer.Core.Articles;
using ThreatScorer.Core.Models;
using ThreatScorer.Core.Storage;

namespace ThreatScorer.Core.Scoring;

/// <summary>What a re-scoring pass did.</summary>
public sealed record RescoreSummary(int Considered, int Rescored, int AlreadyCurrent, int Failed);

/// <summary>
/// Re-scores stored articles with the active models. Old assessments stay: scores are keyed by model versions,
/// so each article keeps a history per model version.
/// </summary>
public sealed class Rescoring(IArticleStore store, ArticleScorer scorer, ScoringModelProvider models, AlertMatching alerts, ILogger<Rescoring> logger)
{
    /// <param name="since">Articles ingested at or after this time.</param>
    /// <param name="task">Only articles whose score came from another version of this task's model; null = any model differs.</param>
    /// <param name="limits">Input limits (as the worker's).</param>
    /// <param name="cancellationToken">Stops between articles.</param>
    public async Task<RescoreSummary> RescoreAsync(DateTimeOffset since, string? task, ArticleLimits limits, CancellationToken cancellationToken)
    {
        models.RefreshIfChanged(force: true);
        var current = models.Current.Versions;
        var wanted = task switch
        {
            null => null,
            ModelTasks.Stance => "stance=" + current.Stance,
            ModelTasks.Sentiment => "sentiment=" + current.Sentiment,
            ModelTasks.Threat => "threat=" + current.Threat,
            ModelTasks.Interaction => "interaction=" + current.Interaction,
            _ => throw new ArgumentException($"Unknown task '{task}'; known: {string.Join(", ", ModelTasks.Known)}.", nameof(task)),
        };

        int considered = 0, rescored = 0, current_ = 0, failed = 0;
        foreach (var (article, modelVersion) in await store.ListScoredSinceAsync(since, cancellationToken))
        {
            cancellationToken.ThrowIfCancellationRequested();
            considered++;
            var upToDate = wanted is null
                ? modelVersion == current.Key
                : modelVersion.Split(';').Contains(wanted, StringComparer.Ordinal);
            if (upToDate)
            {
                current_++;
                continue;
            }

            try
            {
                var raw = new RawArticle
                {
                    ExternalId = article.ExternalId, Title = article.Title, Text = article.Text ?? string.Empty, Url = article.Url,
                    Source = article.Source, PublishedAt = article.PublishedAt, Language = article.Language,
                    SourcePath = article.SourcePath, SourceLine = article.SourceLine,
                };
                var result = scorer.Score(raw, new ArticleIdentity(article.Id, article.Version), limits, cancellationToken);
                if (result.Assessment is { } assessment)
                {
                    if (!await store.SaveAssessmentAsync(assessment, "rescore", CancellationToken.None))
                    {
                        // Re-ingested meanwhile: the newer version waits for the worker, which scores it with the active models.
                        logger.LogInformation("Re-scoring {ArticleId} version {Version} skipped: superseded by a newer version", article.Id, article.Version);
                        continue;
                    }

                    await alerts.TryEnqueueMatchesAsync(assessment, logger);
                    rescored++;
                }
                else
                {
                    failed++;
                    logger.LogWarning("Re-scoring {ArticleId} rejected it: {Reason}", article.Id, result.RejectionReason);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                failed++;
                logger.LogError(ex, "Re-scoring {ArticleId} failed", article.Id);
            }
        }

        return new RescoreSummary(considered, rescored, current_, failed);
    }
}
