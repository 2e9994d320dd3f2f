using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ThreatScorer.Core.Articles;
using ThreatScorer.Core.Configuration;
using ThreatScorer.Core.Scoring;
using ThreatScorer.Core.Storage;
using ThreatScorer.Tests.TestSupport;
using ThreatScorer.Worker;

namespace ThreatScorer.Tests.Worker;

public sealed class WorkerHostTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Worker_StartedInProcess_ScoresSeedArticleIntoDatabase()
    {
        var inbox = Directory.CreateDirectory(_dir.File("inbox")).FullName;
        File.Copy(RepoPaths.SeedArticle, Path.Combine(inbox, Path.GetFileName(RepoPaths.SeedArticle)));
        using var host = BuildHost(inbox).Build();

        await host.StartAsync();
        var store = host.Services.GetRequiredService<IArticleStore>();
        var scored = await WaitForAsync(async () =>
            (await store.ListArticlesAsync(10, ArticleStatus.Scored, CancellationToken.None)) is [var first, ..] ? first : null);
        await host.StopAsync();

        Assert.Equal("Russia vows to shield Tajikistan as threat of Taliban sponsored terrorism rises", scored.Title);
        var assessment = AssessmentJson.Deserialize((await store.GetLatestAssessmentJsonAsync(scored.Id, CancellationToken.None))!);
        Assert.Contains(assessment.Actors, a => a.ActorId == "RUS");
        Assert.False(string.IsNullOrEmpty(assessment.Models.Stance));
    }

    [Fact]
    public async Task Run_WithBadInputs_RecordsEachRejectionAndScoresTheRest()
    {
        var inbox = Directory.CreateDirectory(_dir.File("inbox")).FullName;
        File.Copy(RepoPaths.SeedArticle, Path.Combine(inbox, "seed.txt"));
        File.WriteAllText(Path.Combine(inbox, "empty.txt"), "");
        File.WriteAllBytes(Path.Combine(inbox, "binary.txt"), [0x50, 0x4B, 0x03, 0x04, 0x00, 0x00, 0xFF, 0x00, 0x10, 0x00]);
        File.WriteAllBytes(Path.Combine(inbox, "latin1.txt"), [.. "Caf"u8.ToArray(), 0xE9, .. " in Paris reopened after the storm."u8.ToArray()]);
        File.WriteAllText(Path.Combine(inbox, "oversize.txt"), "Headline\n\n" + string.Concat(Enumerable.Repeat("Word after word. ", 70_000)));
        File.WriteAllLines(Path.Combine(inbox, "feed.jsonl"),
        [
            """{"id":"ok-1","title":"Kazakhstan signs grain deal","text":"Kazakhstan signed a grain export deal with China on Monday, officials said."}""",
            """{"id":"bad-2","title":"Broken", "text": """,
        ]);
        using var host = BuildHost(inbox).Build();
        await host.Services.GetRequiredService<StartupTasks>().RunAsync(CancellationToken.None);

        var summary = await host.Services.GetRequiredService<ScoringRun>().ExecuteAsync(Settings(inbox), CancellationToken.None);

        var store = host.Services.GetRequiredService<IArticleStore>();
        var rejected = await store.ListArticlesAsync(50, ArticleStatus.Rejected, CancellationToken.None);
        var scored = await store.ListArticlesAsync(50, ArticleStatus.Scored, CancellationToken.None);
        Assert.Equal(2, summary.Scored);
        Assert.Equal(2, scored.Count);
        Assert.Equal(0, summary.Failed);
        foreach (var name in new[] { "empty.txt", "binary.txt", "latin1.txt", "oversize.txt" })
        {
            var row = Assert.Single(rejected, r => Path.GetFileName(r.SourcePath) == name);
            Assert.False(string.IsNullOrWhiteSpace(row.Reason), $"{name} has no rejection reason");
        }

        var badLine = Assert.Single(rejected, r => Path.GetFileName(r.SourcePath) == "feed.jsonl");
        Assert.Equal(2, badLine.SourceLine);
    }

    [Fact]
    public async Task Run_OverSameInboxTwice_ScoresNothingTheSecondTime()
    {
        var inbox = Directory.CreateDirectory(_dir.File("inbox")).FullName;
        File.Copy(RepoPaths.SeedArticle, Path.Combine(inbox, "seed.txt"));
        File.Copy(RepoPaths.SeedArticle, Path.Combine(inbox, "seed-copy.txt"));
        using var host = BuildHost(inbox).Build();
        await host.Services.GetRequiredService<StartupTasks>().RunAsync(CancellationToken.None);
        var run = host.Services.GetRequiredService<ScoringRun>();

        var first = await run.ExecuteAsync(Settings(inbox), CancellationToken.None);
        File.SetLastWriteTimeUtc(Path.Combine(inbox, "seed.txt"), new DateTime(2030, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        var second = await run.ExecuteAsync(Settings(inbox), CancellationToken.None);

        Assert.Equal(1, first.Scored);
        Assert.Equal(1, first.Ingest.Duplicates);
        Assert.Equal(0, second.Scored);
        Assert.Equal(0, second.Ingest.Added);
        Assert.Equal(1, second.Ingest.FilesUnchanged);
    }

    [Fact]
    public async Task Run_AfterFileEdited_ScoresNewVersion()
    {
        var inbox = Directory.CreateDirectory(_dir.File("inbox")).FullName;
        var file = Path.Combine(inbox, "note.txt");
        File.WriteAllText(file, "Kyrgyzstan opens new school\n\nThe government of Kyrgyzstan opened a new school in Osh on Monday.");
        using var host = BuildHost(inbox).Build();
        await host.Services.GetRequiredService<StartupTasks>().RunAsync(CancellationToken.None);
        var run = host.Services.GetRequiredService<ScoringRun>();
        await run.ExecuteAsync(Settings(inbox), CancellationToken.None);

        File.WriteAllText(file, "Kyrgyzstan opens two new schools\n\nThe government of Kyrgyzstan opened two new schools in Osh on Monday.");
        File.SetLastWriteTimeUtc(file, new DateTime(2030, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        var second = await run.ExecuteAsync(Settings(inbox), CancellationToken.None);

        Assert.Equal(1, second.Ingest.NewVersions);
        Assert.Equal(1, second.Scored);
        var store = host.Services.GetRequiredService<IArticleStore>();
        var article = Assert.Single(await store.ListArticlesAsync(10, null, CancellationToken.None));
        Assert.Equal(2, article.Version);
    }

    [Fact]
    public void Start_WithInvalidSettings_ReportsEverySettingAtOnce()
    {
        var builder = ThreatScorerHost.CreateBuilder(
        [
            "--ThreatScorer:Inbox:MaxSentences=0",
            "--ThreatScorer:Store:Provider=Oracle",
            "--ThreatScorer:Schedule:Cron=not a cron",
            "--ThreatScorer:Schedule:BatchSize=0",
            $"--ThreatScorer:Models:Root={_dir.File("no-models")}",
        ]);
        using var host = builder.Build();

        var error = Assert.ThrowsAny<Exception>(() => host.StartAsync().GetAwaiter().GetResult());

        var message = error is AggregateException agg ? string.Join("\n", agg.InnerExceptions.Select(e => e.Message)) : error.Message;
        Assert.Contains("ThreatScorer:Inbox:MaxSentences", message, StringComparison.Ordinal);
        Assert.Contains("ThreatScorer:Store:Provider", message, StringComparison.Ordinal);
        Assert.Contains("ThreatScorer:Models:Root", message, StringComparison.Ordinal);
        Assert.Contains("ThreatScorer:Schedule:Cron", message, StringComparison.Ordinal);
        Assert.Contains("ThreatScorer:Schedule:BatchSize", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Start_OnPostgreSqlWithBadOrUnsupportedSettings_NamesEachOne()
    {
        var builder = ThreatScorerHost.CreateBuilder(
        [
            "--ThreatScorer:Store:Provider=PostgreSql",
            "--ThreatScorer:Alerts:Enabled=true",
            "--ThreatScorer:Web:Enabled=true",
            "--ThreatScorer:Schedule:ClaimLease=00:00:00",
            "--ThreatScorer:Schedule:RetryDelay=-00:00:01",
            "--ThreatScorer:Schedule:RunOnce=true",
            $"--ThreatScorer:Models:Root={RepoPaths.Models}",
        ]);
        using var host = builder.Build();

        var error = Assert.ThrowsAny<Exception>(() => host.StartAsync().GetAwaiter().GetResult());

        var message = error is AggregateException agg ? string.Join("\n", agg.InnerExceptions.Select(e => e.Message)) : error.Message;
        Assert.Contains("ThreatScorer:Store:ConnectionString is empty", message, StringComparison.Ordinal);
        Assert.Contains("ThreatScorer:Alerts:Enabled needs the Sqlite store", message, StringComparison.Ordinal);
        Assert.Contains("ThreatScorer:Web:Enabled needs the Sqlite store", message, StringComparison.Ordinal);
        Assert.Contains("ThreatScorer:Schedule:ClaimLease", message, StringComparison.Ordinal);
        Assert.Contains("ThreatScorer:Schedule:RetryDelay", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("PostgreSql", false)]
    [InlineData("Sqlite", true)]
    public void Alerts_LeftUnset_AreOffOnPostgreSqlAndOnOnSqlite(string provider, bool expected)
    {
        // On PostgreSQL the SQLite alert tables are never migrated: a default of "on" had every replica's delivery
        // job throw on every poll. Off by default there; asking for it is refused at start (test above).
        using var host = ThreatScorerHost.CreateBuilder(
        [
            $"--ThreatScorer:Store:Provider={provider}",
            "--ThreatScorer:Store:ConnectionString=Host=127.0.0.1;Database=unused",
            $"--ThreatScorer:Store:SqlitePath={_dir.File("scores.db")}",
            $"--ThreatScorer:Models:Root={RepoPaths.Models}",
        ]).Build();

        var alerts = host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ThreatScorer.Core.Alerts.AlertOptions>>().Value;

        Assert.Equal(expected, alerts.Enabled);
    }

    private HostApplicationBuilder BuildHost(string inbox) => ThreatScorerHost.CreateBuilder(
    [
        $"--ThreatScorer:Inbox:Folders:0={inbox}",
        $"--ThreatScorer:Store:SqlitePath={_dir.File("scores.db")}",
        $"--ThreatScorer:Models:Root={RepoPaths.Models}",
        // Far-future cron: only the start-up run fires during a test.
        "--ThreatScorer:Schedule:Cron=0 0 0 1 1 ? 2099",
    ]);

    private static ScoringRunSettings Settings(string inbox) => new([inbox], ArticleLimits.Default, BatchSize: 2, MaxAttempts: 3);

    private static async Task<T> WaitForAsync<T>(Func<Task<T?>> probe)
    {
        // A guard against hanging forever, not a speed assertion.
        var deadline = TimeSpan.FromMinutes(3);
        var waited = TimeSpan.Zero;
        while (waited < deadline)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            await Task.Delay(200);
            waited += TimeSpan.FromMilliseconds(200);
        }

        throw new TimeoutException("The worker did not store a score within 3 minutes.");
    }
}
