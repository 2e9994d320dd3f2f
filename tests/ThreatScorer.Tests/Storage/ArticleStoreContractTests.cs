using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using ThreatScorer.Core.Actors;
using ThreatScorer.Core.Articles;
using ThreatScorer.Core.Scoring;
using ThreatScorer.Core.Storage;
using ThreatScorer.Tests.TestSupport;

namespace ThreatScorer.Tests.Storage;

/// <summary>
/// What every store must do, run once against SQLite and once against a real PostgreSQL server: the same tests,
/// so the two behave identically (ingest and dedupe, versions, claims and leases, idempotent saves, failures).
/// </summary>
public abstract class ArticleStoreContractTests : IAsyncLifetime
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 28, 9, 0, 0, TimeSpan.Zero));

    protected IArticleStore Store { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Store = await CreateStoreAsync();
        await Store.MigrateAsync(CancellationToken.None);
    }

    public abstract Task DisposeAsync();

    protected abstract Task<IArticleStore> CreateStoreAsync();

    protected abstract DbConnection OpenRawConnection();

    [StoreFact]
    public async Task Migrate_Twice_IsIdempotent_AndReportsTheLatestVersion()
    {
        var version = await Store.GetSchemaVersionAsync(CancellationToken.None);
        await Store.MigrateAsync(CancellationToken.None);

        Assert.True(version >= 1);
        Assert.Equal(version, await Store.GetSchemaVersionAsync(CancellationToken.None));
    }

    [StoreFact]
    public async Task Ingest_SameTextTwice_IsDuplicate()
    {
        var first = await Store.IngestAsync(Article("a.txt", "Body one."), "hash-1", CancellationToken.None);
        var second = await Store.IngestAsync(Article("b.txt", "Body one."), "hash-1", CancellationToken.None);

        Assert.Equal(IngestOutcome.Added, first.Outcome);
        Assert.Equal(IngestOutcome.Duplicate, second.Outcome);
        Assert.Equal(first.ArticleId, second.ArticleId);
        Assert.Single(await Store.ClaimPendingAsync("w", 10, Lease, CancellationToken.None));
    }

    [StoreFact]
    public async Task Ingest_SameUrlWithOtherText_IsNewVersionOfSameArticle()
    {
        var first = await Store.IngestAsync(Article("a.json", "Old text.", url: "https://news.example/a/"), "h1", CancellationToken.None);
        var second = await Store.IngestAsync(Article("b.json", "New text.", url: "HTTPS://news.example/a#comments"), "h2", CancellationToken.None);

        Assert.Equal(IngestOutcome.NewVersion, second.Outcome);
        Assert.Equal(first.ArticleId, second.ArticleId);
        var stored = await Store.GetArticleAsync(first.ArticleId, CancellationToken.None);
        Assert.Equal(2, stored!.Version);
        Assert.Equal("New text.", stored.Text);
        Assert.Equal(ArticleStatus.New, stored.Status);
    }

    [StoreFact]
    public async Task Ingest_EditedFileWithoutUrl_IsNewVersion_AndSameLineOfOtherFileIsNot()
    {
        var first = await Store.IngestAsync(Article("/inbox/a.txt", "Draft."), "h1", CancellationToken.None);
        var second = await Store.IngestAsync(Article("/inbox/a.txt", "Final."), "h2", CancellationToken.None);
        var other = await Store.IngestAsync(Article("/inbox/b.txt", "Other."), "h3", CancellationToken.None);

        Assert.Equal(IngestOutcome.NewVersion, second.Outcome);
        Assert.Equal(first.ArticleId, second.ArticleId);
        Assert.Equal(IngestOutcome.Added, other.Outcome);
    }

    [StoreFact]
    public async Task Ingest_TextWithNulCharacters_IsStored()
    {
        var (outcome, id) = await Store.IngestAsync(Article("nul.txt", "Before\0after."), "h-nul", CancellationToken.None);

        Assert.Equal(IngestOutcome.Added, outcome);
        var text = (await Store.GetArticleAsync(id, CancellationToken.None))!.Text!;
        Assert.StartsWith("Before", text, StringComparison.Ordinal);
        Assert.EndsWith("after.", text, StringComparison.Ordinal);
    }

    [StoreFact]
    public async Task Claim_GivesEachArticleToOneWorker_OldestFirst_UntilTheLeaseRunsOut()
    {
        for (var i = 0; i < 5; i++)
        {
            await Store.IngestAsync(Article($"{i}.txt", $"Text {i}."), $"h{i}", CancellationToken.None);
            Time.Advance(TimeSpan.FromSeconds(1));
        }

        var first = await Store.ClaimPendingAsync("w1", 3, Lease, CancellationToken.None);
        var second = await Store.ClaimPendingAsync("w2", 3, Lease, CancellationToken.None);
        var third = await Store.ClaimPendingAsync("w3", 3, Lease, CancellationToken.None);

        Assert.Equal(["Text 0.", "Text 1.", "Text 2."], first.Select(a => a.Text));
        Assert.Equal(["Text 3.", "Text 4."], second.Select(a => a.Text));
        Assert.Empty(third);
        Assert.All(first, a => Assert.Equal("w1", a.ClaimedBy));
        Assert.All(first, a => Assert.Equal(Time.GetUtcNow() + Lease, a.LeaseUntil));

        // w1 is killed: once its lease has run out, its articles are claimed again (and only those).
        Time.Advance(Lease + TimeSpan.FromSeconds(1));
        await Store.RenewClaimsAsync("w2", Lease, CancellationToken.None);
        var reclaimed = await Store.ClaimPendingAsync("w3", 10, Lease, CancellationToken.None);
        Assert.Equal(first.Select(a => a.Id), reclaimed.Select(a => a.Id));
    }

    [StoreFact]
    public async Task Release_ReturnsOnlyTheWorkersUnfinishedArticles()
    {
        var a = (await Store.IngestAsync(Article("a.txt", "A."), "ha", CancellationToken.None)).ArticleId;
        Time.Advance(TimeSpan.FromSeconds(1));
        await Store.IngestAsync(Article("b.txt", "B."), "hb", CancellationToken.None);
        var claimed = await Store.ClaimPendingAsync("w1", 10, Lease, CancellationToken.None);
        await Store.SaveAssessmentAsync(Assessment(a), "w1", CancellationToken.None);

        var released = await Store.ReleaseClaimsAsync("w1", CancellationToken.None);

        Assert.Equal(2, claimed.Count);
        Assert.Equal(1, released);
        var again = Assert.Single(await Store.ClaimPendingAsync("w2", 10, Lease, CancellationToken.None));
        Assert.Equal("B.", again.Text);
        Assert.Equal(ArticleStatus.Scored, (await Store.GetArticleAsync(a, CancellationToken.None))!.Status);
    }

    [StoreFact]
    public async Task SaveAssessment_RoundTripsJsonAndRows_MarksScored_AndIsIdempotent()
    {
        var (_, id) = await Store.IngestAsync(Article("a.txt", "Russia backs Tajikistan."), "h1", CancellationToken.None);
        await Store.ClaimPendingAsync("w1", 10, Lease, CancellationToken.None);

        var assessment = Assessment(id);
        await Store.SaveAssessmentAsync(assessment, "w1", CancellationToken.None);
        await Store.SaveAssessmentAsync(assessment, "w2", CancellationToken.None); // the same job ran twice

        var stored = await Store.GetArticleAsync(id, CancellationToken.None);
        Assert.Equal(ArticleStatus.Scored, stored!.Status);
        Assert.Equal("w2", stored.ScoredBy);
        Assert.Equal(2, stored.SaveCount);
        Assert.Null(stored.ClaimedBy);
        var back = AssessmentJson.Deserialize((await Store.GetLatestAssessmentJsonAsync(id, CancellationToken.None))!);
        Assert.Equal("RUS", back.Actors[0].ActorId);
        Assert.Equal(0.7, back.Actors[0].Score);
        Assert.Equal(ActorType.State, back.Actors[0].Type);
        Assert.Equal("elevated", back.Threat.Level);
        Assert.Equal("armed_conflict", back.Threat.TopKind);
        Assert.Empty(await Store.ClaimPendingAsync("w3", 10, Lease, CancellationToken.None));
        Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM assessments"));
        Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM actor_stances"));
        Assert.Equal(2, await CountAsync("SELECT COUNT(*) FROM threat_kinds"));
        Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM actor_relations WHERE subject_id = 'RUS' AND object_id = 'TJK'"));
    }

    [StoreFact]
    public async Task SaveAssessment_WithNewModelVersion_KeepsOldScore_AndListsTheLatestKey()
    {
        var (_, id) = await Store.IngestAsync(Article("a.txt", "Text."), "h1", CancellationToken.None);

        await Store.SaveAssessmentAsync(Assessment(id), "w1", CancellationToken.None);
        Time.Advance(TimeSpan.FromMinutes(1));
        var rescored = Assessment(id) with
        {
            Models = new ModelVersions("stance-2", "sentiment-1", "threat-1", "interaction-1"),
            ScoredAt = Time.GetUtcNow(),
        };
        await Store.SaveAssessmentAsync(rescored, "rescore", CancellationToken.None);

        Assert.Equal(2, await CountAsync("SELECT COUNT(*) FROM assessments"));
        var afterRescore = (await Store.GetArticleAsync(id, CancellationToken.None))!;
        Assert.Equal(("rescore", 1), (afterRescore.ScoredBy, afterRescore.SaveCount)); // a new key is not a repeat
        await Store.SaveAssessmentAsync(rescored, "rescore", CancellationToken.None);
        Assert.Equal(2, (await Store.GetArticleAsync(id, CancellationToken.None))!.SaveCount); // the same key again is a repeat
        var (article, key) = Assert.Single(await Store.ListScoredSinceAsync(Time.GetUtcNow().AddDays(-1), CancellationToken.None));
        Assert.Equal(id, article.Id);
        Assert.Contains("stance=stance-2", key, StringComparison.Ordinal);
    }

    [StoreFact]
    public async Task SaveAssessment_OfAVersionSupersededByAReIngest_ReturnsFalse_AndWritesNothing()
    {
        // Worker A claims version 1; replica B ingests the edited file as version 2 while A scores version 1.
        var (_, id) = await Store.IngestAsync(Article("/inbox/a.txt", "Draft."), "h1", CancellationToken.None);
        Assert.Single(await Store.ClaimPendingAsync("wA", 10, Lease, CancellationToken.None));
        var (outcome, _) = await Store.IngestAsync(Article("/inbox/a.txt", "Final."), "h2", CancellationToken.None);
        Assert.Equal(IngestOutcome.NewVersion, outcome);

        var saved = await Store.SaveAssessmentAsync(Assessment(id) with { ArticleVersion = 1 }, "wA", CancellationToken.None);

        Assert.False(saved);
        var stored = (await Store.GetArticleAsync(id, CancellationToken.None))!;
        Assert.Equal((2, ArticleStatus.New, 0), (stored.Version, stored.Status, stored.SaveCount));
        Assert.Null(stored.ScoredBy);
        Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM assessments"));
        Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM threat_kinds"));
        var next = Assert.Single(await Store.ClaimPendingAsync("wB", 10, Lease, CancellationToken.None));
        Assert.Equal((id, 2), (next.Id, next.Version));
        Assert.True(await Store.SaveAssessmentAsync(Assessment(id) with { ArticleVersion = 2 }, "wB", CancellationToken.None));
        Assert.Equal(1, (await Store.GetArticleAsync(id, CancellationToken.None))!.SaveCount);
    }

    [StoreFact]
    public async Task LateFailureOrRejection_AboutAnOlderVersion_LeavesTheNewerVersionAlone()
    {
        var (_, id) = await Store.IngestAsync(Article("/inbox/a.txt", "Draft."), "h1", CancellationToken.None);
        await Store.ClaimPendingAsync("wA", 10, Lease, CancellationToken.None);
        await Store.IngestAsync(Article("/inbox/a.txt", "Final."), "h2", CancellationToken.None);

        await Store.RecordFailureAsync(id, 1, "stale", 1, TimeSpan.FromHours(1), CancellationToken.None);
        await Store.MarkRejectedAsync(id, 1, "stale", CancellationToken.None);

        var stored = (await Store.GetArticleAsync(id, CancellationToken.None))!;
        Assert.Equal((2, ArticleStatus.New, 0), (stored.Version, stored.Status, stored.Attempts));
        Assert.Null(stored.Reason);
        Assert.Single(await Store.ClaimPendingAsync("wB", 10, Lease, CancellationToken.None)); // the stale failure set no retry delay

        await Store.MarkRejectedAsync(id, 2, "too many sentences", CancellationToken.None);
        Assert.Equal(ArticleStatus.Rejected, (await Store.GetArticleAsync(id, CancellationToken.None))!.Status);
    }

    [StoreFact]
    public async Task SaveAssessment_ForUnknownArticle_ThrowsAndWritesNothing()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.SaveAssessmentAsync(Assessment("a-missing"), null, CancellationToken.None));

        Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM assessments"));
    }

    [StoreFact]
    public async Task RecordFailure_WaitsTheRetryDelay_ThenMarksFailedAfterMaxAttempts()
    {
        var (_, id) = await Store.IngestAsync(Article("a.txt", "Text."), "h1", CancellationToken.None);
        await Store.ClaimPendingAsync("w1", 10, Lease, CancellationToken.None);

        await Store.RecordFailureAsync(id, 1, "boom 1", 2, TimeSpan.FromMinutes(1), CancellationToken.None);
        var afterFirst = (await Store.GetArticleAsync(id, CancellationToken.None))!;
        Assert.Equal(ArticleStatus.New, afterFirst.Status);
        Assert.Null(afterFirst.ClaimedBy);
        Assert.Empty(await Store.ClaimPendingAsync("w2", 10, Lease, CancellationToken.None)); // not before the delay

        Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Single(await Store.ClaimPendingAsync("w2", 10, Lease, CancellationToken.None));
        await Store.RecordFailureAsync(id, 1, "boom 2", 2, TimeSpan.FromMinutes(1), CancellationToken.None);

        var stored = await Store.GetArticleAsync(id, CancellationToken.None);
        Assert.Equal(ArticleStatus.Failed, stored!.Status);
        Assert.Equal(2, stored.Attempts);
        Assert.Contains("scoring failed after 2 attempts: boom 2", stored.Reason, StringComparison.Ordinal);
        Time.Advance(TimeSpan.FromHours(1));
        Assert.Empty(await Store.ClaimPendingAsync("w3", 10, Lease, CancellationToken.None));
    }

    [StoreFact]
    public async Task LateFailureOrRejection_FromAStaleWorker_NeverUndoesAScore()
    {
        var (_, id) = await Store.IngestAsync(Article("a.txt", "Text."), "h1", CancellationToken.None);
        await Store.SaveAssessmentAsync(Assessment(id), "w2", CancellationToken.None);

        await Store.RecordFailureAsync(id, 1, "stale", 1, TimeSpan.Zero, CancellationToken.None);
        await Store.MarkRejectedAsync(id, 1, "stale", CancellationToken.None);

        var stored = await Store.GetArticleAsync(id, CancellationToken.None);
        Assert.Equal(ArticleStatus.Scored, stored!.Status);
        Assert.Equal(0, stored.Attempts);
    }

    [StoreFact]
    public async Task MarkRejected_RecordsTheReason()
    {
        var (_, id) = await Store.IngestAsync(Article("a.txt", "Text."), "h1", CancellationToken.None);

        await Store.MarkRejectedAsync(id, 1, "too many sentences (20001 > 20000)", CancellationToken.None);

        var stored = await Store.GetArticleAsync(id, CancellationToken.None);
        Assert.Equal(ArticleStatus.Rejected, stored!.Status);
        Assert.Equal("too many sentences (20001 > 20000)", stored.Reason);
    }

    [StoreFact]
    public async Task RecordRejection_SameInputTwice_StoresOnce()
    {
        var rejected = new ArticleReadResult { SourcePath = "bad.jsonl", SourceLine = 3, RejectionReason = "malformed JSON", ContentHash = "abc" };

        var first = await Store.RecordRejectionAsync(rejected, CancellationToken.None);
        var second = await Store.RecordRejectionAsync(rejected, CancellationToken.None);

        Assert.Equal(IngestOutcome.Rejected, first.Outcome);
        Assert.Equal(IngestOutcome.Duplicate, second.Outcome);
        var counts = await Store.CountByStatusAsync(CancellationToken.None);
        Assert.Equal(1, counts[ArticleStatus.Rejected]);
        Assert.Equal("malformed JSON", (await Store.GetArticleAsync(first.ArticleId, CancellationToken.None))!.Reason);
        Assert.Equal(ArticleStatus.Rejected, Assert.Single(await Store.ListArticlesAsync(10, ArticleStatus.Rejected, CancellationToken.None)).Status);
    }

    [StoreFact]
    public async Task InboxFile_MarkedRead_IsUnchangedUntilSizeOrTimeChanges()
    {
        var time = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        await Store.MarkInboxFileReadAsync("/in/a.txt", 10, time, CancellationToken.None);

        Assert.True(await Store.IsInboxFileUnchangedAsync("/in/a.txt", 10, time, CancellationToken.None));
        Assert.False(await Store.IsInboxFileUnchangedAsync("/in/a.txt", 11, time, CancellationToken.None));
        Assert.False(await Store.IsInboxFileUnchangedAsync("/in/a.txt", 10, time.AddSeconds(1), CancellationToken.None));
    }

    [StoreFact]
    public async Task ConcurrentClaims_FromManyWorkers_NeverShareAnArticle()
    {
        for (var i = 0; i < 200; i++)
        {
            await Store.IngestAsync(Article($"{i}.txt", $"Text {i}."), $"h{i}", CancellationToken.None);
        }

        var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            var mine = new List<string>();
            while (true)
            {
                var batch = await Store.ClaimPendingAsync($"w{w}", 7, Lease, CancellationToken.None);
                if (batch.Count == 0)
                {
                    return mine;
                }

                foreach (var article in batch)
                {
                    await Store.SaveAssessmentAsync(Assessment(article.Id), $"w{w}", CancellationToken.None);
                    mine.Add(article.Id);
                }
            }
        })));

        var all = claims.SelectMany(c => c).ToList();
        Assert.Equal(200, all.Count);
        Assert.Equal(200, all.Distinct().Count());
        Assert.Equal(200, await CountAsync("SELECT COUNT(*) FROM articles WHERE save_count = 1 AND status = 'scored'"));
    }

    protected async Task<long> CountAsync(string sql)
    {
        await using var connection = OpenRawConnection();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
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
        ScoredAt = Time.GetUtcNow(),
    };
}

public sealed class SqliteArticleStoreContractTests : ArticleStoreContractTests, IDisposable
{
    private readonly TempDirectory _dir = new();

    public override Task DisposeAsync()
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => _dir.Dispose();

    protected override Task<IArticleStore> CreateStoreAsync() =>
        Task.FromResult<IArticleStore>(new SqliteArticleStore(_dir.File("store.db"), Time));

    protected override DbConnection OpenRawConnection() => new SqliteConnection($"Data Source={_dir.File("store.db")}");

    [Fact]
    public void BusyDatabase_IsTransient_AndAConstraintErrorIsNot()
    {
        var store = new SqliteArticleStore(_dir.File("x.db"), Time);
        Assert.True(store.IsTransient(new SqliteException("database is locked", 5)));
        Assert.False(store.IsTransient(new SqliteException("constraint failed", 19)));
    }
}

[RequiresPostgres]
[Collection(PostgresTests.Name)]
[SuppressMessage("Design", "CA1001", Justification = "xunit disposes the store in IAsyncLifetime.DisposeAsync, once, before the database is dropped.")]
public sealed class PostgresArticleStoreContractTests : ArticleStoreContractTests
{
    private PostgresTestDatabase? _database;
    private PostgresArticleStore? _store;

    public override async Task DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    protected override async Task<IArticleStore> CreateStoreAsync()
    {
        _database = await PostgresTestDatabase.CreateAsync();
        _store = new PostgresArticleStore(_database.ConnectionString, Time);
        return _store;
    }

    protected override DbConnection OpenRawConnection() => new NpgsqlConnection(_database!.ConnectionString);

    [StoreFact]
    public async Task UnreachableServer_IsTransient()
    {
        await using var store = new PostgresArticleStore("Host=127.0.0.1;Port=1;Username=x;Password=x;Database=x;Timeout=2", Time);
        var error = await Assert.ThrowsAnyAsync<Exception>(() => store.GetSchemaVersionAsync(CancellationToken.None));
        Assert.True(store.IsTransient(error), error.ToString());
    }

    [StoreFact]
    public async Task ReplicasMigratingAtOnce_EndWithOneSchema()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        var stores = Enumerable.Range(0, 4).Select(_ => new PostgresArticleStore(database.ConnectionString, Time)).ToList();
        try
        {
            await Task.WhenAll(stores.Select(s => Task.Run(() => s.MigrateAsync(CancellationToken.None))));
            Assert.Equal(1, await stores[0].GetSchemaVersionAsync(CancellationToken.None));
        }
        finally
        {
            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }
        }
    }
}
