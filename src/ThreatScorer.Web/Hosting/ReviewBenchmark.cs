using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using ThreatScorer.Core.Actors;
using ThreatScorer.Core.Scoring;
using ThreatScorer.Core.Storage;
using ThreatScorer.Core.Threat;
using ThreatScorer.Web.Exports;

namespace ThreatScorer.Web.Hosting;

/// <summary>
/// <c>threatscorer serve bench</c>: fills a new store with synthetic scored articles (same tables and trigger as the
/// worker's writes) and times the list queries, deep keyset paging and each export format. Reports numbers; asserts none.
/// </summary>
public static class ReviewBenchmark
{
    private static readonly string[] Sources = ["reuters", "apnews", "bbc", "aljazeera", "tass", "xinhua", "dw", "france24", "kabar", "akipress"];
    private static readonly string[] Languages = ["en", "en", "en", "ru", "fr", "de"];
    private static readonly (string Id, string Name, string Type)[] Actors =
    [
        ("RUS", "Russia", "State"), ("TJK", "Tajikistan", "State"), ("AFG", "Afghanistan", "State"), ("USA", "United States", "State"),
        ("CHN", "China", "State"), ("KGZ", "Kyrgyzstan", "State"), ("KAZ", "Kazakhstan", "State"), ("UZB", "Uzbekistan", "State"),
        ("TAL", "Taliban", "ArmedGroup"), ("ISIS", "Islamic State", "ArmedGroup"), ("UN", "United Nations", "Igo"), ("CSTO", "CSTO", "Igo"),
    ];

    public static async Task<bool> RunAsync(string databasePath, int articles, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (File.Exists(databasePath))
        {
            await output.WriteLineAsync($"error: {databasePath} exists; give a new path.");
            return false;
        }

        var store = new SqliteReviewStore(databasePath, TimeProvider.System);
        await store.Articles.MigrateAsync(cancellationToken);
        var watch = Stopwatch.StartNew();
        await GenerateAsync(store.Articles.DatabasePath, articles, cancellationToken);
        await output.WriteLineAsync(Line($"generated {articles:N0} scored articles in {watch.Elapsed.TotalSeconds:0.0} s ({new FileInfo(store.Articles.DatabasePath).Length / 1e6:0} MB)"));

        var cases = new (string Name, ReviewFilter Filter)[]
        {
            ("newest, no filter", new ReviewFilter()),
            ("threat sort", new ReviewFilter { Sort = ReviewSort.Threat }),
            ("level=high", new ReviewFilter { Level = ThreatLabels.High }),
            ("score 0.6-0.9", new ReviewFilter { MinScore = 0.6, MaxScore = 0.9 }),
            ("kind=terrorism", new ReviewFilter { Kind = "terrorism" }),
            ("actor=TAL stance=negative", new ReviewFilter { Actor = "TAL", Stance = "negative" }),
            ("source+language", new ReviewFilter { Source = "tass", Language = "ru" }),
            ("date range (30 days)", new ReviewFilter { From = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero), To = new DateTimeOffset(2026, 3, 31, 0, 0, 0, TimeSpan.Zero) }),
            ("free text", new ReviewFilter { Text = "border" }),
            ("level=high + actor=RUS + kind", new ReviewFilter { Level = ThreatLabels.High, Actor = "RUS", Kind = "armed_conflict" }),
        };
        await output.WriteLineAsync("| view | first page (50 rows) | with total count | matches | page 200 (keyset) |");
        await output.WriteLineAsync("|---|---|---|---|---|");
        foreach (var (name, filter) in cases)
        {
            await store.ListAsync(filter, 50, null, withTotal: false, cancellationToken); // warm the page cache
            var first = Stopwatch.StartNew();
            var page = await store.ListAsync(filter, 50, null, withTotal: false, cancellationToken);
            var firstMs = first.Elapsed.TotalMilliseconds;
            var counted = Stopwatch.StartNew();
            var withTotal = await store.ListAsync(filter, 50, null, withTotal: true, cancellationToken);
            var totalMs = counted.Elapsed.TotalMilliseconds;

            // Walk to page 200 through cursors, then time that one page alone.
            var cursor = page.NextCursor;
            for (var i = 2; i < 200 && cursor is not null; i++)
            {
                cursor = (await store.ListAsync(filter, 50, cursor, withTotal: false, cancellationToken)).NextCursor;
            }

            var deep = "n/a (fewer pages)";
            if (cursor is not null)
            {
                var deepWatch = Stopwatch.StartNew();
                await store.ListAsync(filter, 50, cursor, withTotal: false, cancellationToken);
                deep = Ms(deepWatch.Elapsed.TotalMilliseconds);
            }

            await output.WriteLineAsync(Line($"| {name} | {Ms(firstMs)} | {Ms(totalMs)} | {withTotal.Total:N0} | {deep} |"));
        }

        await output.WriteLineAsync();
        await output.WriteLineAsync("| export (every scored article) | rows | time | rows/s | bytes |");
        await output.WriteLineAsync("|---|---|---|---|---|");
        foreach (var format in new[] { ExportFormat.Csv, ExportFormat.Jsonl, ExportFormat.Parquet })
        {
            foreach (var table in new[] { "articles", "stances" })
            {
                await using var sink = new CountingStream();
                var export = Stopwatch.StartNew();
                var rows = table == "articles"
                    ? await ExportWriter.WriteAsync(format, ExportColumns.Articles, store.StreamArticlesAsync(new ReviewFilter(), cancellationToken), sink, cancellationToken)
                    : await ExportWriter.WriteAsync(format, ExportColumns.Stances, store.StreamStancesAsync(new ReviewFilter(), cancellationToken), sink, cancellationToken);
                var seconds = export.Elapsed.TotalSeconds;
                await output.WriteLineAsync(Line($"| {table} {format} | {rows:N0} | {seconds:0.00} s | {rows / seconds:N0} | {sink.Length / 1e6:0.0} MB |"));
            }
        }

        return true;
    }

    /// <summary>
    /// <c>threatscorer serve bench-page</c>: renders the article page of a synthetic article whose one actor is
    /// mentioned <paramref name="mentions"/> times inside one threat evidence span (a mention bomb) and reports the
    /// time of each of three renders.
    /// </summary>
    public static async Task MentionBombAsync(int mentions, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var text = string.Concat(Enumerable.Repeat("Russia ", mentions));
        var assessment = new ArticleAssessment
        {
            ArticleId = "bomb",
            Title = "Mention bomb",
            SourcePath = "bomb.txt",
            CleanedText = text,
            SentenceCount = 1,
            Sentiment = new SentimentAssessment("neutral", 0, new Dictionary<string, float>()),
            Actors =
            [
                new ActorStance
                {
                    ActorId = "RUS", Name = "Russia", Type = ActorType.State, IsListed = true, Label = "neutral", Score = 0,
                    Probabilities = new Dictionary<string, float>(), MentionCount = mentions,
                    Mentions = [.. Enumerable.Range(0, mentions).Select(i => new MentionSpan(0, i * 7, 6, "Russia"))],
                    Evidence = [new EvidenceSentence(0, 0, text.Length, text, "neutral", 0)],
                },
            ],
            Threat = new ThreatAssessment("elevated", 0.6, new Dictionary<string, double>(), new Dictionary<string, double>(), null,
                [new EvidenceSentence(0, 0, text.Length, text, "elevated", 0.6)]),
            Models = new ModelVersions("s", "m", "t", "i"),
            Timings = new ScoringTimings(0, 0, 0, 0, 0, 0),
            ScoredAt = DateTimeOffset.UnixEpoch,
        };
        var review = new ArticleReview(
            new StoredArticle
            {
                Id = "bomb", Version = 1, DedupeKey = "bomb", ContentHash = "h", SourcePath = "bomb.txt",
                IngestedAt = DateTimeOffset.UnixEpoch, Status = "scored", Title = "Mention bomb", Text = text,
            },
            AssessmentJson.Serialize(assessment),
            new ReviewRow
            {
                Id = "bomb", Version = 1, IngestedAt = DateTimeOffset.UnixEpoch, ScoredAt = DateTimeOffset.UnixEpoch,
                ModelVersion = "stance=s", ThreatScore = 0.6, SentimentLabel = "neutral", SentimentScore = 0,
            },
            []);
        for (var run = 1; run <= 3; run++)
        {
            var watch = Stopwatch.StartNew();
            var html = Pages.ArticlePage.Render(review);
            await output.WriteLineAsync(Line($"article page with {mentions:N0} mentions: run {run} {Ms(watch.Elapsed.TotalMilliseconds)}, {html.Length / 1e6:0.0} MB of HTML"));
        }
    }

    private static string Ms(double ms) => string.Create(CultureInfo.InvariantCulture, $"{ms:0.0} ms");

    private static string Line(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static async Task GenerateAsync(string path, int count, CancellationToken cancellationToken)
    {
        var random = new Random(42);
        await using var connection = new SqliteConnection($"Data Source={path}");
        await connection.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        var article = Prepare(connection, transaction, """
            INSERT INTO articles (id, version, dedupe_key, content_hash, title, text, url, source, language, published_at,
                source_path, ingested_at, updated_at, status, scored_at)
            VALUES ($id, 1, $k, $h, $title, $text, $url, $source, $lang, $pub, 'bench.jsonl', $ing, $ing, 'scored', $ing);
            """, "$id", "$k", "$h", "$title", "$text", "$url", "$source", "$lang", "$pub", "$ing");
        var assessment = Prepare(connection, transaction, """
            INSERT INTO assessments (article_id, article_version, model_version, scored_at, sentiment_label, sentiment_score,
                threat_level, threat_score, top_kind, assessment_json)
            VALUES ($id, 1, $m, $t, 'neutral', $ss, $tl, $ts, $tk, '{}');
            """, "$id", "$m", "$t", "$ss", "$tl", "$ts", "$tk");
        var kind = Prepare(connection, transaction,
            "INSERT INTO threat_kinds (article_id, article_version, model_version, kind, probability) VALUES ($id, 1, $m, $k, $p);",
            "$id", "$m", "$k", "$p");
        var stance = Prepare(connection, transaction, """
            INSERT INTO actor_stances (article_id, article_version, model_version, actor_id, actor_name, actor_type, country,
                is_listed, label, score, mention_count)
            VALUES ($id, 1, $m, $a, $n, $ty, NULL, 1, $l, $s, $c);
            """, "$id", "$m", "$a", "$n", "$ty", "$l", "$s", "$c");
        const string model = "stance=bench;sentiment=bench;threat=bench;interaction=bench";
        var start = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < count; i++)
        {
            var id = "a-bench" + i.ToString("D9", CultureInfo.InvariantCulture);
            var published = start.AddMinutes(random.Next(0, 60 * 24 * 540));
            var score = random.NextDouble();
            var level = score switch { < 0.25 => "none", < 0.5 => "low", < 0.8 => "elevated", _ => "high" };
            var top = score < 0.25 ? null : ThreatLabels.Kinds[random.Next(ThreatLabels.Kinds.Count)];
            var border = random.Next(20) == 0 ? " near the border" : string.Empty;
            await Run(article, cancellationToken, id, "url:" + id, id, $"Synthetic article {i}{border}",
                $"Body of synthetic article {i}. Officials met{border} and talked about trade and security.", $"https://news.example/{i}",
                Sources[random.Next(Sources.Length)], Languages[random.Next(Languages.Length)], Format(published), Format(published.AddHours(1)));
            await Run(assessment, cancellationToken, id, model, Format(published.AddHours(1)), random.NextDouble() - 0.5, level, score, top);
            foreach (var k in ThreatLabels.Kinds)
            {
                await Run(kind, cancellationToken, id, model, k, k == top ? 0.5 + (random.NextDouble() / 2) : random.NextDouble() / 2);
            }

            var named = random.Next(1, 5);
            foreach (var actor in Actors.OrderBy(_ => random.Next()).Take(named))
            {
                var s = (random.NextDouble() * 2) - 1;
                await Run(stance, cancellationToken, id, model, actor.Id, actor.Name, actor.Type,
                    s < -0.3 ? "negative" : s > 0.3 ? "positive" : "neutral", s, random.Next(1, 8));
            }
        }

        await transaction.CommitAsync(cancellationToken);
        await using var analyze = connection.CreateCommand();
        analyze.CommandText = "ANALYZE;";
        await analyze.ExecuteNonQueryAsync(cancellationToken);
    }

    private static SqliteCommand Prepare(SqliteConnection connection, SqliteTransaction transaction, string sql, params string[] names)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var name in names)
        {
            command.Parameters.Add(new SqliteParameter(name, null));
        }

        return command;
    }

    private static async Task Run(SqliteCommand command, CancellationToken cancellationToken, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string Format(DateTimeOffset time) => time.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    /// <summary>A write-only sink that counts bytes (exports are timed without disk or network).</summary>
    private sealed class CountingStream : Stream
    {
        private long _length;

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _length;
        public override long Position { get => _length; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => _length += count;
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _length += buffer.Length;
            return ValueTask.CompletedTask;
        }
    }
}
