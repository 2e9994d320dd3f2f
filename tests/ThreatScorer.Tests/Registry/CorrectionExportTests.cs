using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ThreatScorer.Core.Articles;
using ThreatScorer.Core.Configuration;
using ThreatScorer.Core.Models;
using ThreatScorer.Core.Scoring;
using ThreatScorer.Core.Storage;
using ThreatScorer.Core.Threat;
using ThreatScorer.Core.Training;
using ThreatScorer.Tests.TestSupport;
using ThreatScorer.Worker;

namespace ThreatScorer.Tests.Registry;

public sealed class CorrectionExportTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task ExportTraining_TurnsCorrectionsIntoTrainableLinesWithProvenance()
    {
        var inbox = Directory.CreateDirectory(_dir.File("inbox")).FullName;
        File.Copy(RepoPaths.SeedArticle, Path.Combine(inbox, "seed.txt"));
        var db = _dir.File("scores.db");
        using var host = ThreatScorerHost.CreateBuilder(
            [$"--ThreatScorer:Inbox:Folders:0={inbox}", $"--ThreatScorer:Store:SqlitePath={db}", $"--ThreatScorer:Models:Root={RepoPaths.Models}"]).Build();
        await host.Services.GetRequiredService<StartupTasks>().RunAsync(CancellationToken.None);
        await host.Services.GetRequiredService<ScoringRun>().ExecuteAsync(new ScoringRunSettings([inbox], ArticleLimits.Default, 10, 3), CancellationToken.None);
        var store = host.Services.GetRequiredService<IArticleStore>();
        var article = Assert.Single(await store.ListArticlesAsync(10, ArticleStatus.Scored, CancellationToken.None));
        var review = new SqliteReviewStore(db, TimeProvider.System);
        await review.AddCorrectionAsync(Correction(article.Id, CorrectionFields.ThreatLevel, null, "high"), CancellationToken.None);
        await review.AddCorrectionAsync(Correction(article.Id, CorrectionFields.ThreatKinds, null, "terrorism,armed_conflict"), CancellationToken.None);
        await review.AddCorrectionAsync(Correction(article.Id, CorrectionFields.ActorStance, "RUS", "positive"), CancellationToken.None);

        var stance = new StringWriter();
        var threat = new StringWriter();
        var stanceLines = await TrainingExport.ExportAsync(ModelTasks.Stance, review, store, stance, CancellationToken.None);
        var threatLines = await TrainingExport.ExportAsync(ModelTasks.Threat, review, store, threat, CancellationToken.None);

        Assert.True(stanceLines >= 5, $"{stanceLines} stance lines");
        foreach (var line in stance.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var row = JsonDocument.Parse(line).RootElement;
            var sentence = row.GetProperty("sentence").GetString()!;
            var from = row.GetProperty("from").GetInt32();
            var to = row.GetProperty("to").GetInt32();
            Assert.Equal(row.GetProperty("mention").GetString(), sentence[from..to]);
            Assert.Equal(1, row.GetProperty("polarity").GetInt32());
            Assert.Contains("by analyst-1", row.GetProperty("provenance").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(1, threatLines);
        var stanceFile = _dir.Write("stance.jsonl", stance.ToString());
        var threatFile = _dir.Write("threat.jsonl", threat.ToString());
        Assert.Equal(stanceLines, (await NewsMtscReader.ReadAsync(stanceFile, CancellationToken.None)).Count);
        var example = Assert.Single((await ThreatCorpusReader.ReadAsync([threatFile], new Dictionary<string, string>(), CancellationToken.None)).Examples);
        Assert.Equal(("high", string.Empty), (example.Level, example.Interaction));
        Assert.Equal(["armed_conflict", "terrorism"], example.Kinds.Order(StringComparer.Ordinal));
        Assert.StartsWith("Russia vows to shield Tajikistan", example.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExportTraining_ForInteraction_IsRefusedBecauseAnalystsDoNotCorrectIt()
    {
        var review = new SqliteReviewStore(_dir.File("x.db"), TimeProvider.System);
        var store = new SqliteArticleStore(_dir.File("x.db"), TimeProvider.System);

        await Assert.ThrowsAsync<ArgumentException>(() => TrainingExport.ExportAsync(ModelTasks.Interaction, review, store, new StringWriter(), CancellationToken.None));
    }

    private static Correction Correction(string article, string field, string? actor, string value) =>
        new() { ArticleId = article, ArticleVersion = 0, Field = field, ActorId = actor, Value = value, Author = "analyst-1", Comment = "checked by hand" };
}
