using System.Globalization;
using Microsoft.Data.Sqlite;

namespace ThreatScorer.Core.Alerts;

/// <summary>
/// Alert rules and webhook deliveries in the SQLite store (migration 4). Dedupe is the UNIQUE (rule, article,
/// version) key; the cooldown check and the insert run in one immediate transaction so two writers cannot both
/// claim a rule's window.
/// </summary>
public sealed class SqliteAlertStore
{
    private const string DeliveryColumns = """
        d.id, d.rule_id, r.name, r.webhook_url, d.article_id, d.article_version, a.title, d.status, d.attempts, d.last_error,
        d.last_status_code, d.next_attempt_at, d.payload_json, d.created_at, d.sent_at
        FROM alert_deliveries d
        JOIN alert_rules r ON r.id = d.rule_id
        LEFT JOIN articles a ON a.id = d.article_id
        """;

    private readonly string _connectionString;
    private readonly TimeProvider _time;

    public SqliteAlertStore(string databasePath, TimeProvider time)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        _time = time;
        _connectionString = Storage.SqliteConnections.ConnectionString(databasePath);
    }

    /// <summary>Validates and stores a rule; throws <see cref="ArgumentException"/> naming every problem.</summary>
    public async Task<AlertRule> AddRuleAsync(AlertRule rule, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rule);
        rule = rule with
        {
            Name = rule.Name?.Trim() ?? string.Empty,
            WebhookUrl = rule.WebhookUrl?.Trim() ?? string.Empty,
            MinLevel = Blank(rule.MinLevel),
            Kind = Blank(rule.Kind),
            ActorId = Blank(rule.ActorId),
            Stance = Blank(rule.Stance),
        };
        var problems = AlertRules.Problems(rule);
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", problems), nameof(rule));
        }

        var now = _time.GetUtcNow();
        await using var connection = await OpenAsync(cancellationToken);
        await using var insert = Command(connection, """
            INSERT INTO alert_rules (name, min_threat_score, min_level, kind, actor_id, stance, webhook_url, cooldown_seconds,
                enabled, created_at, updated_at)
            VALUES ($name, $score, $level, $kind, $actor, $stance, $url, $cooldown, $enabled, $now, $now)
            RETURNING id;
            """, ("$name", rule.Name), ("$score", rule.MinThreatScore), ("$level", rule.MinLevel), ("$kind", rule.Kind),
            ("$actor", rule.ActorId), ("$stance", rule.Stance), ("$url", rule.WebhookUrl),
            ("$cooldown", (long)rule.Cooldown.TotalSeconds), ("$enabled", rule.Enabled ? 1 : 0), ("$now", Format(now)));
        var id = Convert.ToInt64(await insert.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        return rule with { Id = id, Cooldown = TimeSpan.FromSeconds((long)rule.Cooldown.TotalSeconds), CreatedAt = now, UpdatedAt = now };
    }

    /// <summary>Switches a rule on or off; false when there is no such rule.</summary>
    public async Task<bool> SetRuleEnabledAsync(long ruleId, bool enabled, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var update = Command(connection, "UPDATE alert_rules SET enabled = $e, updated_at = $now WHERE id = $id;",
            ("$e", enabled ? 1 : 0), ("$now", Format(_time.GetUtcNow())), ("$id", ruleId));
        return await update.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    /// <summary>Every rule (or only enabled ones), oldest first.</summary>
    public async Task<IReadOnlyList<AlertRule>> ListRulesAsync(bool enabledOnly, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, $"""
            SELECT id, name, min_threat_score, min_level, kind, actor_id, stance, webhook_url, cooldown_seconds, enabled,
                created_at, updated_at
            FROM alert_rules {(enabledOnly ? "WHERE enabled = 1" : string.Empty)} ORDER BY id;
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rules = new List<AlertRule>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rules.Add(new AlertRule
            {
                Id = reader.GetInt64(0),
                Name = reader.GetString(1),
                MinThreatScore = reader.IsDBNull(2) ? null : reader.GetDouble(2),
                MinLevel = Nullable(reader, 3),
                Kind = Nullable(reader, 4),
                ActorId = Nullable(reader, 5),
                Stance = Nullable(reader, 6),
                WebhookUrl = reader.GetString(7),
                Cooldown = TimeSpan.FromSeconds(reader.GetInt64(8)),
                Enabled = reader.GetInt64(9) != 0,
                CreatedAt = Time(reader.GetString(10)),
                UpdatedAt = Time(reader.GetString(11)),
            });
        }

        return rules;
    }

    /// <summary>
    /// Records a match: a pending delivery, a suppressed one when the rule queued or sent a delivery within its
    /// cooldown, or nothing when this (rule, article version) has a delivery already.
    /// </summary>
    public async Task<EnqueueOutcome> EnqueueAsync(AlertRule rule, string articleId, int articleVersion, string payloadJson, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var now = _time.GetUtcNow();
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(System.Data.IsolationLevel.Serializable, cancellationToken);
        await using (var exists = Command(connection, "SELECT 1 FROM alert_deliveries WHERE rule_id = $r AND article_id = $a AND article_version = $v;",
            ("$r", rule.Id), ("$a", articleId), ("$v", articleVersion)))
        {
            exists.Transaction = transaction;
            if (await exists.ExecuteScalarAsync(cancellationToken) is not null)
            {
                return EnqueueOutcome.Duplicate;
            }
        }

        var suppressed = false;
        if (rule.Cooldown > TimeSpan.Zero)
        {
            await using var recent = Command(connection, """
                SELECT 1 FROM alert_deliveries
                WHERE rule_id = $r AND status <> 'suppressed' AND created_at > $since LIMIT 1;
                """, ("$r", rule.Id), ("$since", Format(now - rule.Cooldown)));
            recent.Transaction = transaction;
            suppressed = await recent.ExecuteScalarAsync(cancellationToken) is not null;
        }

        await using (var insert = Command(connection, """
            INSERT INTO alert_deliveries (rule_id, article_id, article_version, status, attempts, next_attempt_at, payload_json, created_at)
            VALUES ($r, $a, $v, $status, 0, $next, $payload, $now);
            """, ("$r", rule.Id), ("$a", articleId), ("$v", articleVersion),
            ("$status", suppressed ? AlertDeliveryStatus.Suppressed : AlertDeliveryStatus.Pending),
            ("$next", suppressed ? null : Format(now)), ("$payload", payloadJson), ("$now", Format(now))))
        {
            insert.Transaction = transaction;
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return suppressed ? EnqueueOutcome.Suppressed : EnqueueOutcome.Queued;
    }

    /// <summary>Pending deliveries whose next attempt is due, oldest first, with their rule's webhook.</summary>
    public async Task<IReadOnlyList<AlertDelivery>> GetDueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, $"""
            SELECT {DeliveryColumns}
            WHERE d.status = 'pending' AND d.next_attempt_at <= $now
            ORDER BY d.next_attempt_at, d.id LIMIT $limit;
            """, ("$now", Format(now)), ("$limit", limit));
        return await ReadDeliveriesAsync(command, cancellationToken);
    }

    /// <summary>Recent deliveries, newest first, optionally of one status and/or one rule.</summary>
    public async Task<IReadOnlyList<AlertDelivery>> ListDeliveriesAsync(string? status, long? ruleId, int limit, CancellationToken cancellationToken)
    {
        var conditions = new List<string>();
        if (status is not null)
        {
            conditions.Add("d.status = $status");
        }

        if (ruleId is not null)
        {
            conditions.Add("d.rule_id = $rule");
        }

        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, $"""
            SELECT {DeliveryColumns}
            {(conditions.Count > 0 ? "WHERE " + string.Join(" AND ", conditions) : string.Empty)}
            ORDER BY d.id DESC LIMIT $limit;
            """, ("$status", status), ("$rule", ruleId), ("$limit", Math.Clamp(limit, 1, 1000)));
        return await ReadDeliveriesAsync(command, cancellationToken);
    }

    /// <summary>Records a 2xx answer.</summary>
    public async Task MarkSentAsync(long deliveryId, int statusCode, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var update = Command(connection, """
            UPDATE alert_deliveries SET status = 'sent', attempts = attempts + 1, last_status_code = $code, next_attempt_at = NULL,
                sent_at = $now WHERE id = $id;
            """, ("$code", statusCode), ("$now", Format(_time.GetUtcNow())), ("$id", deliveryId));
        await update.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Records a failed attempt: retried at <paramref name="nextAttemptAt"/>, or failed for good when null.</summary>
    public async Task RecordFailedAttemptAsync(long deliveryId, string error, int? statusCode, DateTimeOffset? nextAttemptAt, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var update = Command(connection, """
            UPDATE alert_deliveries SET status = $status, attempts = attempts + 1, last_error = $error, last_status_code = $code,
                next_attempt_at = $next WHERE id = $id;
            """, ("$status", nextAttemptAt is null ? AlertDeliveryStatus.Failed : AlertDeliveryStatus.Pending),
            ("$error", error.Length > 1000 ? error[..1000] : error), ("$code", statusCode),
            ("$next", nextAttemptAt is { } next ? Format(next) : null), ("$id", deliveryId));
        await update.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<IReadOnlyList<AlertDelivery>> ReadDeliveriesAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var deliveries = new List<AlertDelivery>();
        while (await reader.ReadAsync(cancellationToken))
        {
            deliveries.Add(new AlertDelivery
            {
                Id = reader.GetInt64(0),
                RuleId = reader.GetInt64(1),
                RuleName = reader.GetString(2),
                WebhookUrl = reader.GetString(3),
                ArticleId = reader.GetString(4),
                ArticleVersion = reader.GetInt32(5),
                ArticleTitle = Nullable(reader, 6),
                Status = reader.GetString(7),
                Attempts = reader.GetInt32(8),
                LastError = Nullable(reader, 9),
                LastStatusCode = reader.IsDBNull(10) ? null : reader.GetInt32(10),
                NextAttemptAt = reader.IsDBNull(11) ? null : Time(reader.GetString(11)),
                PayloadJson = reader.GetString(12),
                CreatedAt = Time(reader.GetString(13)),
                SentAt = reader.IsDBNull(14) ? null : Time(reader.GetString(14)),
            });
        }

        return deliveries;
    }

    private Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken) =>
        Storage.SqliteConnections.OpenAsync(_connectionString, cancellationToken);

    private static SqliteCommand Command(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters) =>
        Storage.SqliteConnections.Command(connection, null, sql, parameters);

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string? Nullable(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static DateTimeOffset Time(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

    // Fixed-width UTC ("O"), so stored times compare correctly as text.
    private static string Format(DateTimeOffset time) => time.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);
}
