namespace ThreatScorer.Core.Storage;

/// <summary>Where an article is in its life: new → scored, or rejected (with a reason), or failed (after retries).</summary>
public static class ArticleStatus
{
    public const string New = "new";
    public const string Scored = "scored";
    public const string Rejected = "rejected";
    public const string Failed = "failed";
}

/// <summary>An article row as the store keeps it.</summary>
public sealed record StoredArticle
{
    public required string Id { get; init; }
    public required int Version { get; init; }
    public required string DedupeKey { get; init; }
    public required string ContentHash { get; init; }
    public string? ExternalId { get; init; }
    public string? Title { get; init; }
    public string? Text { get; init; }
    public string? Url { get; init; }
    public string? Source { get; init; }
    public string? Language { get; init; }
    public DateTimeOffset? PublishedAt { get; init; }
    public required string SourcePath { get; init; }
    public int? SourceLine { get; init; }
    public required DateTimeOffset IngestedAt { get; init; }
    public required string Status { get; init; }
    public string? Reason { get; init; }
    public int Attempts { get; init; }
    public DateTimeOffset? ScoredAt { get; init; }

    /// <summary>The worker that holds (or last held) the claim on this article.</summary>
    public string? ClaimedBy { get; init; }

    /// <summary>Until when the claim holds; a waiting article is not claimed again before this.</summary>
    public DateTimeOffset? LeaseUntil { get; init; }

    /// <summary>The worker that saved the latest score (<c>rescore</c> when it came from re-scoring).</summary>
    public string? ScoredBy { get; init; }

    /// <summary>
    /// Counts repeated saves: a save that replaces an assessment with the same key (article, version, model
    /// versions) adds 1; a save with a key not stored before (a new version, or re-scoring with other models) sets
    /// it to 1. More than 1: the same article version was scored twice with the same models (a job that ran twice).
    /// </summary>
    public int SaveCount { get; init; }
}

/// <summary>What ingesting one input did.</summary>
public enum IngestOutcome
{
    /// <summary>A new article, queued for scoring.</summary>
    Added,

    /// <summary>An article seen before with other content: a new version, queued for scoring.</summary>
    NewVersion,

    /// <summary>Seen before with the same content: nothing to do.</summary>
    Duplicate,

    /// <summary>Recorded as rejected with its reason.</summary>
    Rejected,
}
