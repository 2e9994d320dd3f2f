using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ThreatScorer.Core.Alerts;
using ThreatScorer.Core.Articles;
using ThreatScorer.Core.Configuration;
using ThreatScorer.Core.Scoring;
using ThreatScorer.Tests.TestSupport;
using ThreatScorer.Worker;

namespace ThreatScorer.Tests.Alerts;

public sealed class ScoringAlertTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task ScoringRun_WhenArticleMeetsARule_QueuesADeliveryThatTheWorkerSends()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var inbox = Directory.CreateDirectory(_dir.File("inbox")).FullName;
        File.Copy(RepoPaths.SeedArticle, Path.Combine(inbox, "seed.txt"));
        using var host = ThreatScorerHost.CreateBuilder(
            [$"--ThreatScorer:Inbox:Folders:0={inbox}", $"--ThreatScorer:Store:SqlitePath={_dir.File("scores.db")}",
             $"--ThreatScorer:Models:Root={RepoPaths.Models}", "--ThreatScorer:Web:Url=http://127.0.0.1:5999",
             "--ThreatScorer:Alerts:AllowedWebhookHosts:0=127.0.0.1"]).Build();
        await host.Services.GetRequiredService<StartupTasks>().RunAsync(CancellationToken.None);
        var store = host.Services.GetRequiredService<SqliteAlertStore>();
        var russia = await store.AddRuleAsync(new AlertRule { Name = "Russia named", ActorId = "RUS", WebhookUrl = receiver.Url.AbsoluteUri }, CancellationToken.None);
        await store.AddRuleAsync(new AlertRule { Name = "never", ActorId = "NO.SUCH.ACTOR", WebhookUrl = receiver.Url.AbsoluteUri }, CancellationToken.None);

        await host.Services.GetRequiredService<ScoringRun>().ExecuteAsync(new ScoringRunSettings([inbox], ArticleLimits.Default, 10, 3), CancellationToken.None);
        var pass = await host.Services.GetRequiredService<AlertWebhookSender>().DeliverDueAsync(CancellationToken.None);

        Assert.Equal(1, pass.Sent);
        var delivery = Assert.Single(await store.ListDeliveriesAsync(null, null, 10, CancellationToken.None));
        Assert.Equal(russia.Id, delivery.RuleId);
        using var body = JsonDocument.Parse(Assert.Single(receiver.Delivered));
        Assert.Equal("RUS", body.RootElement.GetProperty("actor").GetProperty("id").GetString());
        Assert.Equal($"http://127.0.0.1:5999/articles/{delivery.ArticleId}", body.RootElement.GetProperty("link").GetString());
    }
}
