using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using ThreatScorer.Core.Actors;
using ThreatScorer.Core.Articles;
using ThreatScorer.Core.Scoring;
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
    public async Task Migrate_RunTwice_IsIdempotent()
    {
        await _store.MigrateAsync(CancellationToken.None);
        await _store.MigrateAsync(CancellationToken.None);

        Assert.Equal(SqliteMigrations.All[^1].Version, await _store.GetSchemaVersionAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Ingest_SameTextTwice_IsDuplicate()
    {
        await _store.MigrateAsync(CancellationToken.None);

        var first = await _store.IngestAsync(Article("a.txt", "Body one."), "hash-1", CancellationToken.None);
        var second = await _store.IngestAsync(Article("b.txt", "Body one."), "hash-1", CancellationToken.None);

        Assert.Equal(IngestOutcome.Added, first.Outcome);
        Assert.Equal(IngestOutcome.Duplicate, second.Outcome);
        Assert.Equal(first.ArticleId, second.ArticleId);
        Assert.Single(await _store.GetPendingAsync(10, null, CancellationToken.None));
    }

    [Fact]
    public async Task Ingest_SameUrlWithOtherText_IsNewVersionOfSameArticle()
    {
        await _store.MigrateAsync(CancellationToken.None);

        var first = await _store.IngestAsync(Article("a.json", "Old text.", url: "https://news.example/a/"), "h1", CancellationToken.None);
        var second = await _store.IngestAsync(Article("b.json", "New text.", url: "HTTPS://news.example/a#comments"), "h2", CancellationToken.None);

        Assert.Equal(IngestOutcome.NewVersion, second.Outcome);
        Assert.Equal(first.ArticleId, second.ArticleId);
        var stored = await _store.GetArticleAsync(first.ArticleId, CancellationToken.None);
        Assert.Equal(2, stored!.Version);
        Assert.Equal("New text.", stored.Text);
        Assert.Equal(ArticleStatus.New, stored.Status);
    }

    [Fact]
    public async Task Ingest_EditedFileWithoutUrl_IsNewVersion()
    {
        await _store.MigrateAsync(CancellationToken.None);

        var first = await _store.IngestAsync(Article("/inbox/a.txt", "Draft."), "h1", CancellationToken.None);
        var second = await _store.IngestAsync(Article("/inbox/a.txt", "Final."), "h2", CancellationToken.None);

        Assert.Equal(IngestOutcome.NewVersion, second.Outcome);
        Assert.Equal(first.ArticleId, second.ArticleId);
    }

    [Fact]
    public async Task SaveAssessment_RoundTripsJsonAndActorRows_AndMarksScored()
    {
        await _store.MigrateAsync(CancellationToken.None);
        var (_, id) = await _store.IngestAsync(Article("a.txt", "Russia backs Tajikistan."), "h1", CancellationToken.None);

        var assessment = Assessment(id);
        await _store.SaveAssessmentAsync(assessment, CancellationToken.None);
        await _store.SaveAssessmentAsync(assessment, CancellationToken.None); // idempotent

        var stored = await _store.GetArticleAsync(id, CancellationToken.None);
        Assert.Equal(ArticleStatus.Scored, stored!.Status);
        var json = await _store.GetLatestAssessmentJsonAsync(id, CancellationToken.None);
        var back = AssessmentJson.Deserialize(json!);
        Assert.Equal("RUS", back.Actors[0].ActorId);
        Assert.Equal(0.7, back.Actors[0].Score);
        Assert.Equal(ActorType.State, back.Actors[0].Type);
        Assert.Empty(await _store.GetPendingAsync(10, null, CancellationToken.None));
        Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM actor_stances"));
        Assert.Equal(2, await CountAsync("SELECT COUNT(*) FROM threat_kinds"));
        Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM actor_relations WHERE subject_id = 'RUS' AND object_id = 'TJK'"));
        Assert.Equal("elevated", back.Threat.Level);
        Assert.Equal("armed_conflict", back.Threat.TopKind);
    }

    [Fact]
    public async Task SaveAssessment_WithNewModelVersion_KeepsOldScore()
    {
        await _store.MigrateAsync(CancellationToken.None);
        var (_, id) = await _store.IngestAsync(Article("a.txt", "Text."), "h1", CancellationToken.None);

        await _store.SaveAssessmentAsync(Assessment(id), CancellationToken.None);
        await _store.SaveAssessmentAsync(Assessment(id) with { Models = new ModelVersions("stance-2", "sentiment-1", "threat-1", "interaction-1") }, CancellationToken.None);

        Assert.Equal(2, await CountAsync("SELECT COUNT(*) FROM assessments"));
    }

    [Fact]
    public async Task SaveAssessment_ForUnknownArticle_ThrowsAndWritesNothing()
    {
        await _store.MigrateAsync(CancellationToken.None);

        await Assert.ThrowsAsync<InvalidOperationException>(() => _store.SaveAssessmentAsync(Assessment("a-missing"), CancellationToken.None));

        Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM assessments"));
    }

    [Fact]
    public async Task RecordFailure_AfterMaxAttempts_MarksFailedWithError()
    {
        await _store.MigrateAsync(CancellationToken.None);
        var (_, id) = await _store.IngestAsync(Article("a.txt", "Text."), "h1", CancellationToken.None);

        await _store.RecordFailureAsync(id, "boom 1", 2, CancellationToken.None);
        Assert.Equal(ArticleStatus.New, (await _store.GetArticleAsync(id, CancellationToken.None))!.Status);
        await _store.RecordFailureAsync(id, "boom 2", 2, CancellationToken.None);

        var stored = await _store.GetArticleAsync(id, CancellationToken.None);
        Assert.Equal(ArticleStatus.Failed, stored!.Status);
        Assert.Equal(2, stored.Attempts);
        Assert.Contains("boom 2", stored.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RecordRejection_SameInputTwice_StoresOnce()
    {
        await _store.MigrateAsync(CancellationToken.None);
        var rejected = new ArticleReadResult { SourcePath = "bad.jsonl", SourceLine = 3, RejectionReason = "malformed JSON", ContentHash = "abc" };

        var first = await _store.RecordRejectionAsync(rejected, CancellationToken.None);
        var second = await _store.RecordRejectionAsync(rejected, CancellationToken.None);

        Assert.Equal(IngestOutcome.Rejected, first.Outcome);
        Assert.Equal(IngestOutcome.Duplicate, second.Outcome);
        var counts = await _store.CountByStatusAsync(CancellationToken.None);
        Assert.Equal(1, counts[ArticleStatus.Rejected]);
        Assert.Equal("malformed JSON", (await _store.GetArticleAsync(first.ArticleId, CancellationToken.None))!.Reason);
    }

    [Fact]
    public async Task GetPending_AfterCursor_SkipsEarlierArticles()
    {
        await _store.MigrateAsync(CancellationToken.None);
        await _store.IngestAsync(Article("a.txt", "One."), "h1", CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(1));
        await _store.IngestAsync(Article("b.txt", "Two."), "h2", CancellationToken.None);

        var first = await _store.GetPendingAsync(1, null, CancellationToken.None);
        var next = await _store.GetPendingAsync(10, new PendingCursor(first[0].IngestedAt, first[0].Id), CancellationToken.None);

        Assert.Equal("One.", first[0].Text);
        Assert.Equal("Two.", Assert.Single(next).Text);
    }

    [Fact]
    public async Task InboxFile_MarkedRead_IsUnchangedUntilSizeOrTimeChanges()
    {
        await _store.MigrateAsync(CancellationToken.None);
        var time = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        await _store.MarkInboxFileReadAsync("/in/a.txt", 10, time, CancellationToken.None);

        Assert.True(await _store.IsInboxFileUnchangedAsync("/in/a.txt", 10, time, CancellationToken.None));
        Assert.False(await _store.IsInboxFileUnchangedAsync("/in/a.txt", 11, time, CancellationToken.None));
        Assert.False(await _store.IsInboxFileUnchangedAsync("/in/a.txt", 10, time.AddSeconds(1), CancellationToken.None));
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={_store.DatabasePath}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static RawArticle Article(string path, string text, string? url = null) =>
        new() { SourcePath = path, Text = text, Title = "T", Url = url };

    private ArticleAssessment Assessment(string id) => new()
    {
        ArticleId = id,
        SourcePath = "a.txt",
        CleanedText = "T\n\nRussia backs Tajikistan.",
        SentenceCount = 2,
        Sentiment = new SentimentAssessment("positive", 0.4, new Dictionary<string, float> { ["negative"] = 0.1f, ["neutral"] = 0.4f, ["positive"] = 0.5f }),
        Actors =
        [
            new ActorStance
            {
                ActorId = "RUS", Name = "Russia", Type = ActorType.State, Country = "RUS", IsListed = true, Label = "positive",
                Score = 0.7, Probabilities = new Dictionary<string, float> { ["negative"] = 0.05f, ["neutral"] = 0.2f, ["positive"] = 0.75f },
                MentionCount = 1, Mentions = [new MentionSpan(1, 3, 6, "Russia")],
                Evidence = [new EvidenceSentence(1, 3, 25, "Russia backs Tajikistan.", "positive", 0.7)],
            },
        ],
        Threat = new ThreatAssessment(
            "elevated", 0.62,
            new Dictionary<string, double> { ["none"] = 0.1, ["low"] = 0.28, ["elevated"] = 0.4, ["high"] = 0.22 },
            new Dictionary<string, double> { ["armed_conflict"] = 0.5, ["terrorism"] = 0.3 }, "armed_conflict",
            [new EvidenceSentence(1, 3, 25, "Russia backs Tajikistan.", "elevated", 0.62)]),
        Relations = [new ActorRelation("RUS", "Russia", "TJK", "Tajikistan", "verbal_cooperation", 0.8, new EvidenceSentence(1, 3, 25, "Russia backs Tajikistan.", "verbal_cooperation", 0.8))],
        Models = new ModelVersions("stance-1", "sentiment-1", "threat-1", "interaction-1"),
        Timings = new ScoringTimings(1, 1, 1, 1, 1, 5),
        ScoredAt = _time.GetUtcNow(),
    };
}
