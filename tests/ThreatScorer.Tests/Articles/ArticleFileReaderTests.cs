using System.Security.Cryptography;
using System.Text;
using ThreatScorer.Core.Articles;
using ThreatScorer.Core.Cleaning;
using ThreatScorer.Tests.TestSupport;

namespace ThreatScorer.Tests.Articles;

public sealed class ArticleFileReaderTests : IDisposable
{
    private readonly TempInbox _inbox = new();
    private readonly ArticleFileReader _reader = new();

    public void Dispose() => _inbox.Dispose();

    private ArticleReadResult ReadOne(string path)
    {
        var results = _reader.Read(path, ArticleLimits.Default);
        return Assert.Single(results);
    }

    private const string SizeZero = ArticleFileReader.SizeZeroReason;

    /// <summary>A hang guard, not a speed assertion: a read that blocks fails the test instead of hanging CI.</summary>
    private static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(1);

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    [Theory]
    [InlineData("a.txt", true)]
    [InlineData("a.MD", true)]
    [InlineData("dir/a.html", true)]
    [InlineData("a.htm", true)]
    [InlineData("a.json", true)]
    [InlineData("a.jsonl", true)]
    [InlineData("a.pdf", false)]
    [InlineData("README", false)]
    public void IsSupported_WhenExtension_SaysWhetherReaderUnderstandsIt(string path, bool expected) =>
        Assert.Equal(expected, ArticleFileReader.IsSupported(path));

    [Fact]
    public void Read_WhenPlainText_TakesFirstLineAsTitleAndHashesRawBytes()
    {
        var bytes = Encoding.UTF8.GetBytes("Taliban seize Kabul\n\nThe Taliban entered Kabul on Sunday.\n");
        var path = _inbox.Write("a.txt", bytes);

        var result = ReadOne(path);

        Assert.False(result.IsRejected);
        Assert.Equal("Taliban seize Kabul", result.Article!.Title);
        Assert.Equal("The Taliban entered Kabul on Sunday.", result.Article.Text);
        Assert.Equal(path, result.Article.SourcePath);
        Assert.Equal(Sha256(bytes), result.ContentHash);
    }

    [Fact]
    public void Read_WhenFirstLineIsAParagraph_HasNoTitle()
    {
        var path = _inbox.Write("a.txt", "KABUL, Aug 15 (Reuters) - The Taliban entered Kabul on Sunday.\n\nMore text.");
        var article = ReadOne(path).Article!;
        Assert.Null(article.Title);
        Assert.StartsWith("KABUL, Aug 15", article.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_WhenMarkdown_StripsHeadingMarksEmphasisAndLinks()
    {
        var path = _inbox.Write("a.md",
            "# Troops *cross* the border\n\nThe **army** said [in a statement](https://x.test/s) that 5 * 3 = 15 and snake_case_names stay.\n\n## Reaction\n\n> \"We will respond,\" said _the minister_.\n\n---\n\n![map](map.png)\n");

        var article = ReadOne(path).Article!;

        Assert.Equal("Troops cross the border", article.Title);
        Assert.Equal(
            "The army said in a statement that 5 * 3 = 15 and snake_case_names stay.\n\nReaction\n\n\"We will respond,\" said the minister.",
            article.Text);
    }

    [Fact]
    public void Read_WhenSiteChromeLines_DropsThemButKeepsShortContent()
    {
        var path = _inbox.Write("a.txt",
            "World News\nsitename\n• facebook\n• X\nShare on Facebook\nFollow us on…\n\nFighting erupts in Sudan\n\n"
            + "Photo: Reuters\nFighting erupted in Khartoum.\nRead more: Sudan crisis explained\nAdvertisement\n\n"
            + "He refused.\n\nKhartoum, April 15\n\nFile photo of a soldier in Khartoum.\n\nThe army denied it (Photo: AFP)\n\n"
            + "Also read - Sudan talks fail\n\nThe army said the RSF attacked first.\n");

        var article = ReadOne(path).Article!;

        Assert.Equal("Fighting erupts in Sudan", article.Title);
        Assert.Equal(
            "Fighting erupted in Khartoum.\n\nHe refused.\n\nKhartoum, April 15\n\nThe army said the RSF attacked first.",
            article.Text);
    }

    [Fact]
    public void Read_WhenHtml_ExtractsMainTextAndMetadataAndDropsScriptsNavAndStyles()
    {
        const string Html = """
            <!DOCTYPE html>
            <html lang="en-GB">
            <head>
              <title>Ignored title | Daily Planet</title>
              <meta property="og:title" content="Drone strike hits depot | Daily Planet">
              <meta property="og:site_name" content="Daily Planet">
              <meta property="article:published_time" content="2024-05-01T10:30:00+02:00">
              <link rel="canonical" href="https://planet.test/news/drone-strike">
              <style>body { color: red; } .secret { display: none }</style>
              <script>var secret = "STOLEN"; document.write('<p>injected</p>');</script>
            </head>
            <body>
              <header><nav><a href="/">Home</a> <a href="/world">World</a></nav></header>
              <aside>Trending: celebrity gossip</aside>
              <article>
                <h1>Drone strike hits depot</h1>
                <p>A drone <b>struck</b> a fuel depot<br>on Tuesday, officials said.</p>
                <figure><img src="x.jpg" onerror="alert(1)"><figcaption>Smoke rises over the depot</figcaption></figure>
                <p>Residents wrote &lt;script&gt;alert(1)&lt;/script&gt; on a wall.</p>
                <div>Also Read: Other strikes this week</div>
                <ul><li>First item</li><li>Second item</li></ul>
                <form><input value="search"><button>Go</button></form>
                <iframe src="https://ads.test"></iframe>
                <noscript>Enable JavaScript</noscript>
              </article>
              <footer>Copyright Daily Planet</footer>
              <script>alert("tail")</script>
            </body>
            </html>
            """;
        var path = _inbox.Write("a.html", Html);

        var article = ReadOne(path).Article!;

        Assert.Equal("Drone strike hits depot", article.Title);
        Assert.Equal("https://planet.test/news/drone-strike", article.Url);
        Assert.Equal("Daily Planet", article.Source);
        Assert.Equal("en-GB", article.Language);
        Assert.Equal(new DateTimeOffset(2024, 5, 1, 10, 30, 0, TimeSpan.FromHours(2)), article.PublishedAt);
        Assert.Equal(
            "Drone strike hits depot\n\nA drone struck a fuel depot\non Tuesday, officials said.\n\n"
            + "Residents wrote <script>alert(1)</script> on a wall.\n\nFirst item\n\nSecond item",
            article.Text);
        foreach (var gone in (string[])["STOLEN", "injected", "color", "Home", "Trending", "Smoke", "Enable", "Copyright", "tail", "Go"])
        {
            Assert.DoesNotContain(gone, article.Text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Read_WhenHtmlWithoutArticle_UsesBodyAndTitleElement()
    {
        var path = _inbox.Write("b.htm",
            "<html><head><title>Plain page</title></head><body><div>First para.</div><div>Second para.</div></body></html>");

        var article = ReadOne(path).Article!;

        Assert.Equal("Plain page", article.Title);
        Assert.Equal("First para.\n\nSecond para.", article.Text);
        Assert.Null(article.Url);
    }

    [Fact]
    public void Read_WhenHtmlHasOnlyBoilerplate_Rejects()
    {
        var path = _inbox.Write("c.html", "<html><body><nav>Menu</nav><script>x()</script></body></html>");
        var result = ReadOne(path);
        Assert.True(result.IsRejected);
        Assert.Contains("no article text", result.RejectionReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_WhenHtmlNestedVeryDeep_DoesNotOverflowTheStack()
    {
        var html = string.Concat(Enumerable.Repeat("<div>", 20_000)) + "Deep text." + string.Concat(Enumerable.Repeat("</div>", 20_000));
        var result = ReadOne(_inbox.Write("deep.html", html));
        Assert.False(result.IsRejected, result.RejectionReason);
        Assert.Equal("Deep text.", result.Article!.Text);
    }

    [Fact]
    public void Read_WhenJsonObject_MapsEveryField()
    {
        var path = _inbox.Write("a.json", """
            {"id": 42, "title": "Strike", "body": "Missiles hit the port.", "url": "https://n.test/a",
             "source": "Wire", "published_at": "2024-02-03T04:05:06Z", "language": "en", "extra": [1, 2]}
            """);

        var article = ReadOne(path).Article!;

        Assert.Equal("42", article.ExternalId);
        Assert.Equal("Strike", article.Title);
        Assert.Equal("Missiles hit the port.", article.Text);
        Assert.Equal("https://n.test/a", article.Url);
        Assert.Equal("Wire", article.Source);
        Assert.Equal(new DateTimeOffset(2024, 2, 3, 4, 5, 6, TimeSpan.Zero), article.PublishedAt);
        Assert.Equal("en", article.Language);
        Assert.Null(article.SourceLine);
    }

    [Fact]
    public void Read_WhenJsonIsAnArray_RejectsNamingTheKind()
    {
        var result = ReadOne(_inbox.Write("a.json", "[{\"text\": \"x\"}]"));
        Assert.Equal("expected a JSON object, found array", result.RejectionReason);
    }

    [Fact]
    public void Read_WhenJsonl_AcceptsGoodLinesAndRejectsBadOnesWithFileLineAndField()
    {
        var lines = new[]
        {
            """{"id": "a", "text": "Good one.", "published": "2025-02-10 12:05:00-05:00"}""",
            "",
            """{"id": "b", "text": "Bad date.", "published_at": "yesterday"}""",
            """{"id": "c", "title": "No text"}""",
            """{"id": "d", "text": 12}""",
            """{"id": "e", "text": "Bad url.", "url": "not a url"}""",
            """{"id": "f", "text": "Truncated""",
            "   ",
            """{"id": "g", "content": "Good two.", "language": "en"}""",
        };
        var path = _inbox.Write("a.jsonl", string.Join("\r\n", lines) + "\r\n");

        var results = _reader.Read(path, ArticleLimits.Default);

        Assert.Equal([1, 3, 4, 5, 6, 7, 9], results.Select(r => r.SourceLine!.Value));
        Assert.Equal(["a", "g"], results.Where(r => !r.IsRejected).Select(r => r.Article!.ExternalId));
        Assert.Equal(new DateTimeOffset(2025, 2, 10, 12, 5, 0, TimeSpan.FromHours(-5)), results[0].Article!.PublishedAt);
        Assert.Equal(9, results[^1].Article!.SourceLine);
        Assert.Equal($"{path}:3: field \"published_at\": not an ISO-8601 date (\"yesterday\")", results[1].RejectionMessage);
        Assert.Equal($"{path}:4: no text: one of \"text\", \"body\" or \"content\" is required", results[2].RejectionMessage);
        Assert.Equal("field \"text\": expected a string, found number", results[3].RejectionReason);
        Assert.Equal("field \"url\": not an absolute http(s) URL (\"not a url\")", results[4].RejectionReason);
        Assert.Contains("LineNumber: 0", results[5].RejectionReason, StringComparison.Ordinal);
        Assert.Equal(Sha256(Encoding.UTF8.GetBytes(lines[0])), results[0].ContentHash);
        Assert.Equal(7, results.Select(r => r.ContentHash).Distinct().Count());
    }

    [Fact]
    public void Read_WhenJsonlLineOverLimit_RejectsOnlyThatLine()
    {
        var big = $$"""{"text": "{{new string('x', 5_000)}}"}""";
        var path = _inbox.Write("big.jsonl", "{\"text\": \"small\"}\n" + big + "\n{\"text\": \"small two\"}");

        var results = _reader.Read(path, new ArticleLimits { MaxArticleBytes = 1_000 });

        Assert.Equal(3, results.Count);
        Assert.False(results[0].IsRejected);
        Assert.Equal(2, results[1].SourceLine);
        Assert.StartsWith("line is 5,012 bytes, over the limit of 1,000", results[1].RejectionReason, StringComparison.Ordinal);
        Assert.Equal(Sha256(Encoding.UTF8.GetBytes(big)), results[1].ContentHash);
        Assert.Equal("small two", results[2].Article!.Text);
    }

    [Fact]
    public void Read_WhenJsonlLineHasInvalidUtf8_RejectsThatLineWithOffset()
    {
        byte[] bytes = [.. "{\"text\": \"ok\"}\n{\"text\": \"bad "u8.ToArray(), 0xC3, 0x28, .. "\"}"u8.ToArray()];

        var results = _reader.Read(_inbox.Write("u.jsonl", bytes), ArticleLimits.Default);

        Assert.False(results[0].IsRejected);
        Assert.Equal("invalid UTF-8 at byte offset 14 of the line", results[1].RejectionReason);
    }

    [Fact]
    public void Read_WhenJsonlFromStdinStream_ReportsDisplayName()
    {
        using var stream = new MemoryStream("{\"text\": \"From stdin.\"}\n{\"bad\": true}\n"u8.ToArray());

        var results = _reader.Read(stream, "-", "jsonl", ArticleLimits.Default);

        Assert.Equal("From stdin.", results[0].Article!.Text);
        Assert.Equal("-", results[0].Article!.SourcePath);
        Assert.Equal("-:2", results[1].Location);
    }

    [Fact]
    public void Read_WhenTextFromNonSeekableStreamOverLimit_RejectsWithoutBuffering()
    {
        // Its length is unknown, and only the first byte over the limit is read to know it is over (issue 13).
        using var stream = new NonSeekableStream(new byte[5_000]);
        var result = Assert.Single(_reader.Read(stream, "-", ".txt", new ArticleLimits { MaxArticleBytes = 100 }));
        Assert.Equal("file is over the limit of 100 bytes (MaxArticleBytes); not read further", result.RejectionReason);
        Assert.Equal(101, stream.Position);
    }

    [Theory]
    [InlineData("a.txt")]
    [InlineData("a.json")]
    [InlineData("a.jsonl")]
    public void Read_WhenFileIsEmpty_RejectsAsSizeZero(string name)
    {
        var result = ReadOne(_inbox.Write(name, []));
        Assert.Equal(SizeZero, result.RejectionReason);
        Assert.Equal(Sha256([]), result.ContentHash);
    }

    [Theory]
    [InlineData("a.txt", "file holds only whitespace")]
    [InlineData("a.html", "file holds only whitespace")]
    [InlineData("a.jsonl", "file holds only blank lines")]
    public void Read_WhenFileIsWhitespaceOnly_Rejects(string name, string reason)
    {
        var result = ReadOne(_inbox.Write(name, " \n\t\r\n  \n"));
        Assert.Equal(reason, result.RejectionReason);
    }

    [Fact]
    public void Read_WhenTextHasOnlyChrome_Rejects()
    {
        var result = ReadOne(_inbox.Write("a.txt", "English News\n• youtube\nAdvertisement\n"));
        Assert.StartsWith("no article text", result.RejectionReason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a.txt")]
    [InlineData("a.jsonl")]
    public void Read_WhenBinaryWithNulBytes_RejectsAsBinary(string name)
    {
        byte[] png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52];
        var result = ReadOne(_inbox.Write(name, png));
        Assert.StartsWith("binary content", result.RejectionReason, StringComparison.Ordinal);
        Assert.Null(result.SourceLine);
    }

    [Fact]
    public void Read_WhenManyControlCharacters_RejectsAsBinary()
    {
        var bytes = Enumerable.Range(0, 200).Select(k => (byte)(k % 3 == 0 ? 0x01 : 'a')).ToArray();
        var result = ReadOne(_inbox.Write("a.txt", bytes));
        Assert.Equal("binary content: 34% control characters", result.RejectionReason);
    }

    [Fact]
    public void Read_WhenInvalidUtf8_RejectsNamingByteOffset()
    {
        byte[] bytes = [.. "Caf"u8.ToArray(), 0xE9, .. " au lait."u8.ToArray()];
        var result = ReadOne(_inbox.Write("a.txt", bytes));
        Assert.Equal("invalid UTF-8 at byte offset 3 of the file", result.RejectionReason);
    }

    [Fact]
    public void Read_WhenFileOverLimit_RejectsWithSizeAndHash()
    {
        var bytes = Encoding.UTF8.GetBytes(new string('a', 2_048));
        var path = _inbox.Write("big.txt", bytes);

        var result = Assert.Single(_reader.Read(path, new ArticleLimits { MaxArticleBytes = 1_024 }));

        Assert.Equal("file is 2,048 bytes, over the limit of 1,024 (MaxArticleBytes)", result.RejectionReason);
        // The hash covers what is read (the limit and one byte) and the size: stable, and another size differs.
        Assert.Equal(result.ContentHash, Assert.Single(_reader.Read(path, new ArticleLimits { MaxArticleBytes = 1_024 })).ContentHash);
        var longer = _inbox.Write("longer.txt", Encoding.UTF8.GetBytes(new string('a', 2_049)));
        Assert.NotEqual(result.ContentHash, Assert.Single(_reader.Read(longer, new ArticleLimits { MaxArticleBytes = 1_024 })).ContentHash);
    }

    [Fact]
    public void Read_WhenUtf8Bom_AcceptsAndDropsIt()
    {
        byte[] bytes = [0xEF, 0xBB, 0xBF, .. "Headline\n\nBody text."u8.ToArray()];
        var article = ReadOne(_inbox.Write("a.txt", bytes)).Article!;
        Assert.Equal("Headline", article.Title);
        Assert.Equal("Body text.", article.Text);
    }

    [Fact]
    public void Read_WhenJsonlHasUtf8Bom_ParsesFirstLine()
    {
        byte[] bytes = [0xEF, 0xBB, 0xBF, .. "{\"text\": \"x\"}\n"u8.ToArray()];
        Assert.False(ReadOne(_inbox.Write("a.jsonl", bytes)).IsRejected);
    }

    [Fact]
    public void Read_WhenUtf16WithBom_Decodes()
    {
        var bytes = Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("Headline\n\nBody text.")).ToArray();
        var article = ReadOne(_inbox.Write("a.txt", bytes)).Article!;
        Assert.Equal("Body text.", article.Text);
    }

    [Fact]
    public void Read_WhenFileMissing_RejectsAsUnreadable()
    {
        var result = ReadOne(Path.Combine(_inbox.Directory, "missing.txt"));
        Assert.StartsWith("unreadable: ", result.RejectionReason, StringComparison.Ordinal);
        Assert.Contains("missing.txt", result.RejectionReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_WhenUnsupportedExtension_RejectsNamingIt()
    {
        var result = ReadOne(_inbox.Write("a.pdf", "%PDF-1.4"));
        Assert.Equal("unsupported file type \".pdf\"", result.RejectionReason);
    }

    [Fact]
    public async Task Read_WhenPathIsANamedPipe_RejectsAsSizeZeroWithoutOpeningIt()
    {
        // Opening a FIFO for reading blocks until a writer comes; before the fix this read never returned.
        var path = Path.Combine(_inbox.Directory, "pipe.txt");
        Fifo.Make(path);

        var result = await Task.Run(() => ReadOne(path)).WaitAsync(HangGuard);
        Assert.Equal(SizeZero, result.RejectionReason);
    }

    [Fact]
    public async Task Read_WhenLinkToEndlessDevice_RefusesTheLinkWithoutReadingIt()
    {
        var path = Path.Combine(_inbox.Directory, "zero.txt");
        File.CreateSymbolicLink(path, "/dev/zero");

        var result = await Task.Run(() => ReadOne(path)).WaitAsync(HangGuard);
        Assert.StartsWith("symbolic link to /dev/zero: not followed", result.RejectionReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_WhenBrokenSymbolicLink_RejectsNamingTheMissingTarget()
    {
        var path = Path.Combine(_inbox.Directory, "broken.txt");
        File.CreateSymbolicLink(path, "/nowhere/article.txt");
        Assert.Equal("unreadable: broken symbolic link to /nowhere/article.txt", ReadOne(path).RejectionReason);
    }

    [Theory]
    [InlineData("bomb.txt", new byte[] { 0x1F, 0x8B, 0x08, 0x00, 0x41, 0x42 }, "a gzip archive")]
    [InlineData("archive.json", new byte[] { 0x50, 0x4B, 0x03, 0x04, 0x14, 0x00 }, "a zip archive")]
    [InlineData("image.txt", new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00 }, "a PNG image")]
    [InlineData("paper.md", new byte[] { 0x25, 0x50, 0x44, 0x46, 0x2D, 0x31, 0x2E, 0x37, 0x0A }, "a PDF document")]
    [InlineData("feed.jsonl", new byte[] { 0x1F, 0x8B, 0x08, 0x00, 0x0A, 0x42 }, "a gzip archive")]
    public void Read_WhenBinaryFormatUnderTextExtension_RejectsNamingTheFormat(string name, byte[] bytes, string format)
    {
        var result = ReadOne(_inbox.Write(name, bytes));
        Assert.Equal($"binary content: {format}, not text", result.RejectionReason);
    }

    [Fact]
    public void Read_WhenUtf16WithoutBom_SaysSoInsteadOfBinary()
    {
        var result = ReadOne(_inbox.Write("a.txt", Encoding.Unicode.GetBytes("Headline\n\nTroops crossed the border.")));
        Assert.Equal("UTF-16 text without a byte-order mark is not supported; save it as UTF-8", result.RejectionReason);
    }

    [Theory]
    [InlineData("a.txt", "!!! ??? ... ,,,\n\n--- ***")]
    [InlineData("a.txt", "12 345\n\n3.14 42")]
    [InlineData("a.json", "{\"text\": \"42 17 -- 3.5\"}")]
    [InlineData("a.jsonl", "{\"text\": \"Troops crossed the border.\"}\n{\"text\": \"42 17 -- 3.5\"}\n")]
    [InlineData("a.html", "<html><body><article><p>42 17 -- 3.5</p><p>!!! ???</p></article></body></html>")]
    public void Read_WhenNoLetters_ReadsIt_AndTheLanguageCheckRejectsItInEveryFormat(string name, string content)
    {
        // The rule lives in one place, after cleaning, for every format (feed pages included); the scorer stores
        // the reason on the article's row, which names its file and line.
        var article = _reader.Read(_inbox.Write(name, content), ArticleLimits.Default)[^1].Article;
        Assert.NotNull(article);
        var cleaned = new TextCleaner().Clean(article);
        Assert.NotEmpty(cleaned.Sentences);
        Assert.Equal("no words: the text holds no letters", LanguageCheck.WhyNotEnglish(cleaned.Text, article.Language));
    }

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xFE, 0x00, 0x00, 0x7B, 0x00, 0x00, 0x00, 0x7D, 0x00, 0x00, 0x00 }, "UTF-32 text is not supported; save it as UTF-8")]
    [InlineData(new byte[] { 0xFF, 0xFE, 0x7B, 0x00, 0x7D, 0x00 }, "UTF-16 text is not supported in JSONL; save it as UTF-8")]
    [InlineData(new byte[] { 0x7B, 0x00, 0x22, 0x00, 0x74, 0x00, 0x22, 0x00, 0x3A, 0x00, 0x31, 0x00, 0x7D, 0x00, 0x0A, 0x00 }, "UTF-16 text without a byte-order mark is not supported; save it as UTF-8")]
    public void Read_WhenJsonlIsNotUtf8_RejectsTheFileNamingTheEncodingAsWholeFilesDo(byte[] bytes, string reason)
    {
        Assert.Equal(reason, ReadOne(_inbox.Write("a.jsonl", bytes)).RejectionReason);
        if (!reason.StartsWith("UTF-16 text is not supported in JSONL", StringComparison.Ordinal))
        {
            Assert.Equal(reason, ReadOne(_inbox.Write("a.txt", bytes)).RejectionReason);
        }
    }

    [Fact]
    public void Read_WhenJsonStringHasLoneSurrogateEscape_RejectsNamingTheField()
    {
        // Valid JSON syntax, but GetString throws InvalidOperationException: before the fix it escaped the reader.
        var result = ReadOne(_inbox.Write("a.json", "{\"title\": \"Clash \\ud800\", \"text\": \"Troops fired.\"}"));
        Assert.StartsWith("field \"title\": not valid text", result.RejectionReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_WhenJsonlLineHasLoneSurrogateEscape_RejectsOnlyThatLine()
    {
        var results = _reader.Read(
            _inbox.Write("a.jsonl", "{\"text\": \"Troops fired \\udc00 at dawn.\"}\n{\"text\": \"Talks resumed.\"}\n"),
            ArticleLimits.Default);
        Assert.Equal(2, results.Count);
        Assert.StartsWith("field \"text\": not valid text", results[0].RejectionReason, StringComparison.Ordinal);
        Assert.False(results[1].IsRejected);
    }

    [Fact]
    public void Read_WhenJsonMalformed_SaysInvalidJson()
    {
        var result = ReadOne(_inbox.Write("a.json", "{\"text\": \"Troops fired.\""));
        Assert.StartsWith("invalid JSON: ", result.RejectionReason, StringComparison.Ordinal);
    }

    private sealed class NonSeekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();
    }
}
