using ThreatScorer.Core.Articles;

namespace ThreatScorer.Core.Scoring;

/// <summary>Scores one article (the pipeline from cleaning to assessment); <see cref="ArticleScorer"/> is the real one.</summary>
public interface IArticleScorer
{
    /// <summary>Scores an article, or says why it cannot be scored.</summary>
    ScoringResult Score(RawArticle article, ArticleIdentity identity, ArticleLimits limits, CancellationToken cancellationToken);
}
