namespace ThreatScorer.Core.Articles;

/// <summary>Input limits; anything over them is rejected with a reason, never a crash.</summary>
public sealed record ArticleLimits
{
    public const long DefaultMaxArticleBytes = 1_000_000;
    public const int DefaultMaxSentences = 2_000;

    public long MaxArticleBytes { get; init; } = DefaultMaxArticleBytes;
    public int MaxSentences { get; init; } = DefaultMaxSentences;

    public static ArticleLimits Default { get; } = new();
}
