using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using ThreatScorer.Core.Actors;
using ThreatScorer.Core.Alerts;
using ThreatScorer.Core.Scoring;
using ThreatScorer.Core.Storage;
using ThreatScorer.Tests.TestSupport;
using ThreatScorer.Web;

namespace ThreatScorer.Tests.Alerts;

/// <summary>Rules, dedupe, cooldown and webhook retries against a real receiver on 127.0.0.1 and a real SQLite store.</summary>
public sealed class AlertTests : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 20, 8, 0, 0, TimeSpan.Zero));
    private readonly AlertOptions _options = new()
    {
        MaxAttempts = 4,
        InitialRetryDelay = TimeSpan.FromSeconds(30),
        MaxRetryDelay = TimeSpan.FromMinutes(5),
        ReviewBaseUrl = "http://127.0.0.1:5080",
    };

    // The receiver listens on loopback, which webhooks may only reach when the operator allows it.
    private readonly WebhookTargets _targets = new(["127.0.0.1"]);
    private HttpClient _http = null!;
    private WebhookReceiver _receiver = null!;
    private SqliteAlertStore _store = null!;

    private string Db => _dir.File("alerts.db");

    public async Task InitializeAsync()
    {
        await new SqliteArticleStore(Db, _time).MigrateAsync(CancellationToken.None);
        _store = new SqliteAlertStore(Db, _time);
        _receiver = await WebhookReceiver.StartAsync();
        _http = new HttpClient(_targets.CreateHandler());
    }

    public async Task DisposeAsync()
    {
        await _receiver.DisposeAsync();
        _http.Dispose();
        SqliteConnection.ClearAllPools();
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Matches_ChecksScoreLevelKindAndActorStance()
    {
        var article = Assessment("a1", level: "elevated", score: 0.72, topKind: "terrorism", ("RUS", "positive"), ("GRP.TALIBAN", "negative"));

        Assert.True(AlertRuleMatcher.Matches(Rule(minScore: 0.7), article, out _));
        Assert.False(AlertRuleMatcher.Matches(Rule(minScore: 0.8), article, out _));
        Assert.True(AlertRuleMatcher.Matches(Rule(minLevel: "low"), article, out _));
        Assert.False(AlertRuleMatcher.Matches(Rule(minLevel: "high"), article, out _));
        Assert.True(AlertRuleMatcher.Matches(Rule(kind: "terrorism"), article, out _));
        Assert.True(AlertRuleMatcher.Matches(Rule(kind: "armed_conflict"), article, out _)); // probability 0.6 ≥ 0.5
        Assert.False(AlertRuleMatcher.Matches(Rule(kind: "cyber"), article, out _));
        Assert.True(AlertRuleMatcher.Matches(Rule(actor: "GRP.TALIBAN", stance: "negative"), article, out var actor));
        Assert.Equal("GRP.TALIBAN", actor!.ActorId);
        Assert.False(AlertRuleMatcher.Matches(Rule(actor: "RUS", stance: "negative"), article, out _));
        Assert.False(AlertRuleMatcher.Matches(Rule(actor: "USA"), article, out _));
        Assert.True(AlertRuleMatcher.Matches(Rule(stance: "positive"), article, out actor));
        Assert.Equal("RUS", actor!.ActorId);
        Assert.False(AlertRuleMatcher.Matches(Rule(minScore: 0.5, actor: "RUS", stance: "negative"), article, out _));
    }

    [Fact]
    public async Task Enqueue_SameArticleTwice_RecordsOneDelivery()
    {
        await AddArticleAsync("a1");
        var rule = await _store.AddRuleAsync(Rule(minScore: 0.5), CancellationToken.None);
        var matching = Matching();
        var article = Assessment("a1", "high", 0.9, "terrorism");

        Assert.Equal(1, await matching.EnqueueMatchesAsync(article, CancellationToken.None));
        Assert.Equal(0, await matching.EnqueueMatchesAsync(article, CancellationToken.None));
        await Sender().DeliverDueAsync(CancellationToken.None);
        Assert.Equal(0, await matching.EnqueueMatchesAsync(article, CancellationToken.None));

        var delivery = Assert.Single(await _store.ListDeliveriesAsync(null, rule.Id, 10, CancellationToken.None));
        Assert.Equal(AlertDeliveryStatus.Sent, delivery.Status);
        Assert.Single(_receiver.Requests);
    }

    [Fact]
    public async Task Enqueue_SecondMatchInsideCooldown_IsSuppressedAndNextWindowDelivers()
    {
        await AddArticleAsync("a1");
        await AddArticleAsync("a2");
        await AddArticleAsync("a3");
        var rule = await _store.AddRuleAsync(Rule(minLevel: "elevated") with { Cooldown = TimeSpan.FromMinutes(10) }, CancellationToken.None);
        var matching = Matching();

        await matching.EnqueueMatchesAsync(Assessment("a1", "high", 0.9, "terrorism"), CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(9));
        await matching.EnqueueMatchesAsync(Assessment("a2", "high", 0.9, "terrorism"), CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(2));
        await matching.EnqueueMatchesAsync(Assessment("a3", "high", 0.9, "terrorism"), CancellationToken.None);
        await Sender().DeliverDueAsync(CancellationToken.None);

        var byArticle = (await _store.ListDeliveriesAsync(null, rule.Id, 10, CancellationToken.None)).ToDictionary(d => d.ArticleId, d => d.Status);
        Assert.Equal(AlertDeliveryStatus.Sent, byArticle["a1"]);
        Assert.Equal(AlertDeliveryStatus.Suppressed, byArticle["a2"]);
        Assert.Equal(AlertDeliveryStatus.Sent, byArticle["a3"]);
        Assert.Equal(2, _receiver.Delivered.Count());
        Assert.DoesNotContain(_receiver.Requests, r => r.Body.Contains("\"a2\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Deliver_WhenWebhookFailsTwice_RetriesWithBackOffUntilSent()
    {
        await AddArticleAsync("a1", title: "Taliban threaten <border> post");
        var rule = await _store.AddRuleAsync(Rule(actor: "GRP.TALIBAN", stance: "negative"), CancellationToken.None);
        await Matching().EnqueueMatchesAsync(
            Assessment("a1", "high", 0.91, "terrorism", ("GRP.TALIBAN", "negative")) with { Title = "Taliban threaten <border> post" }, CancellationToken.None);
        _receiver.FailNext = 2;
        var sender = Sender();

        Assert.Equal(new DeliveryPassSummary(0, 1, 0), await sender.DeliverDueAsync(CancellationToken.None));
        Assert.Equal(new DeliveryPassSummary(0, 0, 0), await sender.DeliverDueAsync(CancellationToken.None)); // not due yet
        var waiting = Assert.Single(await _store.ListDeliveriesAsync(null, rule.Id, 10, CancellationToken.None));
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromSeconds(30), waiting.NextAttemptAt);
        Assert.StartsWith("HTTP 500", waiting.LastError, StringComparison.Ordinal);

        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(new DeliveryPassSummary(0, 1, 0), await sender.DeliverDueAsync(CancellationToken.None));
        waiting = Assert.Single(await _store.ListDeliveriesAsync(null, rule.Id, 10, CancellationToken.None));
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromSeconds(60), waiting.NextAttemptAt); // doubled

        _time.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(new DeliveryPassSummary(1, 0, 0), await sender.DeliverDueAsync(CancellationToken.None));

        var sent = Assert.Single(await _store.ListDeliveriesAsync(null, rule.Id, 10, CancellationToken.None));
        Assert.Equal(AlertDeliveryStatus.Sent, sent.Status);
        Assert.Equal(3, sent.Attempts);
        var requests = _receiver.Requests.ToList();
        Assert.Equal(3, requests.Count);
        Assert.Single(requests.Select(r => r.Body).Distinct()); // retries send the same body
        Assert.All(requests, r => Assert.Equal(sent.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), r.Delivery));

        using var body = JsonDocument.Parse(requests[^1].Body);
        var root = body.RootElement;
        Assert.Equal(rule.Id, root.GetProperty("rule").GetProperty("id").GetInt64());
        Assert.Equal("a1", root.GetProperty("article").GetProperty("id").GetString());
        Assert.Equal("Taliban threaten <border> post", root.GetProperty("article").GetProperty("title").GetString());
        Assert.Equal("high", root.GetProperty("threat").GetProperty("level").GetString());
        Assert.Equal(0.91, root.GetProperty("threat").GetProperty("score").GetDouble());
        Assert.Contains("terrorism", root.GetProperty("threat").GetProperty("kinds").EnumerateArray().Select(k => k.GetString()));
        Assert.Equal("GRP.TALIBAN", root.GetProperty("actor").GetProperty("id").GetString());
        Assert.Equal("negative", root.GetProperty("actor").GetProperty("stance").GetString());
        Assert.Equal("http://127.0.0.1:5080/articles/a1", root.GetProperty("link").GetString());
    }

    [Fact]
    public async Task Deliver_WhenWebhookAlwaysFails_EndsFailedWithTheErrorInTheApiAndPage()
    {
        await AddArticleAsync("a1");
        await _store.AddRuleAsync(Rule(minScore: 0.5) with { Name = "Ops <team>" }, CancellationToken.None);
        await Matching().EnqueueMatchesAsync(Assessment("a1", "high", 0.9, "terrorism"), CancellationToken.None);
        _receiver.AlwaysFail = true;
        var sender = Sender();

        for (var i = 0; i < 10; i++)
        {
            await sender.DeliverDueAsync(CancellationToken.None);
            _time.Advance(_options.MaxRetryDelay);
        }

        Assert.Equal(_options.MaxAttempts, _receiver.Requests.Count);
        await using var app = ReviewWebApp.Build([$"--ThreatScorer:Store:SqlitePath={Db}", "--ThreatScorer:Web:Url=http://127.0.0.1:0"]);
        await app.StartAsync();
        using var client = new HttpClient { BaseAddress = ReviewWebApp.Address(app) };

        using var failed = await client.GetFromJsonAsync<JsonDocument>("/api/alerts/deliveries?status=failed");
        var delivery = Assert.Single(failed!.RootElement.EnumerateArray());
        Assert.Equal("failed", delivery.GetProperty("status").GetString());
        Assert.Equal(_options.MaxAttempts, delivery.GetProperty("attempts").GetInt32());
        Assert.Equal(500, delivery.GetProperty("last_status_code").GetInt32());
        Assert.Contains("HTTP 500", delivery.GetProperty("last_error").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, delivery.GetProperty("next_attempt_at").ValueKind);

        var page = await client.GetStringAsync("/alerts");
        Assert.Contains("HTTP 500", page, StringComparison.Ordinal);
        Assert.Contains("Ops &lt;team&gt;", page, StringComparison.Ordinal);
        // The receiver's answer is never shown: only its status (a rule must not become a way to read pages).
        Assert.DoesNotContain("maintenance", delivery.GetProperty("last_error").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("maintenance", page, StringComparison.Ordinal);
        await app.StopAsync();
    }

    [Fact]
    public async Task RulesApi_AddsListsAndDisablesRules_AndRejectsBadOnes()
    {
        await using var app = ReviewWebApp.Build([$"--ThreatScorer:Store:SqlitePath={Db}", "--ThreatScorer:Web:Url=http://127.0.0.1:0",
            "--ThreatScorer:Alerts:AllowedWebhookHosts:0=127.0.0.1/32"]);
        await app.StartAsync();
        using var client = new HttpClient { BaseAddress = ReviewWebApp.Address(app) };
        client.DefaultRequestHeaders.Add("X-Requested-With", "test");

        using var created = await client.PostAsJsonAsync("/api/alerts/rules", new
        {
            name = "Taliban hostile",
            actor_id = "GRP.TALIBAN",
            stance = "negative",
            min_level = "elevated",
            webhook_url = _receiver.Url.AbsoluteUri,
            cooldown_seconds = 600,
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var rule = await created.Content.ReadFromJsonAsync<JsonDocument>();
        var id = rule!.RootElement.GetProperty("id").GetInt64();

        using var bad = await client.PostAsJsonAsync("/api/alerts/rules", new { name = "x", webhook_url = "javascript:alert(1)", min_level = "severe" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var problem = await bad.Content.ReadAsStringAsync();
        Assert.Contains("webhook_url", problem, StringComparison.Ordinal);
        Assert.Contains("min_level", problem, StringComparison.Ordinal);

        using var noHeader = new HttpClient { BaseAddress = client.BaseAddress };
        using var refused = await noHeader.PostAsJsonAsync("/api/alerts/rules", new { name = "y", min_score = 0.1, webhook_url = "http://127.0.0.1/" });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        using var disabled = await client.PutAsJsonAsync($"/api/alerts/rules/{id}/enabled", new { enabled = false });
        Assert.Equal(HttpStatusCode.OK, disabled.StatusCode);
        using var rules = await client.GetFromJsonAsync<JsonDocument>("/api/alerts/rules");
        var stored = Assert.Single(rules!.RootElement.EnumerateArray());
        Assert.False(stored.GetProperty("enabled").GetBoolean());
        Assert.Empty(await _store.ListRulesAsync(enabledOnly: true, CancellationToken.None));
        await app.StopAsync();
    }

    private AlertMatching Matching() => new(_store, Options.Create(_options), _time, NullLogger<AlertMatching>.Instance);

    private AlertWebhookSender Sender() => new(_store, _http, Options.Create(_options), _time, NullLogger<AlertWebhookSender>.Instance);

    private AlertRule Rule(double? minScore = null, string? minLevel = null, string? kind = null, string? actor = null, string? stance = null) => new()
    {
        Name = "rule",
        MinThreatScore = minScore,
        MinLevel = minLevel,
        Kind = kind,
        ActorId = actor,
        Stance = stance,
        WebhookUrl = _receiver?.Url.AbsoluteUri ?? "http://127.0.0.1/hook",
    };

    private async Task AddArticleAsync(string id, string? title = null)
    {
        await using var connection = new SqliteConnection($"Data Source={Db}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO articles (id, dedupe_key, content_hash, title, source_path, ingested_at, updated_at, status)
            VALUES ($id, $id, 'h', $title, 'test', '2026-11-20T08:00:00.0000000+00:00', '2026-11-20T08:00:00.0000000+00:00', 'scored');
            """;
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$title", (object?)title ?? DBNull.Value);
        await command.ExecuteNonQueryAsync();
    }

    private static ArticleAssessment Assessment(string id, string level, double score, string? topKind, params (string Id, string Label)[] actors) => new()
    {
        ArticleId = id,
        Title = "Article " + id,
        Url = "https://news.example/" + id,
        SourcePath = "test",
        CleanedText = "text",
        SentenceCount = 1,
        Sentiment = new SentimentAssessment("negative", -0.4, new Dictionary<string, float>()),
        Actors = [.. actors.Select(a => new ActorStance
        {
            ActorId = a.Id,
            Name = a.Id,
            Type = ActorType.State,
            IsListed = true,
            Label = a.Label,
            Score = a.Label == "negative" ? -0.7 : a.Label == "positive" ? 0.6 : 0,
            Probabilities = new Dictionary<string, float>(),
            MentionCount = 1,
            Mentions = [],
            Evidence = [],
        })],
        Threat = new ThreatAssessment(level, score, new Dictionary<string, double>(),
            new Dictionary<string, double> { ["terrorism"] = 0.8, ["armed_conflict"] = 0.6, ["cyber"] = 0.1 }, topKind, []),
        Models = new ModelVersions("s", "m", "t", "i"),
        Timings = new ScoringTimings(0, 0, 0, 0, 0, 0),
        ScoredAt = new DateTimeOffset(2026, 11, 20, 8, 0, 0, TimeSpan.Zero),
    };
}
