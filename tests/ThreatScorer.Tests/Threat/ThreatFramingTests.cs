using ThreatScorer.Core.Cleaning;
using ThreatScorer.Core.Scoring;
using ThreatScorer.Core.Threat;

namespace ThreatScorer.Tests.Threat;

public sealed class ThreatFramingTests
{
    private static readonly string[] NoKinds = [];

    [Fact]
    public void Aggregate_OneQuotedThreatInLongPeacefulArticle_IsNotHigh()
    {
        var predictions = Enumerable.Range(0, 40).Select(_ => Sentence(none: 0.9, low: 0.08, elevated: 0.01, high: 0.01)).ToList();
        predictions[25] = Sentence(none: 0.02, low: 0.03, elevated: 0.15, high: 0.8, kinds: ["terrorism"]);

        var threat = ThreatFraming.Aggregate(Sentences(40), predictions);

        Assert.NotEqual(ThreatLabels.High, threat.Level);
        Assert.True(threat.Score < 0.5, $"score {threat.Score}");
    }

    [Fact]
    public void Aggregate_ShortAttackReport_IsHighWithItsKindAndEvidence()
    {
        var predictions = new List<SentenceThreat>
        {
            Sentence(none: 0.02, low: 0.03, elevated: 0.1, high: 0.85, kinds: ["terrorism"]),
            Sentence(none: 0.05, low: 0.05, elevated: 0.2, high: 0.7, kinds: ["terrorism"]),
            Sentence(none: 0.7, low: 0.2, elevated: 0.05, high: 0.05),
        };

        var threat = ThreatFraming.Aggregate(Sentences(3, title: true), predictions);

        Assert.Equal(ThreatLabels.High, threat.Level);
        Assert.Equal("terrorism", threat.TopKind);
        Assert.Equal([0, 1], threat.Evidence.Select(e => e.SentenceIndex).Order());
        Assert.InRange(threat.Score, 0.8, 1.0);
    }

    [Fact]
    public void Aggregate_NoThreat_NamesNoKind()
    {
        var predictions = Enumerable.Range(0, 5).Select(_ => Sentence(none: 0.85, low: 0.1, elevated: 0.03, high: 0.02, kinds: ["crime"], kindProbability: 0.3)).ToList();

        var threat = ThreatFraming.Aggregate(Sentences(5), predictions);

        Assert.Equal(ThreatLabels.None, threat.Level);
        Assert.Null(threat.TopKind);
        Assert.Empty(threat.Evidence);
    }

    [Fact]
    public void Aggregate_TitleWeighsMoreThanBody()
    {
        var threatening = Sentence(none: 0.05, low: 0.1, elevated: 0.7, high: 0.15, kinds: ["armed_conflict"]);
        var calm = Sentence(none: 0.8, low: 0.15, elevated: 0.03, high: 0.02);
        var titleFirst = ThreatFraming.Aggregate(Sentences(8, title: true), [threatening, .. Enumerable.Repeat(calm, 7)]);
        var buried = ThreatFraming.Aggregate(Sentences(8, title: true), [.. Enumerable.Repeat(calm, 7), threatening]);

        Assert.True(titleFirst.Score > buried.Score, $"{titleFirst.Score} <= {buried.Score}");
    }

    [Fact]
    public void Aggregate_EmptyText_IsNone()
    {
        var threat = ThreatFraming.Aggregate([], []);

        Assert.Equal(ThreatLabels.None, threat.Level);
        Assert.Equal(0, threat.Score);
    }

    [Fact]
    public void Calibration_PerfectlyCalibratedBins_HaveZeroError()
    {
        var confidence = new List<double> { 0.25, 0.25, 0.25, 0.25, 0.75, 0.75, 0.75, 0.75 };
        var outcome = new List<bool> { true, false, false, false, true, true, true, false };

        Assert.Equal(0, Calibration.ExpectedCalibrationError(confidence, outcome), precision: 9);
        Assert.Equal(0.75, Calibration.ExpectedCalibrationError([0.75, 0.75], [false, false]), precision: 9);
    }

    private static List<Sentence> Sentences(int count, bool title = false) =>
        Enumerable.Range(0, count).Select(i => new Sentence(i, i * 10, 9, title ? Math.Min(i, 1) : 0, "Sentence.") { IsTitle = title && i == 0 }).ToList();

    private static SentenceThreat Sentence(double none, double low, double elevated, double high, string[]? kinds = null, double kindProbability = 0.9) =>
        new(
            new Dictionary<string, float> { ["none"] = (float)none, ["low"] = (float)low, ["elevated"] = (float)elevated, ["high"] = (float)high },
            ThreatLabels.Kinds.ToDictionary(k => k, k => (kinds ?? NoKinds).Contains(k) ? (float)kindProbability : 0.02f));
}
