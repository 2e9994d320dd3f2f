using System.Data.Common;

namespace ThreatScorer.Core.Storage;

/// <summary>
/// One reading of an <c>articles</c> row, for every store: both schemas name the columns alike, and both
/// providers read their time columns as <see cref="DateTimeOffset"/> (SQLite parses its ISO-8601 text).
/// </summary>
internal static class StoredArticleRows
{
    public static async Task<List<StoredArticle>> ReadAllAsync(DbCommand command, CancellationToken cancellationToken) =>
        [.. (await ReadAllAsync(command, extraColumn: null, cancellationToken)).Select(r => r.Article)];

    /// <summary>The rows, each with the text of <paramref name="extraColumn"/> (null when not asked for or NULL).</summary>
    public static async Task<List<(StoredArticle Article, string? Extra)>> ReadAllAsync(
        DbCommand command, string? extraColumn, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<(StoredArticle, string?)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add((Read(reader), extraColumn is null ? null : String(reader, extraColumn)));
        }

        return rows;
    }

    private static StoredArticle Read(DbDataReader reader) => new()
    {
        Id = reader.GetString(reader.GetOrdinal("id")),
        Version = reader.GetInt32(reader.GetOrdinal("version")),
        DedupeKey = reader.GetString(reader.GetOrdinal("dedupe_key")),
        ContentHash = reader.GetString(reader.GetOrdinal("content_hash")),
        ExternalId = String(reader, "external_id"),
        Title = String(reader, "title"),
        Text = String(reader, "text"),
        Url = String(reader, "url"),
        Source = String(reader, "source"),
        Language = String(reader, "language"),
        PublishedAt = Time(reader, "published_at"),
        SourcePath = reader.GetString(reader.GetOrdinal("source_path")),
        SourceLine = reader.IsDBNull(reader.GetOrdinal("source_line")) ? null : reader.GetInt32(reader.GetOrdinal("source_line")),
        IngestedAt = Time(reader, "ingested_at") ?? DateTimeOffset.MinValue,
        Status = reader.GetString(reader.GetOrdinal("status")),
        Reason = String(reader, "reason") ?? String(reader, "last_error"),
        Attempts = reader.GetInt32(reader.GetOrdinal("attempts")),
        ScoredAt = Time(reader, "scored_at"),
        ClaimedBy = String(reader, "claimed_by"),
        LeaseUntil = Time(reader, "lease_until"),
        ScoredBy = String(reader, "scored_by"),
        SaveCount = reader.GetInt32(reader.GetOrdinal("save_count")),
    };

    private static string? String(DbDataReader reader, string column)
    {
        var ordinal = reader.GetOrdinal(column);
        return reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
    }

    private static DateTimeOffset? Time(DbDataReader reader, string column)
    {
        var ordinal = reader.GetOrdinal(column);
        return reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<DateTimeOffset>(ordinal).ToUniversalTime();
    }
}
