using System.IO.Compression;
using System.Text;
using ThreatScorer.Tests.TestSupport;

namespace ThreatScorer.Tests.Reliability;

/// <summary>What the proof expects the pipeline to do with one input.</summary>
internal enum Expected
{
    /// <summary>Stored as rejected with a reason.</summary>
    Rejected,

    /// <summary>Stored and scored.</summary>
    Scored,

    /// <summary>Either, as long as it is recorded (rejected ones with a reason): the product decides.</summary>
    Recorded,

    /// <summary>An exact copy of an article already stored: not stored again, logged as a duplicate.</summary>
    Duplicate,

    /// <summary>Not a file (a directory named like an article): not listed, nothing recorded.</summary>
    NotListed,
}

/// <summary>
/// One kind of input: the file (and JSONL line) it is in, what must happen to it, and text the recorded reason
/// must contain (the field at fault, for example).
/// </summary>
internal sealed record InputKind(string Kind, string Path, int? Line, Expected Expected, string? ReasonMustContain = null)
{
    public string Location => Line is { } line ? $"{System.IO.Path.GetFileName(Path)}:{line}" : System.IO.Path.GetFileName(Path);
}

/// <summary>
/// Writes the bad-input corpus of the reliability proof into an inbox at test time (the 50 MB file and the
/// compression bomb never go into git), interleaved with good articles so a bad one cannot hide behind order.
/// </summary>
internal static class BadInputCorpus
{
    public const int GoodArticles = 20;

    private static readonly UTF8Encoding Utf8 = new(false);

    /// <summary>Writes every input into <paramref name="inbox"/>; returns the bad kinds and the good articles.</summary>
    public static (IReadOnlyList<InputKind> Bad, IReadOnlyList<InputKind> Good) Write(string inbox)
    {
        var seed = File.ReadAllText(RepoPaths.SeedArticle);
        string Variant(string tag) => seed + $"\n\nDispatch {tag} filed by the wire desk.\n";

        var writers = BadWriters(seed, Variant);
        var bad = new List<InputKind>();
        var good = new List<InputKind>();
        var n = 0;
        void WriteGood()
        {
            var path = System.IO.Path.Combine(inbox, $"{n++:D3}-good-{good.Count:D2}.txt");
            File.WriteAllText(path, Variant($"good-{good.Count}"), Utf8);
            good.Add(new InputKind($"good article {good.Count}", path, null, Expected.Scored));
        }

        for (var i = 0; i < writers.Count; i++)
        {
            // Every other file or so is a good article, so bad ones sit between good ones in read order.
            if (i % 2 == 0 && good.Count < GoodArticles)
            {
                WriteGood();
            }

            bad.AddRange(writers[i](inbox, $"{n++:D3}-"));
        }

        while (good.Count < GoodArticles)
        {
            WriteGood();
        }

        return (bad, good);
    }

    private delegate IEnumerable<InputKind> KindWriter(string inbox, string prefix);

    private static List<KindWriter> BadWriters(string seed, Func<string, string> variant)
    {
        var seedBytes = Utf8.GetBytes(variant("bytes"));
        return
        [
            One("empty file", "empty.txt", Expected.Rejected, [], "size 0"),
            One("whitespace only", "whitespace.txt", Expected.Rejected, " \n\t\r\n   \n\u00A0\n"),
            One("UTF-8 BOM only", "bom-only.txt", Expected.Rejected, [0xEF, 0xBB, 0xBF]),
            One("binary (random bytes)", "random.txt", Expected.Rejected, RandomBytes(64 * 1024)),
            One("invalid UTF-8", "invalid-utf8.txt", Expected.Rejected,
                [.. seedBytes.AsSpan(0, 300), 0xC3, 0x28, 0xFF, .. seedBytes.AsSpan(300)]),
            One("UTF-16 LE with BOM", "utf16-bom.txt", Expected.Scored,
                [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(variant("utf16"))]),
            One("UTF-16 LE without BOM", "utf16-no-bom.txt", Expected.Rejected, Encoding.Unicode.GetBytes(variant("utf16-nobom"))),
            One("UTF-32 with BOM", "utf32.txt", Expected.Rejected,
                [.. Encoding.UTF32.GetPreamble(), .. Encoding.UTF32.GetBytes(variant("utf32"))]),
            One("mojibake (UTF-8 read as Latin-1 twice)", "mojibake.txt", Expected.Recorded, Mojibake(variant("mojibake"))),
            One("NUL bytes inside text", "nul-inside.txt", Expected.Rejected,
                [.. seedBytes.AsSpan(0, 500), 0, 0, 0, .. seedBytes.AsSpan(500)]),
            Big("50 MB text file", "huge-50mb.txt", 50L * 1024 * 1024, "The quick brown fox jumps over the lazy dog. "),
            Big("one enormous sentence over the size limit (2 MB)", "sentence-2mb.txt", 2L * 1024 * 1024, "and the talks went on "),
            One("one enormous sentence under the size limit (900 KB)", "sentence-900kb.txt", Expected.Recorded,
                Repeat("and the delegates kept talking about the border ", 900_000)),
            Big("millions of tiny sentences (1.5 M × \"A. \")", "tiny-sentences-1.5m.txt", 3L * 1_500_000, "A. "),
            One("300,000 tiny sentences under the size limit", "tiny-sentences-300k.txt", Expected.Rejected,
                Repeat("A. ", 900_000), "sentences"),
            One("deeply nested JSON (10,000 levels)", "deep.json", Expected.Rejected,
                "{\"text\":" + new string('[', 10_000) + new string(']', 10_000) + "}", "depth"),
            One("malformed JSON", "malformed.json", Expected.Rejected, "{\"title\": \"Truce holds\", \"text\": \"The truce held.\""),
            One("JSON with wrong field types", "wrong-types.json", Expected.Rejected,
                "{\"title\": [\"a\"], \"text\": 42}", "\"text\""),
            One("JSON array instead of an object", "array.json", Expected.Rejected,
                "[{\"text\": \"Troops crossed the border on Monday.\"}]", "array"),
            One("JSON with a lone surrogate (\\ud800)", "lone-surrogate.json", Expected.Rejected,
                "{\"title\": \"Border clash \\ud800 reported\", \"text\": \"Soldiers exchanged fire \\ud800 near the border on Monday. Two were wounded.\"}", "\"text\""),
            One("JSON title with an empty body", "title-empty-body.json", Expected.Rejected,
                "{\"title\": \"Ceasefire agreed\", \"text\": \"   \"}", "\"text\""),
            JsonLines,
            One("HTML with script, iframe, style and event handlers", "scripts.html", Expected.Scored, ScriptedHtml(seed)),
            One("HTML that is only script", "only-script.html", Expected.Rejected,
                "<html><head><script>document.write('Troops attack the capital.');</script></head><body><script>alert(1)</script></body></html>"),
            One("HTML nested 10,000 elements deep", "deep.html", Expected.Scored,
                Repeat("<div>", 50_000) + "<p>Rebels shelled the city overnight. Hundreds fled.</p>" + Repeat("</div>", 60_000)),
            One("gzip bomb named .txt (100 MB of zeros)", "bomb.txt", Expected.Rejected, GzipBomb(100 * 1024 * 1024)),
            One("zip archive named .json", "archive.json", Expected.Rejected, ZipOf(variant("zip"))),
            One("PNG image named .txt", "image.txt", Expected.Rejected, Png()),
            One("PDF named .md", "document.md", Expected.Rejected, "%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"),
            One("Chinese text", "chinese.txt", Expected.Rejected,
                "俄罗斯承诺保护塔吉克斯坦\n\n俄罗斯再次宣布将继续履行对塔吉克斯坦的承诺。塔利班在潘杰希尔山谷袭击了塔吉克族人。", "not English: 100% of the letters are CJK"),
            One("Arabic text (RTL)", "arabic.txt", Expected.Rejected,
                "روسيا تتعهد بحماية طاجيكستان\n\nأعلنت روسيا مرة أخرى أنها ستدعم طاجيكستان. وقالت إن طالبان تشكل تهديدا للأمن الإقليمي.", "are Arabic"),
            One("Russian text", "russian.txt", Expected.Rejected,
                "Россия обещает защитить Таджикистан\n\nРоссия вновь заявила о своей поддержке Таджикистана. Талибы представляют угрозу региональной безопасности.", "are Cyrillic"),
            One("mixed RTL/LTR with bidi control characters", "bidi.txt", Expected.Recorded,
                "Talks in \u202Eالدوحة\u202C stall\n\nThe envoy said \u2067طالبان\u2069 rejected the offer. \u200FFighting resumed\u200E near Kabul on Monday."),
            One("zero-width characters everywhere", "zero-width.txt", Expected.Scored, ZeroWidth(variant("zero-width"))),
            One("control characters (over a tenth)", "controls.txt", Expected.Rejected,
                string.Concat(Enumerable.Repeat("Troops\u0001\u0002\u0003 moved\u0007\u0008. ", 200)), "control"),
            One("one line that is a 500 KB URL", "long-url.txt", Expected.Recorded,
                "https://news.example/" + Repeat("segment/", 500_000) + "\n"),
            One("only punctuation", "punctuation.txt", Expected.Rejected, "!!! ??? ... ,,, ;;; --- ***\n\n... !!!", "no letters"),
            One("only numbers", "numbers.txt", Expected.Rejected, "12 345 6789\n\n3.14 2.71 1.41 42 7 1000000", "no letters"),
            (inbox, prefix) =>
            {
                // The exact bytes of good article 0 under another name.
                var path = System.IO.Path.Combine(inbox, prefix + "duplicate.txt");
                File.WriteAllText(path, variant("good-0"), Utf8);
                return [new InputKind("exact duplicate under another name", path, null, Expected.Duplicate)];
            },
            One("near-duplicate (one word changed)", "near-duplicate.txt", Expected.Scored,
                variant("good-0").Replace("emphatically", "firmly", StringComparison.Ordinal)),
            (inbox, prefix) =>
            {
                var path = System.IO.Path.Combine(inbox, prefix + "broken-link.txt");
                File.CreateSymbolicLink(path, System.IO.Path.Combine(inbox, "no-such-target.txt"));
                return [new InputKind("broken symbolic link", path, null, Expected.Rejected, "unreadable")];
            },
            (inbox, prefix) =>
            {
                // Opening a FIFO for reading blocks until a writer comes: the inbox must not wait for one.
                var path = System.IO.Path.Combine(inbox, prefix + "pipe.txt");
                Fifo.Make(path);
                return [new InputKind("named pipe (FIFO) named .txt", path, null, Expected.Rejected, "size 0")];
            },
            (inbox, prefix) =>
            {
                // A device never ends: reading it must stop, not hash forever.
                var path = System.IO.Path.Combine(inbox, prefix + "dev-zero.txt");
                File.CreateSymbolicLink(path, "/dev/zero");
                return [new InputKind("symbolic link to /dev/zero", path, null, Expected.Rejected, "symbolic link to /dev/zero: not followed")];
            },
            (inbox, prefix) =>
            {
                // Issue 13: a link to a file outside the inbox was followed, stored and shown (file disclosure).
                var secret = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(inbox)!, prefix + "outside-secret.txt");
                File.WriteAllText(secret, variant("outside-secret"), Utf8);
                var path = System.IO.Path.Combine(inbox, prefix + "link-outside.txt");
                File.CreateSymbolicLink(path, secret);
                return [new InputKind("symbolic link to a file outside the inbox", path, null, Expected.Rejected, "symbolic link to")];
            },
            (inbox, prefix) =>
            {
                // The target has an extension the inbox does not read, so only the link is listed.
                var target = System.IO.Path.Combine(inbox, prefix + "inside-target.dat");
                File.WriteAllText(target, variant("inside-target"), Utf8);
                var path = System.IO.Path.Combine(inbox, prefix + "link-inside.txt");
                File.CreateSymbolicLink(path, target);
                return [new InputKind("symbolic link to a file inside the inbox", path, null, Expected.Rejected, "symbolic link to")];
            },
            (inbox, prefix) =>
            {
                var outside = Directory.CreateDirectory(System.IO.Path.Combine(System.IO.Path.GetDirectoryName(inbox)!, prefix + "outside-folder")).FullName;
                File.WriteAllText(System.IO.Path.Combine(outside, "behind-the-link.txt"), variant("behind-folder-link"), Utf8);
                var path = System.IO.Path.Combine(inbox, prefix + "linked-folder");
                Directory.CreateSymbolicLink(path, outside);
                return [new InputKind("symbolic link to a folder outside the inbox", path, null, Expected.Rejected, "symbolic link to a folder")];
            },
            (inbox, prefix) =>
            {
                var inside = Directory.CreateDirectory(System.IO.Path.Combine(inbox, prefix + "sub")).FullName;
                File.WriteAllText(System.IO.Path.Combine(inside, "in-sub.txt"), variant("in-subfolder"), Utf8);
                var path = System.IO.Path.Combine(inbox, prefix + "linked-sub");
                Directory.CreateSymbolicLink(path, inside);
                return [new InputKind("symbolic link to a folder inside the inbox", path, null, Expected.Rejected, "symbolic link to a folder")];
            },
            (inbox, prefix) =>
            {
                // A 4 GB sparse file: refused from its size, not hashed whole first (20 s before issue 13).
                var path = System.IO.Path.Combine(inbox, prefix + "sparse-4gb.txt");
                using (var file = File.Create(path))
                {
                    file.SetLength(4L << 30);
                }

                return [new InputKind("sparse 4 GB file", path, null, Expected.Rejected, "MaxArticleBytes")];
            },
            NulLines,
            One("JSON with a duplicated key", "duplicate-key.json", Expected.Rejected,
                "{\"text\": \"Troops crossed the border at dawn. The army said the operation would continue.\", \"text\": \"Markets rose.\"}",
                "duplicate key \"text\""),
            One("French text", "french.txt", Expected.Rejected, French(3), "French function words"),
            One("English lead over a French body", "english-then-french.txt", Expected.Rejected,
                variant("english-then-french") + "\n\n" + French(80), "French function words"),
            (inbox, prefix) =>
            {
                var path = System.IO.Path.Combine(inbox, prefix + "folder.txt");
                Directory.CreateDirectory(path);
                File.WriteAllText(System.IO.Path.Combine(path, "inside.txt"), variant("inside-folder"), Utf8);
                return [new InputKind("directory named like an article", path, null, Expected.NotListed)];
            },
            One("extremely long title (10,000 characters)", "long-title.md", Expected.Recorded,
                "# " + Repeat("Border tension rises again ", 10_000) + "\n\n" + variant("long-title")),
            One("Markdown title with no body", "title-only.md", Expected.Recorded, "# Ceasefire collapses in the north\n"),
            One("Markdown with only front matter", "front-matter.md", Expected.Recorded,
                "---\ntitle: Ceasefire collapses\ndate: 2026-11-01\ntags: [war, north]\n---\n"),
            One("Markdown with a 5,000-row table", "table.md", Expected.Recorded, Table(5_000)),
            One("unsupported-looking content in .htm (plain text with angle brackets)", "angles.htm", Expected.Recorded,
                "Troops < 5 km from the border > said officials. <<< >>> <a <b <c"),
        ];
    }

    private static KindWriter One(string kind, string name, Expected expected, string text, string? mustContain = null) =>
        One(kind, name, expected, Utf8.GetBytes(text), mustContain);

    private static KindWriter One(string kind, string name, Expected expected, byte[] bytes, string? mustContain = null) =>
        (inbox, prefix) =>
        {
            var path = System.IO.Path.Combine(inbox, prefix + name);
            File.WriteAllBytes(path, bytes);
            return [new InputKind(kind, path, null, expected, mustContain)];
        };

    /// <summary>A file over the size limit, written in chunks so the test never holds it in memory.</summary>
    private static KindWriter Big(string kind, string name, long bytes, string unit) =>
        (inbox, prefix) =>
        {
            var path = System.IO.Path.Combine(inbox, prefix + name);
            var chunk = Utf8.GetBytes(Repeat(unit, 1024 * 1024));
            using (var stream = File.Create(path))
            {
                for (long written = 0; written < bytes; written += chunk.Length)
                {
                    stream.Write(chunk, 0, (int)Math.Min(chunk.Length, bytes - written));
                }
            }

            return [new InputKind(kind, path, null, Expected.Rejected, "MaxArticleBytes")];
        };

    private static IEnumerable<InputKind> JsonLines(string inbox, string prefix)
    {
        var path = System.IO.Path.Combine(inbox, prefix + "feed.jsonl");
        var lines = new[]
        {
            "{\"id\": 1, \"title\": \"Rebels seize a town\", \"text\": \"Rebels seized the town of Kidal on Monday. Residents fled south.\"}",
            "{\"id\": 2, \"title\": \"Central bank holds rates\", \"text\": \"The central bank kept its rate at 4 percent. Markets rose.\"}",
            "{\"id\": 3, \"title\": 5, \"text\": \"A title that is a number.\"}",
            "{\"id\": 4, \"text\": \"Floods displaced thousands in the delta. Aid agencies sent boats.\", \"published_at\": \"2026-11-02T08:00:00Z\"}",
            "{\"id\": 5, \"text\": \"Unclosed",
            "{\"id\": 6, \"text\": \"Police arrested three suspects after the bombing. The city is calm.\", \"url\": \"https://news.example/6\"}",
        };
        File.WriteAllText(path, string.Join('\n', lines) + "\n", Utf8);
        return
        [
            new InputKind("JSONL good line 1", path, 1, Expected.Scored),
            new InputKind("JSONL good line 2", path, 2, Expected.Scored),
            new InputKind("JSONL line with a wrong field type", path, 3, Expected.Rejected, "\"title\""),
            new InputKind("JSONL good line 4", path, 4, Expected.Scored),
            new InputKind("JSONL truncated line", path, 5, Expected.Rejected),
            new InputKind("JSONL good line 6", path, 6, Expected.Scored),
        ];
    }

    /// <summary>NUL bytes where issue 13 found they cost a JSONL file its good lines: first, middle, last, in a string.</summary>
    private static IEnumerable<InputKind> NulLines(string inbox, string prefix)
    {
        var path = System.IO.Path.Combine(inbox, prefix + "nul-lines.jsonl");
        var content = "\0\n"
            + "{\"text\": \"Gunmen attacked a convoy near the border on Sunday. Two drivers were killed.\"}\n"
            + "{\"text\": \"Troops\0 fired on the crowd.\"}\n"
            + "{\"text\": \"A cyclone made landfall on the coast overnight. Thousands were evacuated.\"}\n"
            + "\0";
        File.WriteAllText(path, content, Utf8);
        return
        [
            new InputKind("JSONL NUL line first", path, 1, Expected.Rejected, "NUL byte"),
            new InputKind("JSONL good line after a NUL line", path, 2, Expected.Scored),
            new InputKind("JSONL NUL inside a JSON string", path, 3, Expected.Rejected, "NUL byte"),
            new InputKind("JSONL good line before a NUL line", path, 4, Expected.Scored),
            new InputKind("JSONL NUL line last, no newline", path, 5, Expected.Rejected, "NUL byte"),
        ];
    }

    private static string French(int paragraphs) => string.Join("\n\n", Enumerable.Range(0, paragraphs).Select(i =>
        $"Le gouvernement a annoncé mardi qu'il poursuivrait les discussions avec les pays voisins (séance {i}). " +
        "Les ministres se réuniront la semaine prochaine à Genève pour examiner les propositions des médiateurs, " +
        "tandis que les organisations humanitaires demandent un accès sans entrave aux zones touchées par les combats " +
        "et que les habitants attendent toujours des nouvelles de leurs proches disparus depuis le début du conflit."));

    private static string Repeat(string unit, int totalChars)
    {
        var sb = new StringBuilder(totalChars + unit.Length);
        while (sb.Length < totalChars)
        {
            sb.Append(unit);
        }

        return sb.ToString(0, totalChars);
    }

    private static byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
#pragma warning disable CA5394 // Test data, not security: a fixed seed keeps the corpus reproducible.
        new Random(8).NextBytes(bytes);
#pragma warning restore CA5394
        return bytes;
    }

    private static byte[] Mojibake(string text)
    {
        // Curly quotes and accents, saved as UTF-8 and mis-decoded as Latin-1 twice on the way.
        text = "Minister Rudenko\u2019s \u201Cfirm\u201D r\u00E9sum\u00E9 \u2014 caf\u00E9 talks\n\n" + text;
        var once = Encoding.Latin1.GetString(Encoding.UTF8.GetBytes(text));
        var twice = Encoding.Latin1.GetString(Encoding.UTF8.GetBytes(once));
        return Encoding.UTF8.GetBytes(twice);
    }

    private static string ZeroWidth(string text)
    {
        var sb = new StringBuilder(text.Length * 2);
        var marks = "\u200B\u200C\u200D\u2060\uFEFF\u00AD";
        for (var i = 0; i < text.Length; i++)
        {
            sb.Append(text[i]);
            if (char.IsLetter(text[i]))
            {
                sb.Append(marks[i % marks.Length]);
            }
        }

        return sb.ToString();
    }

    private static string ScriptedHtml(string seed)
    {
        var paragraphs = seed.Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Skip(3).Take(8);
        var body = string.Join("\n", paragraphs.Select(p => $"<p onclick=\"evilHandler()\" onmouseover=\"alert('xss')\">{System.Net.WebUtility.HtmlEncode(p)}</p>"));
        return $"""
            <!doctype html>
            <html lang="en"><head><title>Russia vows to shield Tajikistan</title>
            <style>body {"{"} background: url(javascript:evilStyle()) {"}"}</style>
            <script>window.evilScript = function() {"{"} document.cookie = 'stolen'; {"}"};</script>
            </head>
            <body onload="evilOnload()">
            <iframe src="https://ads.example/evil-frame"></iframe>
            <article>
            <h1>Russia vows to shield Tajikistan (HTML)</h1>
            <script type="text/javascript">evilInline('inside the article');</script>
            {body}
            <img src="x" onerror="evilOnerror()">
            <noscript>evilNoscript enable JavaScript</noscript>
            </article>
            <script src="https://cdn.example/evil.js"></script>
            </body></html>
            """;
    }

    private static byte[] GzipBomb(int zeros)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var chunk = new byte[1024 * 1024];
            for (var written = 0; written < zeros; written += chunk.Length)
            {
                gzip.Write(chunk);
            }
        }

        return output.ToArray();
    }

    private static byte[] ZipOf(string text)
    {
        using var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var entry = zip.CreateEntry("article.json").Open();
            entry.Write(Utf8.GetBytes("{\"text\": " + System.Text.Json.JsonSerializer.Serialize(text) + "}"));
        }

        return output.ToArray();
    }

    private static byte[] Png() =>
    [
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
        0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
        0x89, 0x00, 0x00, 0x00, 0x0A, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00,
        0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE,
        0x42, 0x60, 0x82,
    ];

    private static string Table(int rows)
    {
        var sb = new StringBuilder("| Country | Incidents | Deaths |\n|---|---|---|\n");
        for (var i = 0; i < rows; i++)
        {
            sb.Append("| Region ").Append(i).Append(" | ").Append(i % 17).Append(" | ").Append(i % 5).Append(" |\n");
        }

        return sb.ToString();
    }
}
