using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using ThreatScorer.Core.Articles;
using ThreatScorer.Core.Configuration;
using ThreatScorer.Core.Models;
using ThreatScorer.Core.Scoring;
using ThreatScorer.Tests.TestSupport;
using ThreatScorer.Worker;

namespace ThreatScorer.Tests.Registry;

public sealed class RescoreTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Rescore_AfterPromotion_AddsNewScoresAndKeepsTheOldOnes()
    {
        var models = _dir.File("models");
        foreach (var file in Directory.EnumerateFiles(RepoPaths.Models, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(models, Path.GetRelativePath(RepoPaths.Models, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        var inbox = Directory.CreateDirectory(_dir.File("inbox")).FullName;
        File.Copy(RepoPaths.SeedArticle, Path.Combine(inbox, "seed.txt"));
        var db = _dir.File("scores.db");
        using var host = ThreatScorerHost.CreateBuilder(
            [$"--ThreatScorer:Inbox:Folders:0={inbox}", $"--ThreatScorer:Store:SqlitePath={db}", $"--ThreatScorer:Models:Root={models}"]).Build();
        await host.Services.GetRequiredService<StartupTasks>().RunAsync(CancellationToken.None);
        await host.Services.GetRequiredService<ScoringRun>().ExecuteAsync(new ScoringRunSettings([inbox], ArticleLimits.Default, 10, 3), CancellationToken.None);

        var other = ModelRegistry.ListVersions(models, "stance")
            .First(v => !v.IsActive && StanceModelLoader.KindOf(Path.Combine(models, "stance", v.Version)) == StanceModelLoader.NgramKind).Version;
        ModelRegistry.Activate(models, "stance", other);
        var rescoring = host.Services.GetRequiredService<Rescoring>();
        var first = await rescoring.RescoreAsync(DateTimeOffset.MinValue, "stance", ArticleLimits.Default, CancellationToken.None);
        var again = await rescoring.RescoreAsync(DateTimeOffset.MinValue, "stance", ArticleLimits.Default, CancellationToken.None);

        Assert.Equal((1, 1, 0, 0), (first.Considered, first.Rescored, first.AlreadyCurrent, first.Failed));
        Assert.Equal((1, 0, 1), (again.Considered, again.Rescored, again.AlreadyCurrent));
        await using var connection = new SqliteConnection($"Data Source={db}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(DISTINCT model_version) FROM assessments";
        Assert.Equal(2L, (long)(await command.ExecuteScalarAsync())!);
    }
}
