using ThreatScorer.FineTune;
using ThreatScorer.Encoders;
using ThreatScorer.FineTune.Training;

namespace ThreatScorer.Tests.FineTune;

public sealed class StanceHeadTests
{
    [Fact]
    public void Logits_PoolSentenceAndTargetMeans_ThenApplyTheLinearHead()
    {
        // hidden 2; tokens [1,0] [3,2] [5,4]: sentence mean (3, 2), target (tokens 1..2) mean (4, 3).
        float[] states = [1, 0, 3, 2, 5, 4];
        var head = StanceHead.FromFlat([1, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 1], [0.5f, -1, 0], hidden: 2);

        var logits = head.Logits(states, tokens: 3, targetStart: 1, targetEnd: 3);

        Assert.Equal([3.5f, 3f, 5f], logits);
    }

    [Fact]
    public void Json_RoundTrips_AndParseNamesWhatIsWrong()
    {
        var head = StanceHead.FromFlat(Enumerable.Range(0, 12).Select(i => (float)i).ToArray(), [1, 2, 3], hidden: 2);

        var back = StanceHead.Parse(head.ToJson(), "head.json");

        Assert.Equal(["negative", "neutral", "positive"], back.Labels);
        Assert.Equal(head.Weight, back.Weight);
        Assert.Equal(head.Bias, back.Bias);
        var shortRow = Assert.Throws<InvalidDataException>(() => StanceHead.Parse(head.ToJson().Replace("[8,9,10,11]", "[8,9,10]", StringComparison.Ordinal), "h.json"));
        Assert.Contains("h.json", shortRow.Message, StringComparison.Ordinal);
        Assert.Contains("row 2", shortRow.Message, StringComparison.Ordinal);
        var bias = Assert.Throws<InvalidDataException>(() => StanceHead.Parse(head.ToJson().Replace("\"bias\":[1,2,3]", "\"bias\":[1,2]", StringComparison.Ordinal), "h.json"));
        Assert.Contains("\"bias\"", bias.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidDataException>(() => StanceHead.Parse("{\"labels\":", "h.json"));
    }

    [Fact]
    public void Scores_MacroF1_IsTheMeanOfPerClassF1()
    {
        // class 0: tp 2, fp 1, fn 0 → 0.8; class 1: tp 1, fp 1, fn 1 → 0.5; class 2: tp 0, fp 0, fn 1 → 0.
        var scores = StanceScores.Compute([0, 0, 1, 1, 2], [0, 0, 1, 0, 1]);

        Assert.Equal(0.8, scores.F1PerClass[0], 6);
        Assert.Equal(0.5, scores.F1PerClass[1], 6);
        Assert.Equal(0, scores.F1PerClass[2], 6);
        Assert.Equal((0.8 + 0.5) / 3, scores.MacroF1, 6);
        Assert.Equal(0.6, scores.Accuracy, 6);
    }

    [Fact]
    public void CommandLine_NamesAMissingValueAnUnknownOptionAndABadNumber()
    {
        Assert.Contains("--epochs", Assert.Throws<CommandLineException>(() => CommandLine.Parse(["--epochs"])).Message, StringComparison.Ordinal);
        var line = CommandLine.Parse(["--epochs", "two", "--eopchs", "3"]);
        Assert.Contains("'two'", Assert.Throws<CommandLineException>(() => line.Whole("epochs", 3)).Message, StringComparison.Ordinal);
        Assert.Contains("--eopchs", Assert.Throws<CommandLineException>(line.ThrowOnUnused).Message, StringComparison.Ordinal);
    }
}
