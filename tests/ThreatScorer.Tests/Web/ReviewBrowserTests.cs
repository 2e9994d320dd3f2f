using Microsoft.Playwright;

namespace ThreatScorer.Tests.Web;

/// <summary>
/// A fact that drives Debian's Chromium; skipped with a message when /usr/bin/chromium is absent
/// (<c>scripts/test.sh</c> installs it when run as root).
/// </summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public const string Executable = "/usr/bin/chromium";

    public ChromiumFactAttribute()
    {
        if (!File.Exists(Executable))
        {
            Skip = $"needs Chromium at {Executable} (apt-get install -y chromium); skipped.";
        }
    }
}

/// <summary>The analyst's path through the UI in a real browser: filter, open, see evidence, export, correct, stay safe.</summary>
[Collection(ReviewAppGroup.Name)]
public sealed class ReviewBrowserTests(ReviewAppFixture app) : IAsyncLifetime
{
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;
    private IPage _page = null!;
    private readonly List<string> _dialogs = [];

    public async Task InitializeAsync()
    {
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumFactAttribute.Executable,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
        });
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = app.BaseAddress.ToString(),
            AcceptDownloads = true,
            ViewportSize = new ViewportSize { Width = 1280, Height = 1000 },
        });
        _page = await context.NewPageAsync();
        _page.Dialog += async (_, dialog) =>
        {
            _dialogs.Add(dialog.Message);
            await dialog.DismissAsync();
        };
        Directory.CreateDirectory(app.ScreenshotFolder);
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }

    [ChromiumFact]
    public async Task Analyst_FiltersOpensArticleAndSeesHighlightedEvidence()
    {
        await _page.GotoAsync("/");
        await _page.FillAsync("input[name=actor]", "RUS");
        await _page.SelectOptionAsync("select[name=stance]", "neutral");
        await _page.ClickAsync("#apply");
        await _page.WaitForURLAsync("**/?*actor=RUS*");

        var titles = await _page.Locator("#results a.title").AllInnerTextsAsync();
        Assert.Contains(titles, t => t.StartsWith("Russia vows to shield Tajikistan", StringComparison.Ordinal));
        await _page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(app.ScreenshotFolder, "list-filtered.png"), FullPage = true });

        await _page.ClickAsync("#results a.title >> text=Russia vows to shield Tajikistan");
        await _page.WaitForSelectorAsync("#article-text");
        Assert.True(await _page.Locator("#article-text mark.ev-threat").CountAsync() > 0, "threat evidence is highlighted");
        Assert.True(await _page.Locator("#article-text mark.ev-negative").CountAsync() > 0, "negative stance evidence (Taliban) is highlighted");
        Assert.True(await _page.Locator("#article-text mark.mention").CountAsync() > 0, "actor mentions are marked");
        Assert.Contains("stance-", await _page.InnerTextAsync("dl.meta"), StringComparison.Ordinal);
        await _page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(app.ScreenshotFolder, "article.png"), FullPage = true });
    }

    [ChromiumFact]
    public async Task Analyst_ExportsFilteredViewAsCsv_WithEveryRowOfTheView()
    {
        await _page.GotoAsync("/?sort=threat&min=0.3");
        var total = int.Parse(await _page.InnerTextAsync("#total"), System.Globalization.CultureInfo.InvariantCulture);

        var download = await _page.RunAndWaitForDownloadAsync(() => _page.ClickAsync("#export-articles-csv"));
        var path = Path.Combine(app.ScreenshotFolder, "export.csv");
        await download.SaveAsAsync(path);

        var rows = ReviewApiTests.ReadCsv(await File.ReadAllTextAsync(path));
        Assert.Equal(total, rows.Count);
        Assert.All(rows, r => Assert.True(double.Parse(r["threat_score"], System.Globalization.CultureInfo.InvariantCulture) >= 0.3));
        Assert.All(rows, r => Assert.True(r.ContainsKey("url") && r.ContainsKey("source") && r.ContainsKey("language")));
    }

    [ChromiumFact]
    public async Task Analyst_SubmitsCorrection_AndSeesItShownAsCorrected()
    {
        await _page.GotoAsync($"/articles/{app.SeedId}");
        await _page.FillAsync("#analyst", "Browser Analyst");
        await _page.DispatchEventAsync("#analyst", "change");
        await _page.SelectOptionAsync("#correct-level select[name=value]", "high");
        await _page.FillAsync("#correct-level input[name=comment]", "armed incursion reported");
        await _page.ClickAsync("#correct-level button");
        await _page.WaitForSelectorAsync("#corrected-level"); // the page reloads once the correction is stored

        var corrected = await _page.InnerTextAsync("#corrected-level");
        Assert.Contains("high", corrected, StringComparison.Ordinal);
        Assert.Contains("Browser Analyst", corrected, StringComparison.Ordinal);
        Assert.Contains("armed incursion reported", await _page.InnerTextAsync("#corrections"), StringComparison.Ordinal);

        await _page.GotoAsync("/?actor=RUS");
        Assert.Contains("corrected", await _page.InnerTextAsync($"#results tr[data-id='{app.SeedId}']"), StringComparison.Ordinal);
        Assert.Empty(_dialogs);
    }

    [ChromiumFact]
    public async Task XssPayloadsInArticle_RenderAsInertText()
    {
        await _page.GotoAsync("/?q=Taliban");
        await _page.GotoAsync($"/articles/{app.XssId}");
        await _page.WaitForSelectorAsync("#article-text");

        Assert.Equal(ReviewAppFixture.XssTitle, await _page.InnerTextAsync("#article-title"));
        Assert.Contains("<script>alert('xss')</script>", await _page.InnerTextAsync("#article-text"), StringComparison.Ordinal);
        Assert.NotEqual("pwned", await _page.TitleAsync());
        Assert.Null(await _page.EvaluateAsync<string?>("() => document.body.dataset.xss ?? null"));
        Assert.Equal(0, await _page.Locator("main img").CountAsync());
        Assert.Equal(0, await _page.Locator("main script").CountAsync());
        Assert.Empty(_dialogs);
        await _page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(app.ScreenshotFolder, "xss-article.png"), FullPage = true });
    }

    [ChromiumFact]
    public async Task ActorPage_ShowsTimelineChartAndCoActors()
    {
        await _page.GotoAsync("/actors/GRP.TALIBAN?bucket=week");

        Assert.True(await _page.Locator("#chart rect").CountAsync() > 0);
        Assert.True(await _page.Locator("#co-actors li").CountAsync() > 0);
        Assert.True(await _page.Locator("#recent li").CountAsync() > 0);
        await _page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(app.ScreenshotFolder, "actor.png"), FullPage = true });
    }
}
