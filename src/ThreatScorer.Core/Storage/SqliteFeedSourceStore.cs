using System.Globalization;
using Microsoft.Data.Sqlite;
using ThreatScorer.Core.Feeds;

namespace ThreatScorer.Core.Storage;

/// <summary>Feed state in the same SQLite file as the articles (table <c>feed_sources</c>, migration 5).</summary>
public sealed class SqliteFeedSourceStore : IFeedSourceStore
{
    private readonly string _connectionString;
    private readonly TimeProvider _time;

    public SqliteFeedSourceStore(string databasePath, TimeProvider time)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        _time = time;
        _connectionString = SqliteConnections.ConnectionString(databasePath);
    }

    public async Task<FeedSourceState?> GetAsync(string name, CancellationToken cancellationToken)
    {
        var rows = await QueryAsync("SELECT * FROM feed_sources WHERE name = $n;", cancellationToken, ("$n", name));
        return rows.Count > 0 ? rows[0] : null;
    }

    public async Task<IReadOnlyList<FeedSourceState>> ListAsync(CancellationToken cancellationToken) =>
        await QueryAsync("SELECT * FROM feed_sources ORDER BY name;", cancellationToken);

    public Task RecordFetchedAsync(string name, string url, string? etag, string? lastModified, DateTimeOffset? watermark, CancellationToken cancellationToken)
    {
        var now = Now();
        // Formatted as round-trip UTC text, so the text comparison below is a time comparison.
        return ExecuteAsync("""
            INSERT INTO feed_sources (name, url, watermark, etag, last_modified, last_fetched_at, last_success_at)
            VALUES ($n, $u, $w, $e, $lm, $now, $now)
            ON CONFLICT (name) DO UPDATE SET
                watermark = CASE
                    WHEN feed_sources.url <> excluded.url OR feed_sources.watermark IS NULL THEN excluded.watermark
                    WHEN excluded.watermark IS NULL OR excluded.watermark < feed_sources.watermark THEN feed_sources.watermark
                    ELSE excluded.watermark END,
                url = excluded.url, etag = excluded.etag, last_modified = excluded.last_modified,
                last_fetched_at = excluded.last_fetched_at, last_success_at = excluded.last_success_at;
            """, cancellationToken, ("$n", name), ("$u", url), ("$w", watermark is { } w ? Format(w) : null), ("$e", etag),
            ("$lm", lastModified), ("$now", now));
    }

    public Task RecordNotModifiedAsync(string name, string url, CancellationToken cancellationToken)
    {
        var now = Now();
        return ExecuteAsync("""
            INSERT INTO feed_sources (name, url, last_fetched_at, last_success_at) VALUES ($n, $u, $now, $now)
            ON CONFLICT (name) DO UPDATE SET last_fetched_at = excluded.last_fetched_at, last_success_at = excluded.last_success_at;
            """, cancellationToken, ("$n", name), ("$u", url), ("$now", now));
    }

    public Task RecordErrorAsync(string name, string url, string message, CancellationToken cancellationToken)
    {
        var now = Now();
        return ExecuteAsync("""
            INSERT INTO feed_sources (name, url, error_count, last_error, last_error_at, last_fetched_at) VALUES ($n, $u, 1, $e, $now, $now)
            ON CONFLICT (name) DO UPDATE SET error_count = feed_sources.error_count + 1, last_error = excluded.last_error,
                last_error_at = excluded.last_error_at, last_fetched_at = excluded.last_fetched_at;
            """, cancellationToken, ("$n", name), ("$u", url), ("$e", message), ("$now", now));
    }

    public async Task<bool> IsArticleUrlKnownAsync(string url, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, "SELECT 1 FROM articles WHERE dedupe_key = $k;", ("$k", ArticleKeys.UrlKey(url)));
        return await command.ExecuteScalarAsync(cancellationToken) is not null and not DBNull;
    }

    private async Task<List<FeedSourceState>> QueryAsync(string sql, CancellationToken cancellationToken, params (string, object?)[] parameters)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<FeedSourceState>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new FeedSourceState(
                reader.GetString(reader.GetOrdinal("name")),
                reader.GetString(reader.GetOrdinal("url")),
                Time(reader, "watermark"),
                Text(reader, "etag"),
                Text(reader, "last_modified"),
                reader.GetInt32(reader.GetOrdinal("error_count")),
                Text(reader, "last_error"),
                Time(reader, "last_error_at"),
                Time(reader, "last_fetched_at"),
                Time(reader, "last_success_at")));
        }

        return rows;
    }

    private async Task ExecuteAsync(string sql, CancellationToken cancellationToken, params (string, object?)[] parameters)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, sql, parameters);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken) =>
        SqliteConnections.OpenAsync(_connectionString, cancellationToken);

    private static SqliteCommand Command(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters) =>
        SqliteConnections.Command(connection, null, sql, parameters);

    private static string? Text(SqliteDataReader reader, string column)
    {
        var ordinal = reader.GetOrdinal(column);
        return reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
    }

    private static DateTimeOffset? Time(SqliteDataReader reader, string column) =>
        Text(reader, column) is { } text ? DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind) : null;

    private string Now() => Format(_time.GetUtcNow());

    private static string Format(DateTimeOffset time) => time.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);
}
