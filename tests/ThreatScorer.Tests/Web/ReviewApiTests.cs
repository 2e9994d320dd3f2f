using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CsvHelper;
using Parquet;
using ThreatScorer.Core.Storage;

namespace ThreatScorer.Tests.Web;

[Collection(ReviewAppGroup.Name)]
public sealed class ReviewApiTests(ReviewAppFixture app)
{
    private static readonly string[] StanceLabels = ["negative", "neutral", "positive"];

    private HttpClient Client => app.Client;

    [Fact]
    public async Task List_WithoutFilter_ReturnsEveryScoredArticleWithTotal()
    {
        using var body = await Client.GetFromJsonAsync<JsonDocument>("/api/articles");

        Assert.Equal(7, app.ScoredCount);
        Assert.Equal(app.ScoredCount, body!.RootElement.GetProperty("total").GetInt64());
        Assert.False(string.IsNullOrEmpty(app.SeedId));
        Assert.False(string.IsNullOrEmpty(app.XssId));
    }

    [Fact]
    public async Task List_FilteredByActorAndStance_KeepsOnlyArticlesWhereThatActorHasThatStance()
    {
        using var russia = await Client.GetFromJsonAsync<JsonDocument>("/api/articles?actor=RUS");
        using var negativeTaliban = await Client.GetFromJsonAsync<JsonDocument>("/api/articles?actor=GRP.TALIBAN&stance=negative");
        using var positiveTaliban = await Client.GetFromJsonAsync<JsonDocument>("/api/articles?actor=GRP.TALIBAN&stance=positive");

        var russiaIds = Ids(russia!);
        Assert.Contains(app.SeedId, russiaIds);
        using var all = await Client.GetFromJsonAsync<JsonDocument>("/api/articles");
        foreach (var id in Ids(all!))
        {
            using var article = await Client.GetFromJsonAsync<JsonDocument>($"/api/articles/{id}");
            var namesRussia = article!.RootElement.GetProperty("assessment").GetProperty("actors").EnumerateArray()
                .Any(a => a.GetProperty("actor_id").GetString() == "RUS");
            Assert.Equal(namesRussia, russiaIds.Contains(id));
        }

        Assert.Contains(app.SeedId, Ids(negativeTaliban!));
        Assert.DoesNotContain(app.SeedId, Ids(positiveTaliban!));
    }

    [Fact]
    public async Task List_FilteredByLevelScoreKindAndText_AppliesEachFilter()
    {
        using var all = await Client.GetFromJsonAsync<JsonDocument>("/api/articles?sort=threat");
        var rows = all!.RootElement.GetProperty("rows").EnumerateArray().ToList();
        var scores = rows.Select(r => r.GetProperty("threat_score").GetDouble()).ToList();
        Assert.Equal(scores.OrderByDescending(s => s), scores);

        var level = rows[0].GetProperty("threat_level").GetString()!;
        using var byLevel = await Client.GetFromJsonAsync<JsonDocument>($"/api/articles?level={level}");
        Assert.All(byLevel!.RootElement.GetProperty("rows").EnumerateArray(), r => Assert.Equal(level, r.GetProperty("threat_level").GetString()));

        using var byScore = await Client.GetFromJsonAsync<JsonDocument>("/api/articles?min=0.5&max=1");
        Assert.All(byScore!.RootElement.GetProperty("rows").EnumerateArray(), r => Assert.InRange(r.GetProperty("threat_score").GetDouble(), 0.5, 1));

        using var byText = await Client.GetFromJsonAsync<JsonDocument>("/api/articles?q=ransomware");
        Assert.All(byText!.RootElement.GetProperty("rows").EnumerateArray(),
            r => Assert.Contains("ransomware", r.GetProperty("title").GetString()!, StringComparison.OrdinalIgnoreCase));
        Assert.NotEqual(0, byText.RootElement.GetProperty("total").GetInt64());

        using var byKind = await Client.GetFromJsonAsync<JsonDocument>("/api/articles?kind=cyber");
        Assert.Contains(byKind!.RootElement.GetProperty("rows").EnumerateArray(),
            r => r.GetProperty("title").GetString()!.Contains("ransomware", StringComparison.OrdinalIgnoreCase) || r.GetProperty("top_kind").GetString() == "cyber");

        using var byDate = await Client.GetFromJsonAsync<JsonDocument>("/api/articles?from=2026-11-20&to=2026-11-20");
        Assert.Equal([app.XssId], Ids(byDate!));
    }

    [Fact]
    public async Task List_PagedOneRowAtATime_VisitsEveryArticleOnce()
    {
        var seen = new List<string>();
        string? cursor = null;
        do
        {
            using var page = await Client.GetFromJsonAsync<JsonDocument>("/api/articles?size=1" + (cursor is null ? string.Empty : "&after=" + cursor));
            seen.AddRange(Ids(page!));
            cursor = page!.RootElement.GetProperty("next").GetString();
        }
        while (cursor is not null);

        Assert.Equal(app.ScoredCount, seen.Count);
        Assert.Equal(seen.Count, seen.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public async Task List_WithBadFilterValues_Returns400NamingEachOne()
    {
        var response = await Client.GetAsync(new Uri("/api/articles?min=2&sort=sideways&from=yesterday", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("min", text, StringComparison.Ordinal);
        Assert.Contains("sort", text, StringComparison.Ordinal);
        Assert.Contains("from", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Article_ReturnsAssessmentWithEvidenceStancesAndModelVersions()
    {
        using var body = await Client.GetFromJsonAsync<JsonDocument>($"/api/articles/{app.SeedId}");

        var assessment = body!.RootElement.GetProperty("assessment");
        Assert.NotEmpty(assessment.GetProperty("threat").GetProperty("evidence").EnumerateArray());
        Assert.Contains(assessment.GetProperty("actors").EnumerateArray(), a => a.GetProperty("actor_id").GetString() == "RUS");
        Assert.StartsWith("stance-", assessment.GetProperty("models").GetProperty("stance").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync(new Uri("/api/articles/a-missing", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Actor_ReturnsTimelineCoActorsAndRecentArticles()
    {
        using var body = await Client.GetFromJsonAsync<JsonDocument>("/api/actors/RUS?bucket=week");

        var root = body!.RootElement;
        Assert.Equal("RUS", root.GetProperty("actor").GetProperty("id").GetString());
        Assert.NotEmpty(root.GetProperty("timeline").EnumerateArray());
        Assert.Contains(root.GetProperty("co_actors").EnumerateArray(), a => a.GetProperty("id").GetString() == "TJK");
        Assert.Contains(root.GetProperty("recent").EnumerateArray(), m => m.GetProperty("article_id").GetString() == app.SeedId);
    }

    [Fact]
    public async Task Correction_PostedAsJson_IsStoredApartWithWhoAndWhenAndShownAsCorrected()
    {
        var before = await Client.GetFromJsonAsync<JsonDocument>($"/api/articles/{app.SeedId}");
        var machineLevel = before!.RootElement.GetProperty("assessment").GetProperty("threat").GetProperty("level").GetString();

        var response = await PostCorrectionAsync(app.SeedId, new { field = "actor_stance", actor_id = "RUS", value = "Positive", comment = "pledges protection", author = "ana" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var stored = await response.Content.ReadFromJsonAsync<JsonDocument>();
        Assert.Equal("positive", stored!.RootElement.GetProperty("value").GetString());
        Assert.Equal("local-operator (claimed: ana)", stored.RootElement.GetProperty("author").GetString());
        using var after = await Client.GetFromJsonAsync<JsonDocument>($"/api/articles/{app.SeedId}");
        Assert.Contains(after!.RootElement.GetProperty("corrections").EnumerateArray(), c => c.GetProperty("actor_id").GetString() == "RUS");
        Assert.Equal(machineLevel, after.RootElement.GetProperty("assessment").GetProperty("threat").GetProperty("level").GetString());

        var stances = await Client.GetStringAsync(new Uri($"/api/export/stances.csv?actor=RUS", UriKind.Relative));
        var russia = ReadCsv(stances).Single(r => r["article_id"] == app.SeedId && r["actor_id"] == "RUS");
        Assert.Equal("positive", russia["corrected_stance"]);
        Assert.NotEqual(string.Empty, russia["stance_label"]);

        var corrections = ReadCsv(await Client.GetStringAsync(new Uri("/api/export/corrections.csv", UriKind.Relative)));
        var row = corrections.Last(r => r["article_id"] == app.SeedId && r["field"] == "actor_stance");
        Assert.Equal("positive", row["corrected_value"]);
        Assert.Equal(russia["stance_label"], row["machine_value"]);
        Assert.Equal("local-operator (claimed: ana)", row["author"]);
        Assert.False(string.IsNullOrEmpty(row["created_at"]));
    }

    [Fact]
    public async Task Correction_WithBadValueOrUnknownActor_Returns400()
    {
        var badLevel = await PostCorrectionAsync(app.SeedId, new { field = "threat_level", value = "apocalyptic", author = "ana" });
        var badActor = await PostCorrectionAsync(app.SeedId, new { field = "actor_stance", actor_id = "ATLANTIS", value = "negative", author = "ana" });

        Assert.Equal(HttpStatusCode.BadRequest, badLevel.StatusCode);
        Assert.Contains("threat_level must be one of", await badLevel.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, badActor.StatusCode);
    }

    [Fact]
    public async Task Correction_WithoutRequestedWithHeaderOrFromAnotherOrigin_IsRefused()
    {
        var json = new StringContent("""{"field":"threat_level","value":"high","author":"x"}""", Encoding.UTF8, "application/json");
        var plain = await Client.PostAsync(new Uri($"/api/articles/{app.SeedId}/corrections", UriKind.Relative), json);

        using var crossSite = new HttpRequestMessage(HttpMethod.Post, $"/api/articles/{app.SeedId}/corrections")
        {
            Content = new StringContent("""{"field":"threat_level","value":"high","author":"x"}""", Encoding.UTF8, "application/json"),
        };
        crossSite.Headers.Add("X-Requested-With", "threatscorer");
        crossSite.Headers.Add("Origin", "https://evil.example");
        var cross = await Client.SendAsync(crossSite);

        Assert.Equal(HttpStatusCode.Forbidden, plain.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, cross.StatusCode);
    }

    [Fact]
    public async Task Export_AllFormats_CarryEveryRowAndColumnOfTheView()
    {
        var csv = ReadCsv(await Client.GetStringAsync(new Uri("/api/export/articles.csv", UriKind.Relative)));
        var jsonl = (await Client.GetStringAsync(new Uri("/api/export/articles.jsonl", UriKind.Relative)))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var parquetBytes = await Client.GetByteArrayAsync(new Uri("/api/export/articles.parquet", UriKind.Relative));

        Assert.Equal(app.ScoredCount, csv.Count);
        Assert.Equal(app.ScoredCount, jsonl.Count);
        string[] required = ["id", "url", "source", "language", "published_at", "ingested_at", "scored_at", "stance_model", "threat_model",
            "threat_level", "threat_score", "top_kind", "kind_terrorism", "corrected_threat_level"];
        Assert.All(required, c => Assert.True(csv[0].ContainsKey(c), $"CSV lacks {c}"));
        Assert.All(required, c => Assert.True(jsonl[0].TryGetProperty(c, out _), $"JSONL lacks {c}"));
        var xss = csv.Single(r => r["id"] == app.XssId);
        Assert.Equal("<b>evil-source</b>", xss["source"]);
        Assert.Equal("en", xss["language"]);
        Assert.Equal(ReviewAppFixture.XssUrl, xss["url"]);

        await using var parquet = await ParquetReader.CreateAsync(new MemoryStream(parquetBytes));
        Assert.Equal(app.ScoredCount, parquet.RowGroups.Sum(g => g.RowCount));
        Assert.All(required, c => Assert.Contains(parquet.Schema.GetDataFields(), f => f.Name == c));
    }

    [Fact]
    public async Task Export_StancesOfAFilteredView_IsALongTableOfThatViewOnly()
    {
        var stances = ReadCsv(await Client.GetStringAsync(new Uri("/api/export/stances.csv?actor=RUS", UriKind.Relative)));
        using var view = await Client.GetFromJsonAsync<JsonDocument>("/api/articles?actor=RUS");

        Assert.Equal(Ids(view!).ToHashSet(), stances.Select(r => r["article_id"]).ToHashSet());
        Assert.True(stances.Count > view!.RootElement.GetProperty("total").GetInt64(), "one row per article and actor");
        Assert.All(stances, r => Assert.Contains(r["stance_label"], StanceLabels));
    }

    [Fact]
    public async Task ArticlePage_WithXssPayloads_EncodesThem()
    {
        var html = await Client.GetStringAsync(new Uri($"/articles/{app.XssId}", UriKind.Relative));

        Assert.DoesNotContain("<script>document", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<img src=x", html, StringComparison.Ordinal);
        Assert.DoesNotContain("\"><script>alert(3)", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", html, StringComparison.Ordinal);
        var response = await Client.GetAsync(new Uri($"/articles/{app.XssId}", UriKind.Relative));
        Assert.Contains("script-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }

    internal static List<Dictionary<string, string>> ReadCsv(string text)
    {
        using var reader = CsvReader.FromText(text);
        var rows = new List<Dictionary<string, string>>();
        while (reader.Read())
        {
            var headers = reader.Headers.ToList();
            rows.Add(headers.Select((h, i) => (h, v: reader.GetString(i))).ToDictionary(p => p.h, p => p.v, StringComparer.Ordinal));
        }

        return rows;
    }

    private Task<HttpResponseMessage> PostCorrectionAsync(string id, object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/articles/{id}/corrections") { Content = JsonContent.Create(body) };
        request.Headers.Add("X-Requested-With", "threatscorer");
        return Client.SendAsync(request);
    }

    private static List<string> Ids(JsonDocument page) =>
        [.. page.RootElement.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("id").GetString()!)];
}
