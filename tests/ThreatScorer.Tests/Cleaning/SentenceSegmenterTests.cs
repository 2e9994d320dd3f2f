using ThreatScorer.Core.Cleaning;

namespace ThreatScorer.Tests.Cleaning;

public sealed class SentenceSegmenterTests
{
    private static string[] Segment(string paragraph)
    {
        var spans = SentenceSegmenter.Default.Split(paragraph);
        return [.. spans.Select(s => paragraph.Substring(s.Start, s.Length))];
    }

    private static void AssertSentences(string paragraph, params string[] expected) =>
        Assert.Equal(expected, Segment(paragraph));

    [Fact]
    public void Segment_WhenPlainSentences_SplitsAtEachFullStop() =>
        AssertSentences("The army moved. Officials said nothing. Then it rained.",
            "The army moved.", "Officials said nothing.", "Then it rained.");

    [Theory]
    [InlineData("The U.S. said it would respond.")]
    [InlineData("The U.K. and the U.S. Treasury issued sanctions.")]
    [InlineData("Dr. Smith met Mr. Jones and Mrs. Brown.")]
    [InlineData("Gen. Mark Milley and Lt. Col. Vindman spoke to Sgt. Ruiz.")]
    [InlineData("Gov. Hochul, Sen. Schumer and Rep. Ocasio-Cortez attended.")]
    [InlineData("They met at St. Paul's Cathedral.")]
    [InlineData("Apple Inc. said profits rose at Foo Ltd. and Bar Co. last year.")]
    [InlineData("Acme Corp. reported results on Jan. 6 and Feb. 12.")]
    [InlineData("The attack on Aug. 15 and the talks on Sept. 11, Oct. 3, Nov. 9 and Dec. 1 ended.")]
    [InlineData("It was Russia vs. Ukraine in the final.")]
    [InlineData("Allies, e.g. France, and partners, i.e. Japan, agreed.")]
    [InlineData("Resolution No. 2231 was adopted.")]
    [InlineData("Fuel, food, medicine etc. were sent to the border.")]
    public void Segment_WhenAbbreviation_DoesNotSplit(string sentence) => AssertSentences(sentence, sentence);

    [Fact]
    public void Segment_WhenAbbreviationUS_EndsSentenceBeforeTypicalOpener() =>
        AssertSentences("Sanctions were imposed by the U.S. The move angered Moscow.",
            "Sanctions were imposed by the U.S.", "The move angered Moscow.");

    [Fact]
    public void Segment_WhenEtcEndsSentence_Splits() =>
        AssertSentences("They bought guns, drones, etc. The deal was signed.",
            "They bought guns, drones, etc.", "The deal was signed.");

    [Fact]
    public void Segment_WhenDecimal_DoesNotSplit() =>
        AssertSentences("Inflation rose 3.5 percent. Growth was 0.2 percent.",
            "Inflation rose 3.5 percent.", "Growth was 0.2 percent.");

    [Theory]
    [InlineData("John F. Kennedy was shot in Dallas.")]
    [InlineData("J.R.R. Tolkien wrote about war.")]
    [InlineData("George W. Bush and Martin Luther King Jr. were mentioned.")]
    public void Segment_WhenInitials_DoesNotSplit(string sentence) => AssertSentences(sentence, sentence);

    [Fact]
    public void Segment_WhenQuoteCloses_ClosingQuoteBelongsToFirstSentence() =>
        AssertSentences("He said: \"We will fight.\" Then he left.", "He said: \"We will fight.\"", "Then he left.");

    [Fact]
    public void Segment_WhenCurlyQuoteCloses_ClosingQuoteBelongsToFirstSentence() =>
        AssertSentences("He said: \u201CWe will fight.\u201D Then he left.",
            "He said: \u201CWe will fight.\u201D", "Then he left.");

    [Fact]
    public void Segment_WhenQuotedQuestionFollowedByLowercase_DoesNotSplit() =>
        AssertSentences("\"Why now?\" he asked. Nobody answered.", "\"Why now?\" he asked.", "Nobody answered.");

    [Fact]
    public void Segment_WhenQuestionAndExclamationMarks_SplitsAfterEach() =>
        AssertSentences("Will they attack? Nobody knows! Stay alert?! Yes.",
            "Will they attack?", "Nobody knows!", "Stay alert?!", "Yes.");

    [Fact]
    public void Segment_WhenEllipsisInsideQuotation_DoesNotSplit() =>
        AssertSentences("\"The Taliban cannot control the situation\u2026 Still, we hope they will honour it,\" he added.",
            "\"The Taliban cannot control the situation\u2026 Still, we hope they will honour it,\" he added.");

    [Fact]
    public void Segment_WhenEllipsisBeforeCapitalOutsideQuotes_Splits() =>
        AssertSentences("The talks went on and on... Finally they stopped.",
            "The talks went on and on...", "Finally they stopped.");

    [Fact]
    public void Segment_WhenEllipsisBeforeLowercase_DoesNotSplit() =>
        AssertSentences("He paused\u2026 and then spoke.", "He paused\u2026 and then spoke.");

    [Fact]
    public void Segment_WhenParenthesisedSentence_KeepsItWhole() =>
        AssertSentences("The vote failed. (Two members abstained.) The chair resigned.",
            "The vote failed.", "(Two members abstained.)", "The chair resigned.");

    [Fact]
    public void Segment_WhenSentenceEndsAfterParenthesis_Splits() =>
        AssertSentences("Troops left (finally). Residents returned.", "Troops left (finally).", "Residents returned.");

    [Fact]
    public void Segment_WhenNumberedList_KeepsNumberWithItsItem() =>
        AssertSentences("The demands: 1. Withdraw troops. 2. Free prisoners. 3. Hold talks.",
            "The demands: 1. Withdraw troops.", "2. Free prisoners.", "3. Hold talks.");

    [Fact]
    public void Segment_WhenListNumberStartsParagraph_DoesNotSplit() =>
        AssertSentences("1. Introduction", "1. Introduction");

    [Fact]
    public void Segment_WhenSentenceEndsWithNumber_Splits() =>
        AssertSentences("The death toll rose to 15. Rescue work continues.",
            "The death toll rose to 15.", "Rescue work continues.");

    [Fact]
    public void Segment_WhenHeadlineWithoutFinalPunctuation_IsOneSentence() =>
        AssertSentences("Russia vows to shield Tajikistan", "Russia vows to shield Tajikistan");

    [Fact]
    public void Segment_WhenUrlsAndAbbreviatedCompounds_DoesNotSplit() =>
        AssertSentences("See whitehouse.gov for the U.S.-led plan.", "See whitehouse.gov for the U.S.-led plan.");

    [Fact]
    public void Segment_WhenTimeAbbreviation_SplitsOnlyBeforeOpener() =>
        AssertSentences("Shelling began at 5 a.m. local time and stopped at 9 p.m. The city was quiet.",
            "Shelling began at 5 a.m. local time and stopped at 9 p.m.", "The city was quiet.");

    [Fact]
    public void Segment_WhenNextSentenceStartsWithQuote_Splits() =>
        AssertSentences("He left. \"We will return,\" she said.", "He left.", "\"We will return,\" she said.");

    [Fact]
    public void Segment_WhenExtraAbbreviationConfigured_DoesNotSplitOnIt()
    {
        var segmenter = new SentenceSegmenter(["Amb."]);
        const string Text = "Our Amb. Smith met Wu. He left.";
        var spans = segmenter.Split(Text);
        Assert.Equal(["Our Amb. Smith met Wu.", "He left."], spans.Select(s => Text.Substring(s.Start, s.Length)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Segment_WhenEmptyOrBlank_ReturnsNoSentences(string paragraph) => Assert.Empty(Segment(paragraph));

    [Fact]
    public void Segment_WhenSurroundingWhitespace_SpansAreTrimmedAndInsideParagraph()
    {
        const string Text = "  First one.   Second one!  ";
        var spans = SentenceSegmenter.Default.Split(Text);
        Assert.Equal([(2, 10), (15, 11)], spans);
    }
}
