using ThreatScorer.Encoders;

namespace ThreatScorer.Tests.Encoders;

public sealed class TargetAlignmentTests(EncoderFixture fixture) : IClassFixture<EncoderFixture>
{
    [Fact]
    public void Align_TargetTokensAreTheMentionsOwnPieces()
    {
        const string sentence = "Russia vows to shield Tajikistan as the threat of Taliban-sponsored terrorism rises.";
        var from = sentence.IndexOf("Tajikistan", StringComparison.Ordinal);
        var tokenizer = fixture.Encoder.Tokenizer;

        var aligned = TargetAlignment.Align(tokenizer, sentence, from, from + "Tajikistan".Length);

        Assert.Equal(tokenizer.ClassificationTokenId, aligned.Ids[0]);
        Assert.Equal(tokenizer.SeparatorTokenId, aligned.Ids[^1]);
        Assert.Equal(tokenizer.EncodeToIds("Tajikistan", addSpecialTokens: false), aligned.Ids[aligned.TargetStart..aligned.TargetEnd]);
        Assert.Equal("tajikistan", tokenizer.Decode(aligned.Ids[aligned.TargetStart..aligned.TargetEnd]));
        // Joining the three parts gives the same pieces as the whole sentence.
        Assert.Equal(tokenizer.EncodeToIds(sentence, addSpecialTokens: false), aligned.Ids[1..^1]);
    }

    [Fact]
    public void Align_WhenTextHasNewlinesAndFormatChars_DoesNotGlueWords()
    {
        const string sentence = "Officials\nin\u200BKabul said the Taliban\tattacked.";
        var from = sentence.IndexOf("Taliban", StringComparison.Ordinal);
        var tokenizer = fixture.Encoder.Tokenizer;

        var aligned = TargetAlignment.Align(tokenizer, sentence, from, from + 7);

        Assert.Equal(tokenizer.EncodeToIds("Officials in Kabul said the Taliban attacked.", addSpecialTokens: false), aligned.Ids[1..^1]);
        Assert.Equal("taliban", tokenizer.Decode(aligned.Ids[aligned.TargetStart..aligned.TargetEnd]));
    }

    [Fact]
    public void Align_WhenSentenceIsLong_ClipsAroundTheTargetWithinTheLimit()
    {
        var filler = string.Concat(Enumerable.Repeat("the committee met again on monday ", 60));
        var sentence = filler + "Nato warned Moscow " + filler;
        var from = sentence.IndexOf("Nato", StringComparison.Ordinal);

        var aligned = TargetAlignment.Align(fixture.Encoder.Tokenizer, sentence, from, from + 4);

        Assert.Equal(MiniLmEncoder.MaxTokens, aligned.Length);
        Assert.Equal("nato", fixture.Encoder.Tokenizer.Decode(aligned.Ids[aligned.TargetStart..aligned.TargetEnd]));
        // Both sides keep context.
        Assert.InRange(aligned.TargetStart, 40, 80);
    }

    [Fact]
    public void Align_WhenSpanIsOutside_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TargetAlignment.Align(fixture.Encoder.Tokenizer, "Short.", 3, 10));
    }

    [Fact]
    public void Encoder_GivesOneStateRowPerPiece_AndPoolingHasSevenBlocks()
    {
        const string sentence = "The Taliban attacked a checkpoint near Kabul.";
        var aligned = TargetAlignment.Align(fixture.Encoder.Tokenizer, sentence, 4, 11);

        var states = fixture.Encoder.Run([aligned.Ids]);
        var pooled = TargetPooling.Pool(states[0], aligned);

        Assert.Equal(aligned.Length * MiniLmEncoder.Dimensions, states[0].Length);
        Assert.Equal(7 * 384, pooled.Length);
        Assert.All(pooled, v => Assert.True(float.IsFinite(v)));
    }
}
