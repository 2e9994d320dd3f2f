using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ThreatScorer.Tests.Feeds;

/// <summary>
/// Kestrel on 127.0.0.1 (ephemeral port) serving fixture feeds and article pages written for the tests: RSS with
/// an ETag, Atom with Last-Modified, a slow page, a huge chunked page, a feed answering 500 and malformed XML.
/// Counts requests per path so tests can say what was (not) fetched.
/// </summary>
public sealed class FeedTestServer : IAsyncLifetime
{
    public const string RssETag = "\"rss-v1\"";
    public const string AtomLastModified = "Mon, 23 Nov 2026 09:00:00 GMT";
    public const int HugePageBytes = 2_000_000;

    private readonly ConcurrentDictionary<string, int> _requests = new(StringComparer.Ordinal);
    private WebApplication? _app;

    public Uri BaseAddress { get; private set; } = null!;

    public string Url(string path) => new Uri(BaseAddress, path).ToString();

    public int RequestCount(string path) => _requests.GetValueOrDefault(path);

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.Use(async (context, next) =>
        {
            _requests.AddOrUpdate(context.Request.Path.Value ?? "/", 1, (_, n) => n + 1);
            await next(context);
        });

        _app.MapGet("/rss.xml", (HttpContext context) =>
        {
            if (context.Request.Headers.IfNoneMatch == RssETag)
            {
                return Results.StatusCode(StatusCodes.Status304NotModified);
            }

            context.Response.Headers.ETag = RssETag;
            return Xml(Rss("Test wire", ("Border tension rises", "/articles/one.html", "Mon, 23 Nov 2026 08:00:00 GMT"),
                ("Harbour reopens after storm", "/articles/two.html", "Sun, 22 Nov 2026 18:30:00 GMT")));
        });
        _app.MapGet("/atom.xml", (HttpContext context) =>
        {
            if (context.Request.Headers.IfModifiedSince == AtomLastModified)
            {
                return Results.StatusCode(StatusCodes.Status304NotModified);
            }

            context.Response.Headers.LastModified = AtomLastModified;
            return Xml($"""
                <?xml version="1.0" encoding="utf-8"?>
                <feed xmlns="http://www.w3.org/2005/Atom">
                  <title>Test atom</title>
                  <id>urn:test:atom</id>
                  <updated>2026-11-23T09:00:00Z</updated>
                  <entry>
                    <title>Ministers meet on water treaty</title>
                    <id>urn:test:atom:3</id>
                    <link rel="alternate" href="{Url("/articles/three.html")}"/>
                    <updated>2026-11-23T07:15:00Z</updated>
                    <published>2026-11-23T07:15:00Z</published>
                  </entry>
                </feed>
                """);
        });
        _app.MapGet("/mixed.xml", () => Xml(Rss("Mixed", ("Slow page", "/slow.html", "Mon, 23 Nov 2026 08:00:00 GMT"),
            ("Huge page", "/huge.html", "Mon, 23 Nov 2026 08:01:00 GMT"),
            ("Quiet day at the port", "/articles/four.html", "Mon, 23 Nov 2026 08:02:00 GMT"))));
        _app.MapGet("/offsite.xml", () => Xml(Rss("Offsite",
            ("Elsewhere", BaseAddress.ToString().Replace("127.0.0.1", "localhost", StringComparison.Ordinal) + "articles/five.html", "Mon, 23 Nov 2026 08:00:00 GMT"),
            ("Here", "/articles/six.html", "Mon, 23 Nov 2026 08:03:00 GMT"))));
        _app.MapGet("/broken.xml", () => Results.StatusCode(StatusCodes.Status500InternalServerError));
        _app.MapGet("/malformed.xml", () => Xml("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Bad</title><item><title>Unclosed</item></channel>"));

        _app.MapGet("/articles/{name}", (string name) => Results.Content(Page(name), "text/html; charset=utf-8"));
        _app.MapGet("/slow.html", async (HttpContext context) =>
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            await context.Response.WriteAsync(Page("slow"), context.RequestAborted);
        });
        _app.MapGet("/huge.html", async (HttpContext context) =>
        {
            // Chunked, no Content-Length: the reader has to stop at the limit by itself.
            context.Response.ContentType = "text/html; charset=utf-8";
            var chunk = Encoding.UTF8.GetBytes("<p>" + new string('x', 9_993) + "</p>\n");
            try
            {
                for (var written = 0; written < HugePageBytes; written += chunk.Length)
                {
                    await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException)
            {
                // The client stopped reading at its limit.
            }
        });

        await _app.StartAsync();
        BaseAddress = new Uri(_app.Urls.Single(u => u.StartsWith("http://127.0.0.1:", StringComparison.Ordinal)) + "/");
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    /// <summary>The unique sentence every fixture page carries in its main text.</summary>
    public static string Marker(string name) => $"The {name} report was filed by our correspondent.";

    private static IResult Xml(string xml) => Results.Content(xml, "application/xml; charset=utf-8");

    private string Rss(string title, params (string Title, string Link, string Published)[] items)
    {
        var body = new StringBuilder();
        foreach (var (itemTitle, link, published) in items)
        {
            var href = link.StartsWith('/') ? Url(link) : link;
            body.Append(CultureInfo.InvariantCulture, $"<item><title>{itemTitle}</title><link>{href}</link><guid>{href}</guid><pubDate>{published}</pubDate></item>\n");
        }

        return $"""
            <?xml version="1.0" encoding="utf-8"?>
            <rss version="2.0"><channel><title>{title}</title><link>{BaseAddress}</link><description>fixture</description>
            {body}</channel></rss>
            """;
    }

    private static string Page(string name)
    {
        var paragraph = "Officials in the capital said talks would continue next week, and that both delegations had agreed to keep "
            + "the channels of communication open while experts examine the technical questions that remain unresolved.";
        return $"""
            <!DOCTYPE html>
            <html lang="en"><head><title>{name} | Test wire</title><script>var tracking = "do not extract";</script></head>
            <body>
              <nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
              <article>
                <h1>Article {name}</h1>
                <p>{Marker(name)} {paragraph}</p>
                <p>{paragraph} Analysts expect a statement on Friday.</p>
                <p>{paragraph} Residents said life in the city was going on as normal.</p>
              </article>
              <footer>Copyright Test wire. Subscribe to our newsletter.</footer>
            </body></html>
            """;
    }
}
