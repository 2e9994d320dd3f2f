namespace ThreatScorer.Core.Storage;

/// <summary>SQL that reads the same on SQLite and PostgreSQL, with the parameter prefix of the provider.</summary>
internal static class ArticleQueries
{
    /// <summary>The column <see cref="ScoredSinceWithLatestModel"/> adds to each article row.</summary>
    public const string LatestModelColumn = "latest_model_version";

    /// <summary>
    /// Scored articles ingested at or after <paramref name="sinceParameter"/>, oldest first, each with the model key of
    /// its current version's latest assessment — one query, not one more per article.
    /// </summary>
    public static string ScoredSinceWithLatestModel(string sinceParameter) => $"""
        SELECT a.*,
            (SELECT s.model_version FROM assessments s
             WHERE s.article_id = a.id AND s.article_version = a.version
             ORDER BY s.scored_at DESC LIMIT 1) AS {LatestModelColumn}
        FROM articles a
        WHERE a.status = 'scored' AND a.ingested_at >= {sinceParameter}
        ORDER BY a.ingested_at, a.id;
        """;
}
