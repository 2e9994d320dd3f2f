using System.Globalization;
using Microsoft.Data.Sqlite;
using ThreatScorer.Core.Articles;
using ThreatScorer.Core.Scoring;

namespace ThreatScorer.Core.Storage;

/// <summary>
/// The embedded default store: one SQLite file in WAL mode, parameterised SQL only, one transaction per
/// article. Connections are opened per operation (Microsoft.Data.Sqlite pools them).
/// </summary>
public sealed class SqliteArticleStore : IArticleStore
{
    private readonly string _connectionString;
    private readonly TimeProvider _time;

    public SqliteArticleStore(string databasePath, TimeProvider time)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        DatabasePath = Path.GetFullPath(databasePath);
        _time = time;
        _connectionString = SqliteConnections.ConnectionString(DatabasePath);
    }

    /// <summary>Absolute path of the database file.</summary>
    public string DatabasePath { get; }

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(DatabasePath);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, null, "PRAGMA journal_mode = WAL;", cancellationToken);

        // Several processes may start on a new file at once (two workers, a worker and the CLI): the version is
        // read and every pending migration applied under one write lock (BEGIN IMMEDIATE waits out the busy
        // timeout), so a second migrator sees the first one's work instead of repeating it.
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, transaction, """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version     INTEGER PRIMARY KEY,
                name        TEXT NOT NULL,
                applied_at  TEXT NOT NULL
            );
            """, cancellationToken);

        var current = await GetSchemaVersionAsync(connection, transaction, cancellationToken);
        foreach (var (version, name, sql) in SqliteMigrations.All.Where(m => m.Version > current))
        {
            await ExecuteAsync(connection, transaction, sql, cancellationToken);
            await ExecuteAsync(connection, transaction,
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($v, $n, $t);",
                cancellationToken, ("$v", version), ("$n", name), ("$t", Now()));
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<int> GetSchemaVersionAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await GetSchemaVersionAsync(connection, null, cancellationToken);
    }

    public async Task<bool> IsInboxFileUnchangedAsync(string path, long size, DateTimeOffset modifiedAt, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var found = await ScalarAsync(connection, null,
            "SELECT 1 FROM inbox_files WHERE path = $p AND size = $s AND modified_at = $m;",
            cancellationToken, ("$p", path), ("$s", size), ("$m", Format(modifiedAt)));
        return found is not null;
    }

    public async Task MarkInboxFileReadAsync(string path, long size, DateTimeOffset modifiedAt, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, null, """
            INSERT INTO inbox_files (path, size, modified_at, read_at) VALUES ($p, $s, $m, $t)
            ON CONFLICT (path) DO UPDATE SET size = excluded.size, modified_at = excluded.modified_at, read_at = excluded.read_at;
            """, cancellationToken, ("$p", path), ("$s", size), ("$m", Format(modifiedAt)), ("$t", Now()));
    }

    public async Task<(IngestOutcome Outcome, string ArticleId)> IngestAsync(RawArticle article, string normalizedTextHash, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(article);
        var dedupeKey = ArticleKeys.DedupeKey(article, normalizedTextHash);

        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);

        var existing = await FindVersionTargetAsync(connection, transaction, article, dedupeKey, cancellationToken);
        (IngestOutcome, string) result;
        if (existing is { } found)
        {
            if (found.ContentHash == normalizedTextHash)
            {
                return (IngestOutcome.Duplicate, found.Id);
            }

            // Same URL (or same file and line) with other content: an edited article is a new version of it.
            await ExecuteAsync(connection, transaction, """
                UPDATE articles SET version = version + 1, dedupe_key = $k, content_hash = $h, external_id = $eid,
                    title = $title, text = $text, url = $url, source = $source, language = $lang, published_at = $pub,
                    source_path = $path, source_line = $line, updated_at = $now, status = 'new', reason = NULL,
                    attempts = 0, last_error = NULL, claimed_by = NULL, lease_until = NULL, save_count = 0
                WHERE id = $id;
                """, cancellationToken, [.. ArticleParameters(article, dedupeKey, normalizedTextHash), ("$id", found.Id)]);
            result = (IngestOutcome.NewVersion, found.Id);
        }
        else
        {
            var id = ArticleKeys.ArticleId(dedupeKey);
            await ExecuteAsync(connection, transaction, """
                INSERT INTO articles (id, version, dedupe_key, content_hash, external_id, title, text, url, source, language,
                    published_at, source_path, source_line, ingested_at, updated_at, status)
                VALUES ($id, 1, $k, $h, $eid, $title, $text, $url, $source, $lang, $pub, $path, $line, $now, $now, 'new');
                """, cancellationToken, [.. ArticleParameters(article, dedupeKey, normalizedTextHash), ("$id", id)]);
            result = (IngestOutcome.Added, id);
        }

        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    public async Task<(IngestOutcome Outcome, string ArticleId)> RecordRejectionAsync(ArticleReadResult rejected, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rejected);
        var dedupeKey = $"rejected:{rejected.Location}:{rejected.ContentHash}";
        var id = Hashing.ShortId("r-", dedupeKey);
        await using var connection = await OpenAsync(cancellationToken);
        var inserted = await ExecuteAsync(connection, null, """
            INSERT INTO articles (id, version, dedupe_key, content_hash, source_path, source_line, ingested_at, updated_at, status, reason)
            VALUES ($id, 1, $k, $h, $path, $line, $now, $now, 'rejected', $reason)
            ON CONFLICT (dedupe_key) DO NOTHING;
            """, cancellationToken, ("$id", id), ("$k", dedupeKey), ("$h", rejected.ContentHash), ("$path", rejected.SourcePath),
            ("$line", rejected.SourceLine), ("$now", Now()), ("$reason", rejected.RejectionReason));
        return (inserted > 0 ? IngestOutcome.Rejected : IngestOutcome.Duplicate, id);
    }

    /// <summary>The claim statement (served by the index of migration 7 without a sort; a test checks its plan).</summary>
    internal const string ClaimSql = """
        UPDATE articles SET claimed_by = $w, lease_until = $until
        WHERE id IN (
            SELECT id FROM articles
            WHERE status = 'new' AND (lease_until IS NULL OR lease_until <= $now)
            ORDER BY ingested_at, id LIMIT $limit)
        RETURNING *;
        """;

    public async Task<IReadOnlyList<StoredArticle>> ClaimPendingAsync(string workerId, int limit, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(workerId);
        var now = _time.GetUtcNow();
        await using var connection = await OpenAsync(cancellationToken);

        // One statement: SQLite holds the database's write lock for it, so two processes never claim the same row.
        var claimed = await QueryArticlesAsync(connection, ClaimSql, cancellationToken, ("$w", workerId), ("$until", Format(now + lease)), ("$now", Format(now)), ("$limit", limit));
        return [.. claimed.OrderBy(a => a.IngestedAt).ThenBy(a => a.Id, StringComparer.Ordinal)];
    }

    public async Task RenewClaimsAsync(string workerId, TimeSpan lease, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, null,
            "UPDATE articles SET lease_until = $until WHERE claimed_by = $w AND status = 'new';",
            cancellationToken, ("$w", workerId), ("$until", Format(_time.GetUtcNow() + lease)));
    }

    public async Task<int> ReleaseClaimsAsync(string workerId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await ExecuteAsync(connection, null,
            "UPDATE articles SET claimed_by = NULL, lease_until = NULL WHERE claimed_by = $w AND status = 'new';",
            cancellationToken, ("$w", workerId));
    }

    public bool IsTransient(Exception exception) =>
        exception is SqliteException { SqliteErrorCode: 5 or 6 } // SQLITE_BUSY, SQLITE_LOCKED (past the busy timeout)
        || exception.InnerException is { } inner && IsTransient(inner);

    public async Task<bool> SaveAssessmentAsync(ArticleAssessment assessment, string? workerId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(assessment);
        var modelKey = assessment.Models.Key;
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);

        // save_count: a save that replaces this (version, models) assessment adds one; a first one starts at 1.
        var updated = await ExecuteAsync(connection, transaction,
            """
            UPDATE articles SET status = 'scored', scored_at = $t, updated_at = $t, last_error = NULL, scored_by = $w,
                claimed_by = NULL, lease_until = NULL,
                save_count = CASE WHEN EXISTS (SELECT 1 FROM assessments
                    WHERE article_id = $a AND article_version = $v AND model_version = $m) THEN save_count + 1 ELSE 1 END
            WHERE id = $a AND version = $v;
            """,
            cancellationToken, ("$a", assessment.ArticleId), ("$v", assessment.ArticleVersion), ("$m", modelKey),
            ("$t", Format(assessment.ScoredAt)), ("$w", workerId));
        if (updated == 0)
        {
            if (await ScalarAsync(connection, transaction, "SELECT 1 FROM articles WHERE id = $a;", cancellationToken,
                ("$a", assessment.ArticleId)) is null)
            {
                throw new InvalidOperationException(
                    $"Article {assessment.ArticleId} is not in the store; the assessment of version {assessment.ArticleVersion} was not saved.");
            }

            return false; // another version was ingested meanwhile: this one is superseded
        }

        // Idempotent on (article, version, models): scoring the same thing twice replaces, never duplicates.
        foreach (var table in new[] { "actor_stances", "threat_kinds", "actor_relations" })
        {
            await ExecuteAsync(connection, transaction,
                $"DELETE FROM {table} WHERE article_id = $a AND article_version = $v AND model_version = $m;",
                cancellationToken, ("$a", assessment.ArticleId), ("$v", assessment.ArticleVersion), ("$m", modelKey));
        }

        await ExecuteAsync(connection, transaction, """
            INSERT OR REPLACE INTO assessments (article_id, article_version, model_version, scored_at, sentiment_label,
                sentiment_score, threat_level, threat_score, top_kind, assessment_json)
            VALUES ($a, $v, $m, $t, $sl, $ss, $tl, $ts, $tk, $json);
            """, cancellationToken, ("$a", assessment.ArticleId), ("$v", assessment.ArticleVersion), ("$m", modelKey),
            ("$t", Format(assessment.ScoredAt)), ("$sl", assessment.Sentiment.Label), ("$ss", assessment.Sentiment.Score),
            ("$tl", assessment.Threat.Level), ("$ts", assessment.Threat.Score), ("$tk", assessment.Threat.TopKind),
            ("$json", AssessmentJson.Serialize(assessment)));

        foreach (var (kind, probability) in assessment.Threat.Kinds)
        {
            await ExecuteAsync(connection, transaction, """
                INSERT INTO threat_kinds (article_id, article_version, model_version, kind, probability)
                VALUES ($a, $v, $m, $k, $p);
                """, cancellationToken, ("$a", assessment.ArticleId), ("$v", assessment.ArticleVersion), ("$m", modelKey),
                ("$k", kind), ("$p", probability));
        }

        var seq = 0;
        foreach (var relation in assessment.Relations)
        {
            await ExecuteAsync(connection, transaction, """
                INSERT INTO actor_relations (article_id, article_version, model_version, seq, subject_id, object_id,
                    interaction, confidence, sentence_index, start, length)
                VALUES ($a, $v, $m, $seq, $s, $o, $i, $c, $si, $st, $len);
                """, cancellationToken, ("$a", assessment.ArticleId), ("$v", assessment.ArticleVersion), ("$m", modelKey),
                ("$seq", seq++), ("$s", relation.SubjectId), ("$o", relation.ObjectId), ("$i", relation.Interaction),
                ("$c", relation.Confidence), ("$si", relation.Evidence.SentenceIndex), ("$st", relation.Evidence.Start),
                ("$len", relation.Evidence.Length));
        }

        foreach (var actor in assessment.Actors)
        {
            await ExecuteAsync(connection, transaction, """
                INSERT INTO actor_stances (article_id, article_version, model_version, actor_id, actor_name, actor_type,
                    country, is_listed, label, score, mention_count)
                VALUES ($a, $v, $m, $id, $name, $type, $country, $listed, $label, $score, $count);
                """, cancellationToken, ("$a", assessment.ArticleId), ("$v", assessment.ArticleVersion), ("$m", modelKey),
                ("$id", actor.ActorId), ("$name", actor.Name), ("$type", actor.Type.ToString()), ("$country", actor.Country),
                ("$listed", actor.IsListed ? 1 : 0), ("$label", actor.Label), ("$score", actor.Score), ("$count", actor.MentionCount));
        }

        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task MarkRejectedAsync(string articleId, int version, string reason, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, null, """
            UPDATE articles SET status = 'rejected', reason = $r, updated_at = $t, claimed_by = NULL, lease_until = NULL
            WHERE id = $id AND version = $v AND status = 'new';
            """, cancellationToken, ("$id", articleId), ("$v", version), ("$r", reason), ("$t", Now()));
    }

    public async Task RecordFailureAsync(string articleId, int version, string errorMessage, int maxAttempts, TimeSpan retryDelay, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, null, """
            UPDATE articles SET attempts = attempts + 1, last_error = $e, updated_at = $t, claimed_by = NULL, lease_until = $retry,
                status = CASE WHEN attempts + 1 >= $max THEN 'failed' ELSE status END,
                reason = CASE WHEN attempts + 1 >= $max THEN 'scoring failed after ' || (attempts + 1) || ' attempts: ' || $e ELSE reason END
            WHERE id = $id AND version = $v AND status = 'new';
            """, cancellationToken, ("$id", articleId), ("$v", version), ("$e", errorMessage), ("$max", maxAttempts), ("$t", Format(now)),
            ("$retry", Format(now + retryDelay)));
    }

    public async Task<StoredArticle?> GetArticleAsync(string articleId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var rows = await QueryArticlesAsync(connection, "SELECT * FROM articles WHERE id = $id;", cancellationToken, ("$id", articleId));
        return rows.Count > 0 ? rows[0] : null;
    }

    public async Task<string?> GetLatestAssessmentJsonAsync(string articleId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await ScalarAsync(connection, null, """
            SELECT assessment_json FROM assessments WHERE article_id = $id
            ORDER BY article_version DESC, scored_at DESC LIMIT 1;
            """, cancellationToken, ("$id", articleId)) as string;
    }

    public async Task<IReadOnlyDictionary<string, int>> CountByStatusAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, "SELECT status, COUNT(*) FROM articles GROUP BY status;");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            counts[reader.GetString(0)] = reader.GetInt32(1);
        }

        return counts;
    }

    public async Task<IReadOnlyList<(StoredArticle Article, string ModelVersion)>> ListScoredSinceAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, ArticleQueries.ScoredSinceWithLatestModel("$since"), ("$since", Format(since)));
        var rows = await StoredArticleRows.ReadAllAsync(command, ArticleQueries.LatestModelColumn, cancellationToken);
        return [.. rows.Select(r => (r.Article, r.Extra ?? string.Empty))];
    }

    public async Task<IReadOnlyList<StoredArticle>> ListArticlesAsync(int limit, string? status, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await QueryArticlesAsync(connection, """
            SELECT * FROM articles WHERE ($status IS NULL OR status = $status)
            ORDER BY updated_at DESC, id LIMIT $limit;
            """, cancellationToken, ("$status", status), ("$limit", limit));
    }

    private Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken) =>
        SqliteConnections.OpenAsync(_connectionString, cancellationToken);

    private static async Task<int> GetSchemaVersionAsync(SqliteConnection connection, SqliteTransaction? transaction, CancellationToken cancellationToken)
    {
        var exists = await ScalarAsync(connection, transaction,
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations';", cancellationToken);
        if (exists is null)
        {
            return 0;
        }

        var version = await ScalarAsync(connection, transaction, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations;", cancellationToken);
        return Convert.ToInt32(version, CultureInfo.InvariantCulture);
    }

    private static async Task<(string Id, string ContentHash)?> FindVersionTargetAsync(
        SqliteConnection connection, SqliteTransaction transaction, RawArticle article, string dedupeKey, CancellationToken cancellationToken)
    {
        await using (var byKey = Command(connection, transaction,
            "SELECT id, content_hash FROM articles WHERE dedupe_key = $k;", ("$k", dedupeKey)))
        await using (var reader = await byKey.ExecuteReaderAsync(cancellationToken))
        {
            if (await reader.ReadAsync(cancellationToken))
            {
                return (reader.GetString(0), reader.GetString(1));
            }
        }

        if (article.Url is { Length: > 0 })
        {
            return null;
        }

        // Without a URL, the same file (and line) read again with other text is an edit of that article.
        await using var byLocation = Command(connection, transaction, """
            SELECT id, content_hash FROM articles
            WHERE source_path = $p AND source_line IS $l AND url IS NULL AND status <> 'rejected'
            ORDER BY updated_at DESC LIMIT 1;
            """, ("$p", article.SourcePath), ("$l", article.SourceLine));
        await using var located = await byLocation.ExecuteReaderAsync(cancellationToken);
        return await located.ReadAsync(cancellationToken) ? (located.GetString(0), located.GetString(1)) : null;
    }

    private (string, object?)[] ArticleParameters(RawArticle article, string dedupeKey, string contentHash) =>
    [
        ("$k", dedupeKey), ("$h", contentHash), ("$eid", article.ExternalId), ("$title", article.Title),
        ("$text", article.Text), ("$url", article.Url), ("$source", article.Source), ("$lang", article.Language),
        ("$pub", article.PublishedAt is { } p ? Format(p) : null), ("$path", article.SourcePath),
        ("$line", article.SourceLine), ("$now", Now()),
    ];

    private static async Task<List<StoredArticle>> QueryArticlesAsync(
        SqliteConnection connection, string sql, CancellationToken cancellationToken, params (string, object?)[] parameters)
    {
        await using var command = Command(connection, null, sql, parameters);
        return await StoredArticleRows.ReadAllAsync(command, cancellationToken);
    }

    private string Now() => Format(_time.GetUtcNow());

    private static string Format(DateTimeOffset time) => time.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object? Value)[] parameters) =>
        SqliteConnections.Command(connection, transaction, sql, parameters);

    private static async Task<int> ExecuteAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql,
        CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql,
        CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is DBNull ? null : value;
    }
}
