using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ThreatScorer.Core.Articles;
using ThreatScorer.Core.Configuration;
using ThreatScorer.Core.Scoring;
using ThreatScorer.Core.Storage;
using ThreatScorer.Tests.TestSupport;
using ThreatScorer.Worker;
using Xunit.Abstractions;

namespace ThreatScorer.Tests.Reliability;

/// <summary>
/// A poison article — one whose scoring throws every time — is retried up to MaxAttempts, then marked failed with
/// its error, and never blocks the articles queued around it. Run on both stores with the real pipeline; only the
/// scorer is wrapped so that one chosen article throws.
/// </summary>
public abstract class PoisonArticleProofTests(ITestOutputHelper output) : IAsyncLifetime, IDisposable
{
    private const int Articles = 30;
    private const int MaxAttempts = 3;

    protected TempDirectory Dir { get; } = new();

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual Task DisposeAsync()
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        Dir.Dispose();
        GC.SuppressFinalize(this);
    }

    protected abstract string StoreName { get; }

    protected abstract string[] StoreArguments();

    [StoreFact]
    public async Task PoisonArticle_IsRetriedMaxAttemptsThenFailed_AndTheOthersAreScored()
    {
        var inbox = Directory.CreateDirectory(Dir.File("inbox")).FullName;
        var poisonIndex = 11;
        var i = 0;
        foreach (var article in ProofArticles.Generate(Articles, seed: 7))
        {
            var title = i == poisonIndex ? "POISON " + article.Title : article.Title;
            await File.WriteAllTextAsync(Path.Combine(inbox, $"{i++:D3}.md"), $"# {title}\n\n{article.Text}\n");
        }

        var builder = ThreatScorerHost.CreateBuilder(
            [$"--ThreatScorer:Inbox:Folders:0={inbox}", $"--ThreatScorer:Models:Root={RepoPaths.Models}", .. StoreArguments()]);
        builder.Services.AddSingleton<IArticleScorer>(sp => new PoisonScorer(sp.GetRequiredService<ArticleScorer>()));
        using var host = builder.Build();
        await host.Services.GetRequiredService<StartupTasks>().RunAsync(CancellationToken.None);
        var run = host.Services.GetRequiredService<ScoringRun>();

        // No retry delay: the attempts come back to back within one run, after the articles queued before them.
        var summary = await run.ExecuteAsync(
            new ScoringRunSettings([inbox], ArticleLimits.Default, BatchSize: 4, MaxAttempts) { RetryDelay = TimeSpan.Zero },
            CancellationToken.None);

        var store = host.Services.GetRequiredService<IArticleStore>();
        var counts = await store.CountByStatusAsync(CancellationToken.None);
        var failed = Assert.Single(await store.ListArticlesAsync(100, ArticleStatus.Failed, CancellationToken.None));
        ProofLog.Write(output, string.Create(CultureInfo.InvariantCulture,
            $"[poison, {StoreName}] 1 poison article among {Articles}: {summary.Failed} failed attempts in one run, then status {failed.Status} after {failed.Attempts} attempts (\"{failed.Reason}\"); {counts.GetValueOrDefault(ArticleStatus.Scored)} others scored, {counts.GetValueOrDefault(ArticleStatus.New)} left"));

        Assert.Equal(MaxAttempts, summary.Failed);
        Assert.Equal(MaxAttempts, failed.Attempts);
        Assert.StartsWith("POISON", failed.Title, StringComparison.Ordinal);
        Assert.Contains($"scoring failed after {MaxAttempts} attempts: InvalidOperationException: poison", failed.Reason, StringComparison.Ordinal);
        Assert.Equal(Articles - 1, counts[ArticleStatus.Scored]);
        Assert.Equal(0, counts.GetValueOrDefault(ArticleStatus.New));

        // A later run leaves it alone: failed is final until someone re-queues it.
        var again = await run.ExecuteAsync(new ScoringRunSettings([inbox], ArticleLimits.Default, 4, MaxAttempts), CancellationToken.None);
        Assert.Equal(0, again.Failed);
        Assert.Equal(0, again.Scored);
    }

    /// <summary>The real scorer, except that an article titled "POISON …" throws every time.</summary>
    private sealed class PoisonScorer(ArticleScorer inner) : IArticleScorer
    {
        public ScoringResult Score(RawArticle article, ArticleIdentity identity, ArticleLimits limits, CancellationToken cancellationToken) =>
            article.Title?.StartsWith("POISON", StringComparison.Ordinal) == true
                ? throw new InvalidOperationException($"poison in {article.SourcePath}")
                : inner.Score(article, identity, limits, cancellationToken);
    }
}

public sealed class SqlitePoisonArticleProofTests(ITestOutputHelper output) : PoisonArticleProofTests(output)
{
    protected override string StoreName => "SQLite";

    protected override string[] StoreArguments() => [$"--ThreatScorer:Store:SqlitePath={Dir.File("scores.db")}"];
}

[RequiresPostgres]
[Collection(PostgresTests.Name)]
public sealed class PostgresPoisonArticleProofTests(ITestOutputHelper output) : PoisonArticleProofTests(output)
{
    private PostgresTestDatabase? _database;

    protected override string StoreName => "PostgreSQL";

    public override async Task InitializeAsync()
    {
        if (PostgresTestServer.AdminConnectionString is not null)
        {
            _database = await PostgresTestDatabase.CreateAsync();
        }
    }

    public override async Task DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        await base.DisposeAsync();
    }

    protected override string[] StoreArguments() =>
        ["--ThreatScorer:Store:Provider=PostgreSql", $"--ThreatScorer:Store:ConnectionString={_database!.ConnectionString}"];
}
