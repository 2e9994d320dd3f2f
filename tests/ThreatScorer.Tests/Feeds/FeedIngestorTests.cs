using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using ThreatScorer.Core.Configuration;
using ThreatScorer.Core.Feeds;
using ThreatScorer.Core.Storage;
using ThreatScorer.Tests.TestSupport;

namespace ThreatScorer.Tests.Feeds;

public sealed class FeedIngestorTests(FeedTestServer server) : IClassFixture<FeedTestServer>, IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly List<ServiceProvider> _providers = [];

    [Fact]
    public async Task Ingest_WhenFeedsAreNew_StoresEachItemWithExtractedTextUrlAndPublishedTime()
    {
        var (ingestor, store, _) = await CreateAsync(Source("wire", "/rss.xml"), Source("atom", "/atom.xml"));

        var summary = await ingestor.IngestAllAsync(CancellationToken.None);

        Assert.Equal(3, summary.Added);
        Assert.Equal(0, summary.Errors);
        var articles = await store.ListArticlesAsync(10, ArticleStatus.New, CancellationToken.None);
        var one = Assert.Single(articles, a => a.Url == server.Url("/articles/one.html"));
        Assert.Equal("Border tension rises", one.Title);
        Assert.Equal("wire", one.Source);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero), one.PublishedAt);
        Assert.Contains(FeedTestServer.Marker("one.html"), one.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("do not extract", one.Text, StringComparison.Ordinal);
        var three = Assert.Single(articles, a => a.Url == server.Url("/articles/three.html"));
        Assert.Equal("atom", three.Source);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 7, 15, 0, TimeSpan.Zero), three.PublishedAt);
        Assert.Contains(FeedTestServer.Marker("three.html"), three.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ingest_WhenFetchedAgain_SendsValidatorsGets304AndReingestsNothing()
    {
        var (ingestor, store, feeds) = await CreateAsync(Source("wire", "/rss.xml"), Source("atom", "/atom.xml"));
        await ingestor.IngestAllAsync(CancellationToken.None);
        var pagesBefore = server.RequestCount("/articles/two.html");
        var stateBefore = await feeds.GetAsync("wire", CancellationToken.None);

        var second = await ingestor.IngestAllAsync(CancellationToken.None);

        Assert.Equal(2, second.NotModified);
        Assert.Equal(0, second.Added + second.NewVersions + second.Items);
        Assert.Equal(pagesBefore, server.RequestCount("/articles/two.html"));
        Assert.Equal(FeedTestServer.RssETag, stateBefore!.ETag);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero), stateBefore.Watermark);
        Assert.Equal(FeedTestServer.AtomLastModified, (await feeds.GetAsync("atom", CancellationToken.None))!.LastModified);
        Assert.Equal(3, (await store.CountByStatusAsync(CancellationToken.None))[ArticleStatus.New]);
    }

    [Fact]
    public async Task Ingest_WhenOnePageIsSlowAndOneHuge_RejectsThoseWithReasonsAndIngestsTheRest()
    {
        var (ingestor, store, feeds) = await CreateAsync(
            // The timeout applies to every request: 5 s keeps the ordinary feed and page well inside it on a loaded
            // CI machine (1 s did not), while the slow page waits 30 s.
            new Dictionary<string, string?> { ["Timeout"] = "00:00:05", ["Retries"] = "0", ["MaxPageBytes"] = "100000" },
            Source("mixed", "/mixed.xml"));

        var summary = await ingestor.IngestAllAsync(CancellationToken.None);

        Assert.Equal(1, summary.Added);
        Assert.Equal(2, summary.Rejected);
        var rejected = await store.ListArticlesAsync(10, ArticleStatus.Rejected, CancellationToken.None);
        Assert.Contains(rejected, a => a.SourcePath == server.Url("/slow.html") && a.Reason!.Contains("timed out", StringComparison.Ordinal));
        Assert.Contains(rejected, a => a.SourcePath == server.Url("/huge.html") && a.Reason!.Contains("over the limit of 100000 bytes", StringComparison.Ordinal));
        var four = Assert.Single(await store.ListArticlesAsync(10, ArticleStatus.New, CancellationToken.None));
        Assert.Equal(server.Url("/articles/four.html"), four.Url);
        Assert.Equal(2, (await feeds.GetAsync("mixed", CancellationToken.None))!.ErrorCount);
    }

    [Fact]
    public async Task Ingest_WhenFeedAnswers500_RetriesThenCountsAnErrorAndGoesOnWithOtherSources()
    {
        var (ingestor, store, feeds) = await CreateAsync(
            new Dictionary<string, string?> { ["Retries"] = "2" }, Source("broken", "/broken.xml"), Source("wire", "/rss.xml"));

        var summary = await ingestor.IngestAllAsync(CancellationToken.None);

        Assert.Equal(3, server.RequestCount("/broken.xml")); // one attempt and two retries
        Assert.Equal(1, summary.FailedSources);
        var state = await feeds.GetAsync("broken", CancellationToken.None);
        Assert.Equal(1, state!.ErrorCount);
        Assert.Contains("HTTP 500", state.LastError, StringComparison.Ordinal);
        Assert.Equal(2, (await store.CountByStatusAsync(CancellationToken.None))[ArticleStatus.New]);
    }

    [Fact]
    public async Task Ingest_WhenFeedIsMalformedXml_CountsAnErrorWithAClearMessage()
    {
        var (ingestor, _, feeds) = await CreateAsync(Source("bad", "/malformed.xml"));

        var first = await ingestor.IngestAllAsync(CancellationToken.None);
        await ingestor.IngestAllAsync(CancellationToken.None);

        Assert.Equal(1, first.Errors);
        var state = await feeds.GetAsync("bad", CancellationToken.None);
        Assert.Equal(2, state!.ErrorCount);
        Assert.StartsWith("malformed feed XML: ", state.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ingest_WhenALinkIsOnAHostNotAllowed_DoesNotFetchItAndRecordsWhy()
    {
        var (ingestor, store, _) = await CreateAsync(Source("offsite", "/offsite.xml"));

        var summary = await ingestor.IngestAllAsync(CancellationToken.None);

        Assert.Equal(0, server.RequestCount("/articles/five.html"));
        Assert.Equal(1, server.RequestCount("/articles/six.html"));
        Assert.Equal(1, summary.Added);
        var rejected = Assert.Single(await store.ListArticlesAsync(10, ArticleStatus.Rejected, CancellationToken.None));
        Assert.Contains("link host 'localhost' is not in the allowed hosts (127.0.0.1)", rejected.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_WhenSettingsAreBad_ReportsEveryProblemByName()
    {
        var options = new FeedOptions
        {
            Timeout = TimeSpan.Zero,
            MaxPageBytes = 0,
            Retries = -1,
            Sources =
            [
                new FeedSourceOptions { Name = "a", Url = "ftp://x/feed", MaxItems = 0 },
                new FeedSourceOptions { Name = "A", Url = "https://news.example/rss", AllowedHosts = ["https://bad/"] },
            ],
        };

        var result = new FeedOptionsValidator().Validate(null, options);

        var failures = string.Join("\n", result.Failures!);
        foreach (var name in new[] { "Feeds:Timeout", "Feeds:MaxPageBytes", "Feeds:Retries", "Sources:0:Url", "Sources:0:MaxItems", "Sources:1:Name", "Sources:1:AllowedHosts:0" })
        {
            Assert.Contains("ThreatScorer:" + (name.StartsWith("Feeds", StringComparison.Ordinal) ? name : "Feeds:" + name), failures, StringComparison.Ordinal);
        }
    }

    public void Dispose()
    {
        foreach (var provider in _providers)
        {
            provider.Dispose();
        }

        _dir.Dispose();
    }

    private static (string Name, string Path) Source(string name, string path) => (name, path);

    private Task<(FeedIngestor, IArticleStore, IFeedSourceStore)> CreateAsync(params (string Name, string Path)[] sources) =>
        CreateAsync(new Dictionary<string, string?>(), sources);

    private async Task<(FeedIngestor, IArticleStore, IFeedSourceStore)> CreateAsync(
        Dictionary<string, string?> feedSettings, params (string Name, string Path)[] sources)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ThreatScorer:Store:SqlitePath"] = _dir.File("feeds.db"),
            ["ThreatScorer:Models:Root"] = _dir.Path, // validated to exist; feed ingestion loads no model
            ["ThreatScorer:Feeds:RetryDelay"] = "00:00:00.010",
        };
        foreach (var (key, value) in feedSettings)
        {
            settings["ThreatScorer:Feeds:" + key] = value;
        }

        for (var i = 0; i < sources.Length; i++)
        {
            settings[$"ThreatScorer:Feeds:Sources:{i}:Name"] = sources[i].Name;
            settings[$"ThreatScorer:Feeds:Sources:{i}:Url"] = server.Url(sources[i].Path);
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration);
        services.AddThreatScorerCore();
        services.AddThreatScorerFeeds();
        var provider = services.BuildServiceProvider();
        _providers.Add(provider);
        var store = provider.GetRequiredService<IArticleStore>();
        await store.MigrateAsync(CancellationToken.None);
        return (provider.GetRequiredService<FeedIngestor>(), store, provider.GetRequiredService<IFeedSourceStore>());
    }
}
