using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ThreatScorer.Core.Storage;
using ThreatScorer.Web;

namespace ThreatScorer.Tests.Web;

/// <summary>
/// Hostile requests against the real review app over the fixture's scored store: a foreign Host (DNS rebinding),
/// out-of-range and crafted query parameters, oversized and impersonating corrections.
/// </summary>
[Collection(ReviewAppGroup.Name)]
public sealed class WebHardeningTests(ReviewAppFixture app)
{
    private const string Key = "test-key-0123456789abcdef";

    private HttpClient Client => app.Client;

    [Theory]
    [InlineData("GET", "/api/articles")]
    [InlineData("GET", "/api/export/articles.csv")]
    [InlineData("GET", "/api/export/corrections.jsonl")]
    [InlineData("GET", "/")]
    [InlineData("POST", "/api/articles/{id}/corrections")]
    [InlineData("POST", "/api/alerts/rules")]
    public async Task Request_WithAForeignHostHeader_Is400BeforeAnythingRuns(string method, string path)
    {
        var before = await CorrectionCountAsync();
        var evil = $"evil.example:{app.BaseAddress.Port}";
        using var request = new HttpRequestMessage(new HttpMethod(method), path.Replace("{id}", app.XssId, StringComparison.Ordinal));
        request.Headers.Host = evil;
        if (method == "POST")
        {
            // What a rebound page can send: same-origin for the browser, since the page itself is on evil.example.
            request.Headers.Add("Origin", "http://" + evil);
            request.Headers.Add("X-Requested-With", "threatscorer");
            request.Content = JsonContent.Create(new
            {
                field = "threat_level", value = "none", author = "mallory",
                name = "exfil", min_threat_score = 0.1, webhook_url = "https://hooks.example/x",
            });
        }

        using var response = await Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("evil.example", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, await CorrectionCountAsync());
    }

    [Theory]
    [InlineData("localhost", true)]
    [InlineData("127.0.0.1", true)]
    [InlineData("LOCALHOST", true)]
    [InlineData("127.0.0.2", false)]
    [InlineData("localhost.evil.example", false)]
    public async Task Request_WithLoopbackNamesOnTheBoundPort_IsServed(string host, bool served)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/articles?size=1");
        request.Headers.Host = $"{host}:{app.BaseAddress.Port}";

        using var response = await Client.SendAsync(request);

        Assert.Equal(served ? HttpStatusCode.OK : HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Request_WithLoopbackHostOnAnotherPort_Is400()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/articles?size=1");
        request.Headers.Host = $"127.0.0.1:{(app.BaseAddress.Port == 65535 ? 1 : app.BaseAddress.Port + 1)}";

        using var response = await Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Request_WithConfiguredAllowedHosts_ServesOnlyThoseNames()
    {
        await using var web = ReviewWebApp.Build([$"--ThreatScorer:Store:SqlitePath={app.DatabasePath}", "--ThreatScorer:Web:Url=http://127.0.0.1:0",
            "--ThreatScorer:Web:AllowedHosts:0=review.example.org"]);
        await web.StartAsync();
        using var client = new HttpClient { BaseAddress = ReviewWebApp.Address(web) };

        using var named = new HttpRequestMessage(HttpMethod.Get, "/api/articles?size=1");
        named.Headers.Host = "review.example.org";
        using var namedResponse = await client.SendAsync(named);
        using var loopbackResponse = await client.GetAsync(new Uri("/api/articles?size=1", UriKind.Relative));
        await web.StopAsync();

        Assert.Equal(HttpStatusCode.OK, namedResponse.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, loopbackResponse.StatusCode);
    }

    [Theory]
    [InlineData("/api/articles?to=9999-12-31", "to")]
    [InlineData("/api/articles?from=9999-12-31", "from")]
    [InlineData("/api/articles?to=0000-01-01", "to")]
    [InlineData("/api/articles?sort=threat&after=enofYS14", "after")]
    [InlineData("/api/articles?after=enofYS14", "after")]
    [InlineData("/api/articles?after=!!!!", "after")]
    [InlineData("/api/articles?sort=threat&after=bm90LWEtbnVtYmVyH2EtMQ", "after")] // "not-a-number\u001fa-1"
    [InlineData("/api/articles?level=severe", "level")]
    [InlineData("/api/articles?kind=anything", "kind")]
    [InlineData("/api/articles?stance=angry", "stance")]
    [InlineData("/api/articles?min=NaN", "min")]
    [InlineData("/api/articles?size=1e9", "size")]
    [InlineData("/api/export/articles.csv?to=9999-12-31", "to")]
    [InlineData("/api/export/stances.parquet?sort=threat&after=enofYS14", "after")]
    [InlineData("/?to=9999-12-31", "to")]
    [InlineData("/?sort=threat&after=enofYS14", "after")]
    [InlineData("/api/alerts/deliveries?limit=-1", "limit")]
    [InlineData("/api/alerts/deliveries?limit=99999999999", "limit")]
    [InlineData("/api/alerts/deliveries?rule=abc", "rule")]
    public async Task Query_WithAnOutOfRangeOrCraftedParameter_Is400NamingIt(string url, string parameter)
    {
        using var response = await Client.GetAsync(new Uri(url, UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(parameter + " must", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_WithALongFreeText_Is400NamingQ()
    {
        using var response = await Client.GetAsync(new Uri("/api/articles?q=" + new string('a', 600), UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("q must", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_WithTheLastDatesAndTheCursorOfThePage_IsServed()
    {
        using var late = await Client.GetAsync(new Uri("/api/articles?to=9998-12-31&from=0001-01-01", UriKind.Relative));
        using var first = await Client.GetFromJsonAsync<JsonDocument>("/api/articles?sort=threat&size=2");
        var next = first!.RootElement.GetProperty("next").GetString();
        using var second = await Client.GetAsync(new Uri($"/api/articles?sort=threat&size=2&after={next}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, late.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
    }

    [Fact]
    public async Task Store_WithACraftedCursor_RefusesWithArgumentExceptionNotAParseError()
    {
        var store = new SqliteReviewStore(app.DatabasePath, TimeProvider.System);

        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            store.ListAsync(new ReviewFilter { Sort = ReviewSort.Threat }, 10, "enofYS14", withTotal: false, CancellationToken.None));

        Assert.Contains("after", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_OfAnArticleWhoseTitleIsAFormula_IsTextInCsvAndUnchangedInJsonl()
    {
        var csv = ReviewApiTests.ReadCsv(await Client.GetStringAsync(new Uri("/api/export/articles.csv", UriKind.Relative)));
        var jsonl = (await Client.GetStringAsync(new Uri("/api/export/articles.jsonl", UriKind.Relative)))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();

        var row = csv.Single(r => r["id"] == app.FormulaId);
        Assert.Equal("'" + ReviewAppFixture.FormulaTitle, row["title"]);
        Assert.Equal("'@SUM(1+1)", row["source"]);
        Assert.DoesNotContain(csv, r => r.Values.Any(v => v.Length > 0 && v[0] is '=' or '+' or '@' or '\t' or '\r'));
        var json = jsonl.Single(r => r.GetProperty("id").GetString() == app.FormulaId);
        Assert.Equal(ReviewAppFixture.FormulaTitle, json.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Correction_WithACommentOverTheCap_Is400NamingCommentAndStoresNothing()
    {
        var before = await CorrectionCountAsync();

        using var tooLong = await PostCorrectionAsync(Client, new { field = "threat_level", value = "high", comment = new string('x', Correction.MaxCommentLength + 1) });
        var huge = await PostHugeCorrectionAsync();
        using var atCap = await PostCorrectionAsync(Client, new { field = "threat_level", value = "high", comment = new string('y', Correction.MaxCommentLength) });

        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Contains("comment must be at most", await tooLong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // Refused unread: 413, or the connection closed while the client was still sending.
        Assert.True(huge is null or HttpStatusCode.RequestEntityTooLarge, $"20 MB comment answered {huge}");
        Assert.Equal(HttpStatusCode.Created, atCap.StatusCode);
        Assert.Equal(before + 1, await CorrectionCountAsync());
    }

    [Fact]
    public async Task Correction_Author_IsTheVerifiedIdentityWithTheTypedNameKeptAsAClaim()
    {
        using var claimed = await PostCorrectionAsync(Client, new { field = "threat_kinds", value = "terrorism", author = "Chief Analyst" });
        using var unnamed = await PostCorrectionAsync(Client, new { field = "threat_kinds", value = "terrorism" });
        using var control = await PostCorrectionAsync(Client, new { field = "threat_kinds", value = "terrorism", author = "ana\u001b[31m" });

        await using var keyed = ReviewWebApp.Build([$"--ThreatScorer:Store:SqlitePath={app.DatabasePath}", "--ThreatScorer:Web:Url=http://127.0.0.1:0",
            $"--ThreatScorer:Web:ApiKey={Key}"]);
        await keyed.StartAsync();
        using var keyedClient = new HttpClient { BaseAddress = ReviewWebApp.Address(keyed) };
        keyedClient.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("ana:" + Key)));
        using var basic = await PostCorrectionAsync(keyedClient, new { field = "threat_kinds", value = "terrorism", author = "someone else" });
        await keyed.StopAsync();

        Assert.Equal("local-operator (claimed: Chief Analyst)", await AuthorAsync(claimed));
        Assert.Equal("local-operator", await AuthorAsync(unnamed));
        Assert.Equal(HttpStatusCode.BadRequest, control.StatusCode);
        Assert.Contains("author", await control.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("api-key (claimed: ana)", await AuthorAsync(basic));
    }

    private async Task<HttpStatusCode?> PostHugeCorrectionAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/articles/{app.XssId}/corrections")
        {
            Content = JsonContent.Create(new { field = "threat_level", value = "high", comment = new string('x', 20_000_000) }),
        };
        request.Headers.Add("X-Requested-With", "threatscorer");
        request.Headers.ExpectContinue = true; // lets the server answer before the body is sent
        try
        {
            using var response = await Client.SendAsync(request);
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    private static async Task<string?> AuthorAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var body = await response.Content.ReadFromJsonAsync<JsonDocument>();
        return body!.RootElement.GetProperty("author").GetString();
    }

    private Task<HttpResponseMessage> PostCorrectionAsync(HttpClient client, object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/articles/{app.XssId}/corrections") { Content = JsonContent.Create(body) };
        request.Headers.Add("X-Requested-With", "threatscorer");
        return client.SendAsync(request);
    }

    private async Task<int> CorrectionCountAsync()
    {
        using var list = await Client.GetFromJsonAsync<JsonDocument>($"/api/articles/{app.XssId}/corrections");
        return list!.RootElement.GetArrayLength();
    }
}
