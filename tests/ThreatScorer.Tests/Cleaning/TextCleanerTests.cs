using ThreatScorer.Core.Articles;
using ThreatScorer.Core.Cleaning;

namespace ThreatScorer.Tests.Cleaning;

public sealed class TextCleanerTests
{
    private static readonly TextCleaner Cleaner = new();

    private static CleanedArticle Clean(string text, string? title = null)
    {
        var cleaned = Cleaner.Clean(new RawArticle { Text = text, Title = title, SourcePath = "test" });
        CleanedArticleAssert.Invariants(cleaned);
        return cleaned;
    }

    [Fact]
    public void Clean_WhenTitleAndParagraphs_LaysOutTitleThenBodySeparatedByBlankLines()
    {
        var cleaned = Clean("First paragraph. It has two sentences.\n\nSecond paragraph.", "The Headline");

        Assert.Equal("The Headline\n\nFirst paragraph. It has two sentences.\n\nSecond paragraph.", cleaned.Text);
        Assert.Equal(["The Headline", "First paragraph.", "It has two sentences.", "Second paragraph."],
            cleaned.Sentences.Select(s => s.Text));
        Assert.Equal([0, 1, 1, 2], cleaned.Sentences.Select(s => s.Paragraph));
        Assert.True(cleaned.Sentences[0].IsTitle);
        Assert.False(cleaned.Sentences[1].IsTitle);
    }

    [Fact]
    public void Clean_WhenNoTitle_BodyStartsAtParagraphZero()
    {
        var cleaned = Clean("Only body.");
        Assert.Null(cleaned.Title);
        Assert.Equal(0, cleaned.Sentences[0].Paragraph);
        Assert.False(cleaned.Sentences[0].IsTitle);
    }

    [Fact]
    public void Clean_WhenBodyRepeatsTitle_KeepsItOnceAsTitle()
    {
        var cleaned = Clean("Troops Mass at Border\n\nTroops massed at the border on Monday.", "Troops mass at border");
        Assert.Equal("Troops mass at border\n\nTroops massed at the border on Monday.", cleaned.Text);
    }

    [Fact]
    public void Clean_WhenCurlyQuotesAndGuillemets_MakesThemAscii()
    {
        var cleaned = Clean("\u201CNo,\u201D he said. It\u2019s \u00ABover\u00BB and \u2018done\u2019.");
        Assert.Equal("\"No,\" he said. It's \"over\" and 'done'.", cleaned.Text);
    }

    [Fact]
    public void Clean_WhenZeroWidthAndControlCharacters_StripsThem()
    {
        var cleaned = Clean("Tal\u200Biban\u00AD forces\u200D\u0007 ad\u2060vanced\uFEFF.\u202E");
        Assert.Equal("Taliban forces advanced.", cleaned.Text);
    }

    [Fact]
    public void Clean_WhenRunsOfSpacesTabsAndNoBreakSpaces_CollapsesThemWithinParagraph()
    {
        var cleaned = Clean("  Troops \t\u00A0 moved\u2003north .  \n\n\n\n   Next   paragraph. ");
        Assert.Equal("Troops moved north .\n\nNext paragraph.", cleaned.Text);
    }

    [Fact]
    public void Clean_WhenWindowsAndOldMacLineEnds_KeepsParagraphBoundaries()
    {
        var cleaned = Clean("One.\r\n\r\nTwo.\r\rThree.");
        Assert.Equal("One.\n\nTwo.\n\nThree.", cleaned.Text);
    }

    [Fact]
    public void Clean_WhenDecomposedAccents_ComposesToNfc()
    {
        var cleaned = Clean("Pe\u0301rez visited Zu\u0308rich.");
        Assert.Equal("P\u00E9rez visited Z\u00FCrich.", cleaned.Text);
    }

    [Fact]
    public void Clean_WhenCompatibilityCharacters_FoldsOnlyTheSafeOnes()
    {
        var cleaned = Clean("The \uFB01ght in \uFF35\uFF33\uFF21 covered 5 km\u00B2 and \u00BD of the town.");
        Assert.Equal("The fight in USA covered 5 km\u00B2 and \u00BD of the town.", cleaned.Text);
    }

    [Theory]
    [InlineData("Tajikistan\u2014a frontline state\u2014borders Afghanistan.", "Tajikistan \u2014 a frontline state \u2014 borders Afghanistan.")]
    [InlineData("Tajikistan  \u2013  a frontline state.", "Tajikistan \u2013 a frontline state.")]
    [InlineData("the Tajik\u2013Afghan border in 1990\u20132000", "the Tajik\u2013Afghan border in 1990\u20132000")]
    [InlineData("It was over -- or so they thought.", "It was over \u2014 or so they thought.")]
    [InlineData("A well\u2010known \u22125 reading.", "A well-known -5 reading.")]
    public void Clean_WhenDashes_KeepsThemWithConsistentSpacing(string input, string expected) =>
        Assert.Equal(expected, Clean(input).Text);

    [Fact]
    public void Clean_WhenUtf8ReadAsWindows1252_RepairsCommonMojibake()
    {
        var cleaned = Clean("It\u00E2\u20AC\u2122s a caf\u00C3\u00A9 \u00E2\u20AC\u201Cnear Kabul.");
        Assert.Equal("It's a caf\u00E9 \u2013 near Kabul.", cleaned.Text);
    }

    [Fact]
    public void Clean_WhenLinesAreSeparateWithoutBlankLines_TreatsEachAsParagraph()
    {
        var cleaned = Clean("KABUL\nThe Taliban took the city. Residents fled\n- item one\n- item two");
        Assert.Equal("KABUL\n\nThe Taliban took the city. Residents fled\n\n- item one\n\n- item two", cleaned.Text);
        Assert.Equal(4, cleaned.Sentences.Select(s => s.Paragraph).Distinct().Count());
    }

    [Fact]
    public void Clean_WhenTextIsHardWrapped_JoinsLinesIntoOneParagraph()
    {
        const string Wrapped =
            "Russia has once again emphatically announced that there will be\n"
            + "no dilution in its commitment to Tajikistan, a country that is\n"
            + "staunchly opposed to the Taliban.\n\nNext paragraph.";
        var cleaned = Clean(Wrapped);
        Assert.StartsWith("Russia has once again emphatically announced that there will be no dilution", cleaned.Text);
        Assert.Equal(2, cleaned.Text.Split("\n\n").Length);
    }

    [Fact]
    public void Clean_WhenSentenceWouldCrossParagraphs_EndsItAtParagraphEnd()
    {
        var cleaned = Clean("A headline without a stop\n\nthe body starts lowercase and ends.");
        Assert.Equal(["A headline without a stop", "the body starts lowercase and ends."],
            cleaned.Sentences.Select(s => s.Text));
    }

    [Fact]
    public void Clean_WhenMoreSentencesThanLimit_TruncatesTextAfterLastKeptSentence()
    {
        var cleaner = new TextCleaner(new ArticleLimits { MaxSentences = 3 });
        var cleaned = cleaner.Clean(new RawArticle
        {
            Title = "Title",
            Text = "One. Two.\n\nThree. Four.\n\nFive.",
            SourcePath = "test",
        });

        CleanedArticleAssert.Invariants(cleaned);
        Assert.True(cleaned.SentencesTruncated);
        Assert.Equal(3, cleaned.Sentences.Count);
        Assert.Equal("Title\n\nOne. Two.", cleaned.Text);
    }

    [Fact]
    public void Clean_WhenWhitespaceOnlyTitle_HasNoTitle() => Assert.Null(Clean("Body.", "  \u200B ").Title);

    [Fact]
    public void Clean_WhenLoneSurrogatesAndEmoji_DropsOnlyTheBrokenOnes()
    {
        var cleaned = Clean("Fire \uD83D\uDD25 here\uD800 now.");
        Assert.Equal("Fire \uD83D\uDD25 here now.", cleaned.Text);
    }

    [Fact]
    public void NormalizeForHash_WhenSameTextDiffersInCaseSpacingAndQuotes_GivesSameForm()
    {
        var a = TextCleaner.NormalizeForHash("\u201CTroops\u201D  moved.\n\nThey  WON.");
        var b = TextCleaner.NormalizeForHash("\"troops\" moved. they won.");
        Assert.Equal(b, a);
        Assert.Equal("\"troops\" moved. they won.", a);
    }

    [Theory]
    [InlineData("Dr. Smith met Mr. Jones in the U.S. on Jan. 6. They talked.")]
    [InlineData("He said: \"We will fight.\" Then he left.\n\n(Two members abstained.) The chair resigned.")]
    [InlineData("  \u201CWhy?\u201D \u2014 asked\u00A0the\u200B man\u2026  \n\n\n 1. First. 2. Second!  ")]
    [InlineData("Inflation rose 3.5 percent... Growth? None! J.R.R. Tolkien, John F. Kennedy etc.")]
    [InlineData("caf\u00C3\u00A9 \u00E2\u20AC\u201D \uFB01ne \uFF21\r\nline two\rline three\u2029para")]
    public void Clean_OnTrickyTexts_KeepsOffsetInvariant(string text) => Clean(text, "A title?");
}
