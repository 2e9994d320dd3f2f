using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ThreatScorer.Core.Articles;
using ThreatScorer.Core.Configuration;
using ThreatScorer.Core.Scoring;
using ThreatScorer.Core.Storage;
using ThreatScorer.Tests.TestSupport;
using ThreatScorer.Worker;

namespace ThreatScorer.Tests.Scoring;

public sealed class ScoringRunTests : IDisposable
{
    private const string OtherArticle = """
        Border talks resume

        Officials in Dushanbe said on Monday that Russia will send more troops to the border with Afghanistan.
        The defence ministry warned that armed groups were gathering near the frontier and asked for calm.
        Talks between the two governments are expected to continue next week.
        """;

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Run_WhenAnotherReplicaIngestsANewVersionMeanwhile_LogsSupersededAndGoesOn()
    {
        var inbox = Directory.CreateDirectory(_dir.File("inbox")).FullName;
        File.Copy(RepoPaths.SeedArticle, Path.Combine(inbox, "a-seed.txt"));
        await File.WriteAllTextAsync(Path.Combine(inbox, "b-other.txt"), OtherArticle);
        var logs = new ListLoggerProvider();
        var builder = ThreatScorerHost.CreateBuilder(
            [$"--ThreatScorer:Inbox:Folders:0={inbox}", $"--ThreatScorer:Store:SqlitePath={_dir.File("scores.db")}",
             $"--ThreatScorer:Models:Root={RepoPaths.Models}"]);
        builder.Logging.AddProvider(logs);
        builder.Services.AddSingleton<IArticleScorer>(sp => new ReIngestingScorer(
            sp.GetRequiredService<ArticleScorer>(), sp.GetRequiredService<IArticleStore>(), "a-seed.txt"));
        using var host = builder.Build();
        await host.Services.GetRequiredService<StartupTasks>().RunAsync(CancellationToken.None);

        var summary = await host.Services.GetRequiredService<ScoringRun>().ExecuteAsync(
            new ScoringRunSettings([inbox], ArticleLimits.Default, 10, 3), CancellationToken.None);

        // The run goes on: the other article is scored, and so is version 2 once it comes up for claiming.
        Assert.Equal((2, 0, 1, false), (summary.Scored, summary.Failed, summary.Superseded, summary.Cancelled));
        var store = host.Services.GetRequiredService<IArticleStore>();
        var scored = await store.ListArticlesAsync(10, ArticleStatus.Scored, CancellationToken.None);
        Assert.Equal(2, scored.Count);
        var edited = Assert.Single(scored, a => a.Version == 2);
        Assert.Equal(1, edited.SaveCount);
        var assessment = AssessmentJson.Deserialize((await store.GetLatestAssessmentJsonAsync(edited.Id, CancellationToken.None))!);
        Assert.Equal(2, assessment.ArticleVersion);
        Assert.Equal(1, await CountAssessmentsAsync(edited.Id));
        Assert.Contains(logs.Messages, m => m.Contains($"Article {edited.Id} version 1", StringComparison.Ordinal)
            && m.Contains("superseded by a newer version", StringComparison.Ordinal));
    }

    private async Task<long> CountAssessmentsAsync(string articleId)
    {
        await using var connection = new SqliteConnection($"Data Source={_dir.File("scores.db")}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM assessments WHERE article_id = $a;";
        command.Parameters.AddWithValue("$a", articleId);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The real scorer; while it scores the named file, "another replica" ingests an edit of it.</summary>
    private sealed class ReIngestingScorer(ArticleScorer inner, IArticleStore store, string fileName) : IArticleScorer
    {
        public ScoringResult Score(RawArticle article, ArticleIdentity identity, ArticleLimits limits, CancellationToken cancellationToken)
        {
            if (Path.GetFileName(article.SourcePath) == fileName && identity.Version == 1)
            {
                var edit = new RawArticle { SourcePath = article.SourcePath, SourceLine = article.SourceLine, Title = article.Title, Text = OtherArticle + " Edited." };
                var (outcome, _) = store.IngestAsync(edit, "edited-hash", cancellationToken).GetAwaiter().GetResult();
                Assert.Equal(IngestOutcome.NewVersion, outcome);
            }

            return inner.Score(article, identity, limits, cancellationToken);
        }
    }

    private sealed class ListLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<string> Messages { get; } = new();

        public ILogger CreateLogger(string categoryName) => new ListLogger(Messages);

        public void Dispose()
        {
        }

        private sealed class ListLogger(ConcurrentQueue<string> messages) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                messages.Enqueue(formatter(state, exception));
        }
    }
}
