using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ThreatScorer.Core.Models;
using ThreatScorer.Core.Scoring;
using ThreatScorer.Core.Storage;
using ThreatScorer.Tests.TestSupport;
using ThreatScorer.Worker;

namespace ThreatScorer.Tests.Registry;

public sealed class HotReloadTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Worker_WhenStanceIsPromoted_ScoresNextArticlesWithTheNewVersionWithoutRestart()
    {
        var models = CopyModels();
        var inbox = Directory.CreateDirectory(_dir.File("inbox")).FullName;
        File.Copy(RepoPaths.SeedArticle, Path.Combine(inbox, "first.txt"));
        using var host = ThreatScorerHost.CreateBuilder(
        [
            $"--ThreatScorer:Inbox:Folders:0={inbox}",
            $"--ThreatScorer:Store:SqlitePath={_dir.File("scores.db")}",
            $"--ThreatScorer:Models:Root={models}",
            "--ThreatScorer:Schedule:Cron=* * * * * ?",
        ]).Build();
        var store = host.Services.GetRequiredService<IArticleStore>();
        await host.StartAsync();

        var before = ModelRegistry.ActiveVersion(models, "stance")!;
        var first = await WaitForScoredAsync(store, "first.txt");
        var other = ModelRegistry.ListVersions(models, "stance")
            .First(v => !v.IsActive && StanceModelLoader.KindOf(Path.Combine(models, "stance", v.Version)) == StanceModelLoader.NgramKind).Version;
        ModelRegistry.Activate(models, "stance", other);
        await Task.Delay(ScoringModelProvider.CheckInterval + TimeSpan.FromMilliseconds(200));
        File.WriteAllText(Path.Combine(inbox, "second.txt"), "Kyrgyzstan opens new school\n\nThe government of Kyrgyzstan opened a new school in Osh on Monday, officials said.");
        var second = await WaitForScoredAsync(store, "second.txt");
        var counts = await store.CountByStatusAsync(CancellationToken.None);
        await host.StopAsync();

        Assert.Equal(before, first.Models.Stance);
        Assert.Equal(other, second.Models.Stance);
        Assert.False(counts.ContainsKey(ArticleStatus.Failed));
        Assert.Equal(other, host.Services.GetRequiredService<ScoringModelProvider>().Current.Versions.Stance);
    }

    private string CopyModels()
    {
        var root = _dir.File("models");
        foreach (var file in Directory.EnumerateFiles(RepoPaths.Models, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(root, Path.GetRelativePath(RepoPaths.Models, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        return root;
    }

    private static async Task<ArticleAssessment> WaitForScoredAsync(IArticleStore store, string fileName)
    {
        // A guard against hanging forever, not a speed assertion.
        for (var waited = 0; waited < 180_000; waited += 200)
        {
            var scored = await store.ListArticlesAsync(100, ArticleStatus.Scored, CancellationToken.None);
            if (scored.FirstOrDefault(a => Path.GetFileName(a.SourcePath) == fileName) is { } article)
            {
                return AssessmentJson.Deserialize((await store.GetLatestAssessmentJsonAsync(article.Id, CancellationToken.None))!);
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"{fileName} was not scored within 3 minutes.");
    }
}
