using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ThreatScorer.Core.Storage;
using ThreatScorer.Tests.TestSupport;
using ThreatScorer.Worker;
using ThreatScorer.Worker.Operations;

namespace ThreatScorer.Tests.Operations;

/// <summary>The health and metrics endpoint of a worker started in-process, over real HTTP on 127.0.0.1.</summary>
public sealed class OperationsEndpointTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Endpoint_AfterARun_ReportsReadyAndExportsPipelineAndQuartzMetrics()
    {
        var inbox = Directory.CreateDirectory(_dir.File("inbox")).FullName;
        File.Copy(RepoPaths.SeedArticle, Path.Combine(inbox, "seed.txt"));
        using var host = ThreatScorerHost.CreateBuilder(
        [
            $"--ThreatScorer:Inbox:Folders:0={inbox}",
            $"--ThreatScorer:Store:SqlitePath={_dir.File("scores.db")}",
            $"--ThreatScorer:Models:Root={RepoPaths.Models}",
            "--ThreatScorer:Schedule:Cron=0 0 0 1 1 ? 2099",
            "--ThreatScorer:Operations:Port=0",
        ]).Build();

        await host.StartAsync();
        var store = host.Services.GetRequiredService<IArticleStore>();
        await Wait.UntilAsync(async () => (await store.ListArticlesAsync(10, ArticleStatus.Scored, CancellationToken.None)).Count == 1);
        var address = host.Services.GetRequiredService<OperationsHttpServer>().Address!;
        using var http = new HttpClient { BaseAddress = address };

        var live = await http.GetAsync(new Uri("/health/live", UriKind.Relative));
        var ready = await http.GetAsync(new Uri("/health/ready", UriKind.Relative));
        var readyJson = JsonDocument.Parse(await ready.Content.ReadAsStringAsync());
        string metrics = "";
        await Wait.UntilAsync(async () =>
        {
            // The scoring job records its Quartz run just after the score lands; scrape until it shows.
            metrics = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
            return metrics.Contains("quartz_job_execution_duration_seconds_count", StringComparison.Ordinal);
        });
        using var probeOutput = new StringWriter();
        var probeExit = await HealthProbe.RunAsync(["--url", new Uri(address, "/health/ready").ToString()], probeOutput);
        await host.StopAsync();

        Assert.Equal(200, (int)live.StatusCode);
        Assert.Equal(200, (int)ready.StatusCode);
        Assert.Equal("Healthy", readyJson.RootElement.GetProperty("status").GetString());
        foreach (var check in new[] { "models", "store", "last-run" })
        {
            Assert.Equal("Healthy", readyJson.RootElement.GetProperty("checks").GetProperty(check).GetProperty("status").GetString());
        }

        // At least: other tests' hosts in this process publish on a meter of the same name.
        Assert.True(Sample(metrics, "threatscorer_articles_ingested_total") >= 1, metrics);
        Assert.True(Sample(metrics, "threatscorer_articles_scored_total") >= 1, metrics);
        Assert.True(Sample(metrics, "threatscorer_scoring_duration_seconds_count") >= 1, metrics);
        Assert.True(Sample(metrics, "quartz_job_execution_duration_seconds_count") >= 1, metrics);
        Assert.NotNull(Sample(metrics, "threatscorer_articles_backlog"));
        Assert.Matches("threatscorer_models_loaded\\{[^}]*task=\"stance\",version=\"stance-[^\"]+\"\\} 1", metrics);
        Assert.Equal(0, probeExit);
    }

    /// <summary>The value of the first sample of a metric in Prometheus text format (null when absent).</summary>
    private static double? Sample(string exposition, string metric)
    {
        var match = Regex.Match(exposition, "^" + Regex.Escape(metric) + "(\\{[^}]*\\})? (\\S+)", RegexOptions.Multiline);
        return match.Success ? double.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture) : null;
    }

    [Fact]
    public async Task HealthProbe_WhenNothingListens_ExitsOne()
    {
        using var output = new StringWriter();

        var exit = await HealthProbe.RunAsync(["--url", "http://127.0.0.1:1/health/ready"], output);

        Assert.Equal(1, exit);
        Assert.Contains("127.0.0.1:1", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Endpoint_IsOffUnlessAPortIsSet()
    {
        using var host = ThreatScorerHost.CreateBuilder([$"--ThreatScorer:Models:Root={RepoPaths.Models}"]).Build();

        Assert.Null(host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<OperationsOptions>>().Value.Port);
        Assert.Equal("127.0.0.1", host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<OperationsOptions>>().Value.BindAddress);
    }
}
