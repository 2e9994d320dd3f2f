using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using ThreatScorer.Core.Alerts;
using ThreatScorer.Core.Scoring;
using ThreatScorer.Core.Storage;
using ThreatScorer.Tests.TestSupport;
using ThreatScorer.Web;

namespace ThreatScorer.Tests.Alerts;

/// <summary>
/// Webhook SSRF: which targets a rule may name, checked when it is added and again on every connection. Traffic
/// only ever goes to the loopback receiver; other addresses are refused before any packet (names resolve through
/// a hand-written resolver, so a "public" answer is never dialled either).
/// </summary>
public sealed class WebhookTargetTests : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 20, 8, 0, 0, TimeSpan.Zero));
    private WebhookReceiver _receiver = null!;
    private SqliteAlertStore _store = null!;

    private string Db => _dir.File("alerts.db");

    public async Task InitializeAsync()
    {
        await new SqliteArticleStore(Db, _time).MigrateAsync(CancellationToken.None);
        _store = new SqliteAlertStore(Db, _time);
        _receiver = await WebhookReceiver.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _receiver.DisposeAsync();
        SqliteConnection.ClearAllPools();
    }

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("127.0.0.1", "loopback")]
    [InlineData("127.255.0.9", "loopback")]
    [InlineData("10.1.2.3", "private")]
    [InlineData("172.16.5.4", "private")]
    [InlineData("192.168.1.1", "private")]
    [InlineData("169.254.169.254", "link-local")]
    [InlineData("100.64.0.1", "CGNAT")]
    [InlineData("100.100.100.200", "CGNAT")]
    [InlineData("0.0.0.0", "unspecified")]
    [InlineData("224.0.0.1", "multicast")]
    [InlineData("255.255.255.255", "broadcast")]
    [InlineData("::1", "loopback")]
    [InlineData("::", "unspecified")]
    [InlineData("fe80::1", "link-local")]
    [InlineData("fd00:ec2::254", "unique-local")]
    [InlineData("ff02::1", "multicast")]
    [InlineData("::ffff:127.0.0.1", "IPv4-mapped")]
    [InlineData("::ffff:169.254.169.254", "IPv4-mapped")]
    [InlineData("2002:7f00:1::1", "6to4")]
    [InlineData("2002:a9fe:a9fe::", "6to4")]
    [InlineData("64:ff9b::a00:1", "NAT64")]
    [InlineData("64:ff9b:1::1", "NAT64")]
    [InlineData("2001::1", "Teredo")]
    [InlineData("::ffff:0:7f00:1", "IPv4-translated")] // SIIT (RFC 2765) form of 127.0.0.1: a translator dials the IPv4 inside
    [InlineData("::ffff:0:a9fe:a9fe", "IPv4-translated")]
    [InlineData("::ffff:0:0:7f00:1", "reserved")] // ::/8 beyond the forms above: no public host lives there
    public void RefusalReason_NonPublicAddressesAndTheirEmbeddedForms_AreRefused(string address, string reason)
    {
        var why = WebhookTargets.RefusalReason(IPAddress.Parse(address));

        Assert.NotNull(why);
        Assert.Contains(reason, why, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("93.184.216.34")]
    [InlineData("8.8.8.8")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("64:ff9b::5db8:d822")] // NAT64 of a public address
    [InlineData("2002:5db8:d822::1")] // 6to4 of a public address
    [InlineData("::ffff:0:5db8:d822")] // IPv4-translated form of a public address
    public void RefusalReason_PublicAddresses_AreAllowed(string address) =>
        Assert.Null(WebhookTargets.RefusalReason(IPAddress.Parse(address)));

    [Theory]
    [InlineData("http://127.0.0.1:5931/admin")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://10.0.0.1/")]
    [InlineData("http://[::1]:5931/")]
    [InlineData("http://[::ffff:127.0.0.1]/")]
    [InlineData("http://0x7f000001:5931/")]
    [InlineData("http://2130706433/")]
    [InlineData("http://0177.0.0.1/")]
    [InlineData("http://127.1/")]
    [InlineData("http://0x7f.1/")]
    [InlineData("http://localhost:5931/")]
    [InlineData("http://LOCALHOST./")]
    [InlineData("http://admin.localhost/")]
    [InlineData("http://metadata.google.internal/computeMetadata/v1/")]
    [InlineData("http://evil@127.0.0.1/")]
    [InlineData("ftp://hooks.example/")]
    public async Task Check_LoopbackPrivateAndMetadataTargets_InEveryHostForm_AreRefusedNamingTheField(string url)
    {
        var resolver = new Resolver(_ => [IPAddress.Parse("93.184.216.34")]);

        var problem = await new WebhookTargets(resolve: resolver.ResolveAsync).CheckAsync(url, CancellationToken.None);

        Assert.NotNull(problem);
        Assert.StartsWith("webhook_url", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_NameResolvingToAPrivateAddress_IsRefusedWithTheAddress()
    {
        var resolver = new Resolver(host => host == "hooks.example"
            ? [IPAddress.Parse("93.184.216.34"), IPAddress.Parse("10.0.0.7")]
            : [IPAddress.Parse("93.184.216.34")]);
        var targets = new WebhookTargets(resolve: resolver.ResolveAsync);

        var refused = await targets.CheckAsync("https://hooks.example/threat", CancellationToken.None);
        var allowed = await targets.CheckAsync("https://public.example/threat", CancellationToken.None);

        Assert.Contains("10.0.0.7", refused, StringComparison.Ordinal);
        Assert.Contains("private", refused, StringComparison.Ordinal);
        Assert.Null(allowed);
    }

    [Fact]
    public async Task Check_AllowListNamingAHostOrRange_LetsOnlyThoseThrough()
    {
        var resolver = new Resolver(host => host == "hooks.internal" ? [IPAddress.Parse("10.9.8.7")] : [IPAddress.Parse("192.168.0.5")]);
        var targets = new WebhookTargets(["127.0.0.0/8", "hooks.internal"], resolver.ResolveAsync);

        Assert.Null(await targets.CheckAsync("http://127.0.0.1:9/", CancellationToken.None));
        Assert.Null(await targets.CheckAsync("http://hooks.internal/x", CancellationToken.None));
        Assert.NotNull(await targets.CheckAsync("http://10.0.0.1/", CancellationToken.None));
        Assert.NotNull(await targets.CheckAsync("http://other.internal/", CancellationToken.None));
        Assert.NotNull(await targets.CheckAsync("http://[::1]/", CancellationToken.None));
    }

    [Fact]
    public void Options_AllowListEntryThatIsNotAHostAddressOrRange_IsNamed()
    {
        var options = new AlertOptions { AllowedWebhookHosts = ["10.0.0.0/8", "http://hooks.example/", "10.0.0.0/33"] };

        var result = new AlertOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.Contains("ThreatScorer:Alerts:AllowedWebhookHosts:1", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.Contains("ThreatScorer:Alerts:AllowedWebhookHosts:2", StringComparison.Ordinal));
        Assert.DoesNotContain(result.Failures!, f => f.Contains("AllowedWebhookHosts:0", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Deliver_ToALoopbackRuleStoredBeforeTheCheck_IsRefusedAtConnectAndNothingArrives()
    {
        // A rule that reached the table without the API's check (an older version, or written by hand).
        var rule = await _store.AddRuleAsync(new AlertRule { Name = "old", MinThreatScore = 0.1, WebhookUrl = _receiver.Url.AbsoluteUri }, CancellationToken.None);
        await AddArticleAndMatchAsync("a1");

        var pass = await Sender(new WebhookTargets()).DeliverDueAsync(CancellationToken.None);

        Assert.Equal(0, pass.Sent);
        Assert.Empty(_receiver.Paths);
        var delivery = Assert.Single(await _store.ListDeliveriesAsync(null, rule.Id, 10, CancellationToken.None));
        Assert.Contains("refused", delivery.LastError, StringComparison.Ordinal);
        Assert.Contains("loopback", delivery.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deliver_WhenTheNameRebindsToLoopbackAfterTheCheck_IsRefusedAtConnectAndNothingArrives()
    {
        // The first answer (when the rule is added) is public; every later one points at the machine itself.
        var resolver = new Resolver(_ => [IPAddress.Parse("93.184.216.34")]);
        var targets = new WebhookTargets(resolve: resolver.ResolveAsync);
        var url = $"http://rebind.example:{_receiver.Url.Port}/hook";
        Assert.Null(await targets.CheckAsync(url, CancellationToken.None));
        resolver.Answer = _ => [IPAddress.Loopback];
        var rule = await _store.AddRuleAsync(new AlertRule { Name = "rebind", MinThreatScore = 0.1, WebhookUrl = url }, CancellationToken.None);
        await AddArticleAndMatchAsync("a1");

        var pass = await Sender(targets).DeliverDueAsync(CancellationToken.None);

        Assert.Equal(0, pass.Sent);
        Assert.Empty(_receiver.Paths);
        Assert.Equal(2, resolver.Calls); // resolved again at connect time, not taken from the check
        var delivery = Assert.Single(await _store.ListDeliveriesAsync(null, rule.Id, 10, CancellationToken.None));
        Assert.Contains("rebind.example resolves to 127.0.0.1", delivery.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deliver_WhenTheReceiverRedirects_DoesNotFollowAndKeepsOnlyTheStatus()
    {
        var rule = await _store.AddRuleAsync(new AlertRule
        {
            Name = "redirect",
            MinThreatScore = 0.1,
            WebhookUrl = new Uri(_receiver.Url, "/redirect").AbsoluteUri,
        }, CancellationToken.None);
        await AddArticleAndMatchAsync("a1");

        await Sender(new WebhookTargets(["127.0.0.1"])).DeliverDueAsync(CancellationToken.None);

        Assert.Equal("POST /redirect", Assert.Single(_receiver.Paths));
        var delivery = Assert.Single(await _store.ListDeliveriesAsync(null, rule.Id, 10, CancellationToken.None));
        Assert.Equal(302, delivery.LastStatusCode);
        Assert.Equal("HTTP 302", delivery.LastError);
        Assert.NotEqual(AlertDeliveryStatus.Sent, delivery.Status);
    }

    [Fact]
    public async Task RulesApi_LoopbackWebhook_Is400NamingWebhookUrl_UnlessTheOperatorAllowsIt()
    {
        var refused = await PostRuleAsync([], "http://127.0.0.1:5931/admin");
        var hex = await PostRuleAsync([], "http://0x7f000001:5931/admin");
        var allowed = await PostRuleAsync(["--ThreatScorer:Alerts:AllowedWebhookHosts:0=127.0.0.1"], _receiver.Url.AbsoluteUri);

        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Contains("webhook_url", refused.Body, StringComparison.Ordinal);
        Assert.Contains("loopback", refused.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, hex.Status);
        Assert.Contains("127.0.0.1", hex.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, allowed.Status);
        Assert.Single(await _store.ListRulesAsync(enabledOnly: false, CancellationToken.None));
    }

    private async Task<(HttpStatusCode Status, string Body)> PostRuleAsync(string[] settings, string url)
    {
        await using var app = ReviewWebApp.Build([$"--ThreatScorer:Store:SqlitePath={Db}", "--ThreatScorer:Web:Url=http://127.0.0.1:0", .. settings]);
        await app.StartAsync();
        using var client = new HttpClient { BaseAddress = ReviewWebApp.Address(app) };
        client.DefaultRequestHeaders.Add("X-Requested-With", "test");
        using var response = await client.PostAsJsonAsync("/api/alerts/rules", new { name = "probe", min_threat_score = 0.1, webhook_url = url });
        var body = await response.Content.ReadAsStringAsync();
        await app.StopAsync();
        return (response.StatusCode, body);
    }

    private AlertWebhookSender Sender(WebhookTargets targets) =>
        new(_store, new HttpClient(targets.CreateHandler()), Options.Create(new AlertOptions { ReviewBaseUrl = "http://127.0.0.1:5080" }), _time,
            NullLogger<AlertWebhookSender>.Instance);

    private async Task AddArticleAndMatchAsync(string id)
    {
        await using (var connection = new SqliteConnection($"Data Source={Db}"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = """
                INSERT INTO articles (id, dedupe_key, content_hash, title, source_path, ingested_at, updated_at, status)
                VALUES ($id, $id, 'h', 'title', 'test', '2026-11-20T08:00:00.0000000+00:00', '2026-11-20T08:00:00.0000000+00:00', 'scored');
                """;
            command.Parameters.AddWithValue("$id", id);
            await command.ExecuteNonQueryAsync();
        }

        var matching = new AlertMatching(_store, Options.Create(new AlertOptions { ReviewBaseUrl = "http://127.0.0.1:5080" }), _time, NullLogger<AlertMatching>.Instance);
        Assert.Equal(1, await matching.EnqueueMatchesAsync(new ArticleAssessment
        {
            ArticleId = id,
            Title = "Article " + id,
            SourcePath = "test",
            CleanedText = "text",
            SentenceCount = 1,
            Sentiment = new SentimentAssessment("negative", -0.4, new Dictionary<string, float>()),
            Actors = [],
            Threat = new ThreatAssessment("high", 0.9, new Dictionary<string, double>(), new Dictionary<string, double>(), "terrorism", []),
            Models = new ModelVersions("s", "m", "t", "i"),
            Timings = new ScoringTimings(0, 0, 0, 0, 0, 0),
            ScoredAt = _time.GetUtcNow(),
        }, CancellationToken.None));
    }

    /// <summary>A name resolver whose answers the test sets (and changes, for rebinding); counts its calls.</summary>
    private sealed class Resolver(Func<string, IPAddress[]> answer)
    {
        private int _calls;

        public Func<string, IPAddress[]> Answer { get; set; } = answer;

        public int Calls => Volatile.Read(ref _calls);

        public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            return Task.FromResult(Answer(host));
        }
    }
}
