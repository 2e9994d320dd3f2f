using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using ThreatScorer.Core.Storage;
using ThreatScorer.Tests.TestSupport;

namespace ThreatScorer.Tests.Storage;

public sealed class SqliteArticleStoreTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 9, 0, 0, TimeSpan.Zero));
    private readonly SqliteArticleStore _store;

    public SqliteArticleStoreTests()
    {
        _store = new SqliteArticleStore(_dir.File("sub/store.db"), _time);
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Migrate_OnEmptyFile_CreatesSchemaAtLatestVersionInWalMode()
    {
        await _store.MigrateAsync(CancellationToken.None);

        Assert.True(File.Exists(_dir.File("sub/store.db")));
        Assert.Equal(SqliteMigrations.All[^1].Version, await _store.GetSchemaVersionAsync(CancellationToken.None));
        await using var connection = new SqliteConnection($"Data Source={_store.DatabasePath}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Migrate_WhenManyMigratorsStartTogetherOnNewFiles_EveryOneSucceedsAndTheSchemaIsAppliedOnce()
    {
        // Two workers started together on a new file raced here ("duplicate column name", "table already
        // exists"). Several rounds of eight migrators on fresh files, each on its own thread and connection.
        const int Rounds = 12;
        const int Migrators = 8;
        for (var round = 0; round < Rounds; round++)
        {
            var path = _dir.File($"race/{round}.db");
            // Dedicated threads released together by a barrier: thread-pool tasks would start one after another.
            using var start = new Barrier(Migrators);
            var migrations = Enumerable.Range(0, Migrators).Select(_ => Task.Factory.StartNew(() =>
            {
                start.SignalAndWait();
                new SqliteArticleStore(path, _time).MigrateAsync(CancellationToken.None).GetAwaiter().GetResult();
            }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
            await Task.WhenAll(migrations);

            var store = new SqliteArticleStore(path, _time);
            Assert.Equal(SqliteMigrations.All[^1].Version, await store.GetSchemaVersionAsync(CancellationToken.None));
            await using var connection = new SqliteConnection($"Data Source={store.DatabasePath}");
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM schema_migrations;";
            Assert.Equal((long)SqliteMigrations.All.Count, (long)(await command.ExecuteScalarAsync())!);
        }
    }

    [Fact]
    public async Task Migrate_FromVersionOne_KeepsRowsAndAddsThreatTables()
    {
        // A database as the first release left it: schema version 1 with one article.
        Directory.CreateDirectory(Path.GetDirectoryName(_store.DatabasePath)!);
        await using (var connection = new SqliteConnection($"Data Source={_store.DatabasePath}"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL);"
                + SqliteMigrationsAccess.Sql(1)
                + "INSERT INTO schema_migrations VALUES (1, 'v1', '2026-01-01T00:00:00Z');"
                + "INSERT INTO articles (id, dedupe_key, content_hash, text, source_path, ingested_at, updated_at, status) VALUES ('a-1', 'text:h', 'h', 'Old.', 'a.txt', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 'new');";
            await command.ExecuteNonQueryAsync();
        }

        await _store.MigrateAsync(CancellationToken.None);

        Assert.Equal(SqliteMigrations.All[^1].Version, await _store.GetSchemaVersionAsync(CancellationToken.None));
        Assert.Equal("Old.", (await _store.GetArticleAsync("a-1", CancellationToken.None))!.Text);
        Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM actor_relations"));
        Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM threat_kinds"));
    }

    [Fact]
    public async Task Migrate_FromVersionFive_AddsClaimColumnsToExistingRows()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_store.DatabasePath)!);
        await using (var connection = new SqliteConnection($"Data Source={_store.DatabasePath}"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL);"
                + string.Concat(Enumerable.Range(1, 5).Select(SqliteMigrationsAccess.Sql))
                + "INSERT INTO schema_migrations VALUES (1, 'v1', '2026-01-01T00:00:00Z'), (2, 'v2', '2026-01-01T00:00:00Z'), (3, 'v3', '2026-01-01T00:00:00Z'), (4, 'v4', '2026-01-01T00:00:00Z'), (5, 'v5', '2026-01-01T00:00:00Z');"
                + "INSERT INTO articles (id, dedupe_key, content_hash, text, source_path, ingested_at, updated_at, status) VALUES ('a-1', 'text:h', 'h', 'Old.', 'a.txt', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 'new');";
            await command.ExecuteNonQueryAsync();
        }

        await _store.MigrateAsync(CancellationToken.None);

        var claimed = Assert.Single(await _store.ClaimPendingAsync("w1", 10, TimeSpan.FromMinutes(1), CancellationToken.None));
        Assert.Equal("a-1", claimed.Id);
        Assert.Equal("w1", claimed.ClaimedBy);
        Assert.Equal(0, claimed.SaveCount);
    }

    [Fact]
    public async Task ClaimQuery_ReadsAnIndexInClaimOrder_WithoutASort()
    {
        await _store.MigrateAsync(CancellationToken.None);
        await using var connection = new SqliteConnection($"Data Source={_store.DatabasePath}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + SqliteArticleStore.ClaimSql;
        foreach (var name in new[] { "$w", "$until", "$now" })
        {
            command.Parameters.AddWithValue(name, "2026-01-01T00:00:00.0000000+00:00");
        }

        command.Parameters.AddWithValue("$limit", 10);
        var plan = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                plan.Add(reader.GetString(3));
            }
        }

        var text = string.Join(" | ", plan);
        Assert.Contains("ix_articles_status_ingested_id", text, StringComparison.Ordinal);
        Assert.DoesNotContain("TEMP B-TREE", text, StringComparison.Ordinal);
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={_store.DatabasePath}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
