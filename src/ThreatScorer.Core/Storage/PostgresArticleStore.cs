using System.Net.Sockets;
using Npgsql;
using ThreatScorer.Core.Articles;
using ThreatScorer.Core.Scoring;

namespace ThreatScorer.Core.Storage;

/// <summary>
/// The store for several replicas: one PostgreSQL database, the same behaviour as <see cref="SqliteArticleStore"/>
/// (the store contract tests run against both). Work is claimed with <c>FOR UPDATE SKIP LOCKED</c> and a lease,
/// migrations run under an advisory lock (replicas may start together), and every write that belongs to one
/// article is one transaction. Text is stored without NUL characters (PostgreSQL text cannot hold them).
/// </summary>
public sealed class PostgresArticleStore : IArticleStore, IAsyncDisposable, IDisposable
{
    /// <summary>Advisory lock key held while migrating ("threatsc" as ASCII).</summary>
    private const long MigrationLockKey = 0x7468726561747363;

    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _time;

    public PostgresArticleStore(string connectionString, TimeProvider time)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        Server = $"{builder.Host}:{builder.Port}";
        Database = builder.Database ?? builder.Username ?? "(default)";
        _dataSource = NpgsqlDataSource.Create(builder);
        _time = time;
    }

    /// <summary>Host and port (never the password), for logs.</summary>
    public string Server { get; }

    public string Database { get; }

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, transaction, "SELECT pg_advisory_xact_lock(@k);", cancellationToken, ("k", MigrationLockKey));
        await ExecuteAsync(connection, transaction, """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version     integer PRIMARY KEY,
                name        text NOT NULL,
                applied_at  timestamptz NOT NULL
            );
            """, cancellationToken);
        var current = Convert.ToInt32(
            await ScalarAsync(connection, transaction, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations;", cancellationToken),
            System.Globalization.CultureInfo.InvariantCulture);
        foreach (var (version, name, sql) in PostgresMigrations.All.Where(m => m.Version > current))
        {
            await ExecuteAsync(connection, transaction, sql, cancellationToken);
            await ExecuteAsync(connection, transaction,
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@v, @n, @t);",
                cancellationToken, ("v", version), ("n", name), ("t", _time.GetUtcNow()));
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<int> GetSchemaVersionAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        var exists = await ScalarAsync(connection, null, "SELECT to_regclass('schema_migrations') IS NOT NULL;", cancellationToken);
        if (exists is not true)
        {
            return 0;
        }

        return Convert.ToInt32(await ScalarAsync(connection, null, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations;", cancellationToken),
            System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task<bool> IsInboxFileUnchangedAsync(string path, long size, DateTimeOffset modifiedAt, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        var found = await ScalarAsync(connection, null,
            "SELECT 1 FROM inbox_files WHERE path = @p AND size = @s AND modified_at = @m;",
            cancellationToken, ("p", path), ("s", size), ("m", modifiedAt));
        return found is not null;
    }

    public async Task MarkInboxFileReadAsync(string path, long size, DateTimeOffset modifiedAt, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await ExecuteAsync(connection, null, """
            INSERT INTO inbox_files (path, size, modified_at, read_at) VALUES (@p, @s, @m, @t)
            ON CONFLICT (path) DO UPDATE SET size = excluded.size, modified_at = excluded.modified_at, read_at = excluded.read_at;
            """, cancellationToken, ("p", path), ("s", size), ("m", modifiedAt), ("t", _time.GetUtcNow()));
    }

    public async Task<(IngestOutcome Outcome, string ArticleId)> IngestAsync(RawArticle article, string normalizedTextHash, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(article);
        var dedupeKey = ArticleKeys.DedupeKey(article, normalizedTextHash);

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        var existing = await FindVersionTargetAsync(connection, transaction, article, dedupeKey, cancellationToken);
        (IngestOutcome, string) result;
        if (existing is { } found)
        {
            if (found.ContentHash == normalizedTextHash)
            {
                return (IngestOutcome.Duplicate, found.Id);
            }

            await ExecuteAsync(connection, transaction, """
                UPDATE articles SET version = version + 1, dedupe_key = @k, content_hash = @h, external_id = @eid,
                    title = @title, text = @text, url = @url, source = @source, language = @lang, published_at = @pub,
                    source_path = @path, source_line = @line, updated_at = @now, status = 'new', reason = NULL,
                    attempts = 0, last_error = NULL, claimed_by = NULL, lease_until = NULL, save_count = 0
                WHERE id = @id;
                """, cancellationToken, [.. ArticleParameters(article, dedupeKey, normalizedTextHash), ("id", found.Id)]);
            result = (IngestOutcome.NewVersion, found.Id);
        }
        else
        {
            // Replicas reading one inbox may insert the same article at once: the loser sees a duplicate.
            var id = ArticleKeys.ArticleId(dedupeKey);
            var inserted = await ExecuteAsync(connection, transaction, """
                INSERT INTO articles (id, version, dedupe_key, content_hash, external_id, title, text, url, source, language,
                    published_at, source_path, source_line, ingested_at, updated_at, status)
                VALUES (@id, 1, @k, @h, @eid, @title, @text, @url, @source, @lang, @pub, @path, @line, @now, @now, 'new')
                ON CONFLICT DO NOTHING;
                """, cancellationToken, [.. ArticleParameters(article, dedupeKey, normalizedTextHash), ("id", id)]);
            result = (inserted > 0 ? IngestOutcome.Added : IngestOutcome.Duplicate, id);
        }

        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    public async Task<(IngestOutcome Outcome, string ArticleId)> RecordRejectionAsync(ArticleReadResult rejected, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rejected);
        var dedupeKey = $"rejected:{rejected.Location}:{rejected.ContentHash}";
        var id = Hashing.ShortId("r-", dedupeKey);
        var now = _time.GetUtcNow();
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        var inserted = await ExecuteAsync(connection, null, """
            INSERT INTO articles (id, version, dedupe_key, content_hash, source_path, source_line, ingested_at, updated_at, status, reason)
            VALUES (@id, 1, @k, @h, @path, @line, @now, @now, 'rejected', @reason)
            ON CONFLICT DO NOTHING;
            """, cancellationToken, ("id", id), ("k", dedupeKey), ("h", rejected.ContentHash), ("path", rejected.SourcePath),
            ("line", rejected.SourceLine), ("now", now), ("reason", rejected.RejectionReason));
        return (inserted > 0 ? IngestOutcome.Rejected : IngestOutcome.Duplicate, id);
    }

    public async Task<IReadOnlyList<StoredArticle>> ClaimPendingAsync(string workerId, int limit, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(workerId);
        var now = _time.GetUtcNow();
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);

        // Rows another replica is claiming right now are skipped, not waited for; the lease makes a claim outlive
        // this statement, and an expired one is claimable again.
        var claimed = await QueryArticlesAsync(connection, """
            WITH picked AS (
                SELECT id FROM articles
                WHERE status = 'new' AND (lease_until IS NULL OR lease_until <= @now)
                ORDER BY ingested_at, id
                LIMIT @limit
                FOR UPDATE SKIP LOCKED)
            UPDATE articles a SET claimed_by = @w, lease_until = @until
            FROM picked WHERE a.id = picked.id
            RETURNING a.*;
            """, cancellationToken, ("w", workerId), ("until", now + lease), ("now", now), ("limit", limit));
        return [.. claimed.OrderBy(a => a.IngestedAt).ThenBy(a => a.Id, StringComparer.Ordinal)];
    }

    public async Task RenewClaimsAsync(string workerId, TimeSpan lease, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await ExecuteAsync(connection, null,
            "UPDATE articles SET lease_until = @until WHERE claimed_by = @w AND status = 'new';",
            cancellationToken, ("w", workerId), ("until", _time.GetUtcNow() + lease));
    }

    public async Task<int> ReleaseClaimsAsync(string workerId, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        return await ExecuteAsync(connection, null,
            "UPDATE articles SET claimed_by = NULL, lease_until = NULL WHERE claimed_by = @w AND status = 'new';",
            cancellationToken, ("w", workerId));
    }

    public bool IsTransient(Exception exception) => exception switch
    {
        PostgresException pg => pg.IsTransient
            || pg.SqlState.StartsWith("08", StringComparison.Ordinal) // connection exceptions
            || pg.SqlState is "57P01" or "57P02" or "57P03" or "53300", // shutdown, crash, starting up, too many connections
        NpgsqlException npgsql => npgsql.IsTransient || npgsql.InnerException is SocketException or IOException or TimeoutException,
        SocketException or TimeoutException => true,
        _ => exception.InnerException is { } inner && IsTransient(inner),
    };

    public async Task<bool> SaveAssessmentAsync(ArticleAssessment assessment, string? workerId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(assessment);
        var modelKey = assessment.Models.Key;
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // First the article row: its lock makes concurrent saves of one article wait for each other.
        var updated = await ExecuteAsync(connection, transaction, """
            UPDATE articles SET status = 'scored', scored_at = @t, updated_at = @t, last_error = NULL, scored_by = @w,
                claimed_by = NULL, lease_until = NULL
            WHERE id = @a AND version = @v;
            """, cancellationToken, ("a", assessment.ArticleId), ("v", assessment.ArticleVersion), ("t", assessment.ScoredAt),
            ("w", workerId));
        if (updated == 0)
        {
            if (await ScalarAsync(connection, transaction, "SELECT 1 FROM articles WHERE id = @a;", cancellationToken,
                ("a", assessment.ArticleId)) is null)
            {
                throw new InvalidOperationException(
                    $"Article {assessment.ArticleId} is not in the store; the assessment of version {assessment.ArticleVersion} was not saved.");
            }

            return false; // another version was ingested meanwhile: this one is superseded
        }

        // Idempotent on (article, version, models): the children go with the assessment row (ON DELETE CASCADE).
        // save_count: a save that replaces this (version, models) assessment adds one; a first one starts at 1.
        var replaced = await ExecuteAsync(connection, transaction,
            "DELETE FROM assessments WHERE article_id = @a AND article_version = @v AND model_version = @m;",
            cancellationToken, ("a", assessment.ArticleId), ("v", assessment.ArticleVersion), ("m", modelKey)) > 0;

        await ExecuteAsync(connection, transaction, """
            INSERT INTO assessments (article_id, article_version, model_version, scored_at, sentiment_label,
                sentiment_score, threat_level, threat_score, top_kind, assessment_json)
            VALUES (@a, @v, @m, @t, @sl, @ss, @tl, @ts, @tk, @json);
            """, cancellationToken, ("a", assessment.ArticleId), ("v", assessment.ArticleVersion), ("m", modelKey),
            ("t", assessment.ScoredAt), ("sl", assessment.Sentiment.Label), ("ss", (double)assessment.Sentiment.Score),
            ("tl", assessment.Threat.Level), ("ts", (double)assessment.Threat.Score), ("tk", assessment.Threat.TopKind),
            ("json", AssessmentJson.Serialize(assessment)));

        // The save count and the children in one round trip (a batch), so a save is a handful of statements whatever its size.
        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(BatchCommand(
            "UPDATE articles SET save_count = CASE WHEN @replaced THEN save_count + 1 ELSE 1 END WHERE id = @a;",
            ("a", assessment.ArticleId), ("replaced", replaced)));
        foreach (var (kind, probability) in assessment.Threat.Kinds)
        {
            batch.BatchCommands.Add(BatchCommand("""
                INSERT INTO threat_kinds (article_id, article_version, model_version, kind, probability)
                VALUES (@a, @v, @m, @k, @p);
                """, ("a", assessment.ArticleId), ("v", assessment.ArticleVersion), ("m", modelKey), ("k", kind), ("p", (double)probability)));
        }

        var seq = 0;
        foreach (var relation in assessment.Relations)
        {
            batch.BatchCommands.Add(BatchCommand("""
                INSERT INTO actor_relations (article_id, article_version, model_version, seq, subject_id, object_id,
                    interaction, confidence, sentence_index, start, length)
                VALUES (@a, @v, @m, @seq, @s, @o, @i, @c, @si, @st, @len);
                """, ("a", assessment.ArticleId), ("v", assessment.ArticleVersion), ("m", modelKey),
                ("seq", seq++), ("s", relation.SubjectId), ("o", relation.ObjectId), ("i", relation.Interaction),
                ("c", (double)relation.Confidence), ("si", relation.Evidence.SentenceIndex), ("st", relation.Evidence.Start),
                ("len", relation.Evidence.Length)));
        }

        foreach (var actor in assessment.Actors)
        {
            batch.BatchCommands.Add(BatchCommand("""
                INSERT INTO actor_stances (article_id, article_version, model_version, actor_id, actor_name, actor_type,
                    country, is_listed, label, score, mention_count)
                VALUES (@a, @v, @m, @id, @name, @type, @country, @listed, @label, @score, @count);
                """, ("a", assessment.ArticleId), ("v", assessment.ArticleVersion), ("m", modelKey),
                ("id", actor.ActorId), ("name", actor.Name), ("type", actor.Type.ToString()), ("country", actor.Country),
                ("listed", actor.IsListed), ("label", actor.Label), ("score", (double)actor.Score), ("count", actor.MentionCount)));
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);

        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task MarkRejectedAsync(string articleId, int version, string reason, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await ExecuteAsync(connection, null, """
            UPDATE articles SET status = 'rejected', reason = @r, updated_at = @t, claimed_by = NULL, lease_until = NULL
            WHERE id = @id AND version = @v AND status = 'new';
            """, cancellationToken, ("id", articleId), ("v", version), ("r", reason), ("t", _time.GetUtcNow()));
    }

    public async Task RecordFailureAsync(string articleId, int version, string errorMessage, int maxAttempts, TimeSpan retryDelay, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await ExecuteAsync(connection, null, """
            UPDATE articles SET attempts = attempts + 1, last_error = @e, updated_at = @t, claimed_by = NULL, lease_until = @retry,
                status = CASE WHEN attempts + 1 >= @max THEN 'failed' ELSE status END,
                reason = CASE WHEN attempts + 1 >= @max THEN 'scoring failed after ' || (attempts + 1) || ' attempts: ' || @e ELSE reason END
            WHERE id = @id AND version = @v AND status = 'new';
            """, cancellationToken, ("id", articleId), ("v", version), ("e", errorMessage), ("max", maxAttempts), ("t", now), ("retry", now + retryDelay));
    }

    public async Task<StoredArticle?> GetArticleAsync(string articleId, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await QueryArticlesAsync(connection, "SELECT * FROM articles WHERE id = @id;", cancellationToken, ("id", articleId));
        return rows.Count > 0 ? rows[0] : null;
    }

    public async Task<string?> GetLatestAssessmentJsonAsync(string articleId, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        return await ScalarAsync(connection, null, """
            SELECT assessment_json FROM assessments WHERE article_id = @id
            ORDER BY article_version DESC, scored_at DESC LIMIT 1;
            """, cancellationToken, ("id", articleId)) as string;
    }

    public async Task<IReadOnlyDictionary<string, int>> CountByStatusAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = Command(connection, null, "SELECT status, COUNT(*)::integer FROM articles GROUP BY status;");
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
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = Command(connection, null, ArticleQueries.ScoredSinceWithLatestModel("@since"), ("since", since));
        var rows = await StoredArticleRows.ReadAllAsync(command, ArticleQueries.LatestModelColumn, cancellationToken);
        return [.. rows.Select(r => (r.Article, r.Extra ?? string.Empty))];
    }

    public async Task<IReadOnlyList<StoredArticle>> ListArticlesAsync(int limit, string? status, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        return status is null
            ? await QueryArticlesAsync(connection, "SELECT * FROM articles ORDER BY updated_at DESC, id LIMIT @limit;",
                cancellationToken, ("limit", limit))
            : await QueryArticlesAsync(connection, "SELECT * FROM articles WHERE status = @status ORDER BY updated_at DESC, id LIMIT @limit;",
                cancellationToken, ("status", status), ("limit", limit));
    }

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    public void Dispose() => _dataSource.Dispose();

    private static async Task<(string Id, string ContentHash)?> FindVersionTargetAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, RawArticle article, string dedupeKey, CancellationToken cancellationToken)
    {
        await using (var byKey = Command(connection, transaction,
            "SELECT id, content_hash FROM articles WHERE dedupe_key = @k FOR UPDATE;", ("k", dedupeKey)))
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

        await using var byLocation = Command(connection, transaction, """
            SELECT id, content_hash FROM articles
            WHERE source_path = @p AND source_line IS NOT DISTINCT FROM @l AND url IS NULL AND status <> 'rejected'
            ORDER BY updated_at DESC LIMIT 1 FOR UPDATE;
            """, ("p", article.SourcePath), ("l", (object?)article.SourceLine ?? DBNull.Value));
        byLocation.Parameters["l"].NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer;
        await using var located = await byLocation.ExecuteReaderAsync(cancellationToken);
        return await located.ReadAsync(cancellationToken) ? (located.GetString(0), located.GetString(1)) : null;
    }

    private (string, object?)[] ArticleParameters(RawArticle article, string dedupeKey, string contentHash) =>
    [
        ("k", dedupeKey), ("h", contentHash), ("eid", article.ExternalId), ("title", article.Title),
        ("text", article.Text), ("url", article.Url), ("source", article.Source), ("lang", article.Language),
        ("pub", article.PublishedAt), ("path", article.SourcePath),
        ("line", article.SourceLine), ("now", _time.GetUtcNow()),
    ];

    private static async Task<List<StoredArticle>> QueryArticlesAsync(
        NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params (string, object?)[] parameters)
    {
        await using var command = Command(connection, null, sql, parameters);
        return await StoredArticleRows.ReadAllAsync(command, cancellationToken);
    }

    /// <summary>
    /// Every parameter passes here: PostgreSQL text cannot hold U+0000, so it is stored as U+FFFD (the content hash
    /// was taken before); times are sent as UTC (timestamptz wants offset 0).
    /// </summary>
    private static object? Clean(object? value) => value switch
    {
        null => DBNull.Value,
        string s when s.Contains('\0', StringComparison.Ordinal) => s.Replace('\0', '\uFFFD'),
        DateTimeOffset t => t.ToUniversalTime(),
        _ => value,
    };

    private static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, Clean(value)!);
        }

        return command;
    }

    private static NpgsqlBatchCommand BatchCommand(string sql, params (string Name, object? Value)[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, Clean(value)!);
        }

        return command;
    }

    private static async Task<int> ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql,
        CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<object?> ScalarAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql,
        CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is DBNull ? null : value;
    }
}
