using ThreatScorer.Core.Models;
using ThreatScorer.Core.Training;
using ThreatScorer.Tests.TestSupport;

namespace ThreatScorer.Tests.Models;

/// <summary>The models committed under models/ load from disk and do what their cards say.</summary>
public sealed class ShippedModelTests
{
    [SharedDataFact("newsmtsc/dev-rw.jsonl")]
    public async Task ShippedStanceModel_OnDevRw_ReachesMacroF1OfAtLeast055()
    {
        var model = ShippedModels.StanceLoader.LoadActive(RepoPaths.Models);
        var records = await NewsMtscReader.ReadAsync(Path.Combine(RepoPaths.SharedData, "newsmtsc", "dev-rw.jsonl"), CancellationToken.None);

        var predictions = model.PredictBatch(records.Select(r => new StanceInput(r.Sentence, r.From, r.To)).ToList(), CancellationToken.None);
        var report = Evaluator.Evaluate(records.Select(r => r.Label).ToList(), predictions.Select(p => p.Label).ToList(), PolarityLabels.All);

        Assert.True(report.MacroF1 >= 0.55, $"macro-F1 on dev-rw was {report.MacroF1:F3}");
    }

    [Fact]
    public void ShippedModels_ActiveVersionsMatchTheirMetrics()
    {
        Assert.StartsWith("stance-", ShippedModels.StanceLoader.LoadActive(RepoPaths.Models).Version, StringComparison.Ordinal);
        Assert.StartsWith("sentiment-", SentimentModel.LoadActive(RepoPaths.Models).Version, StringComparison.Ordinal);
    }

    [Fact]
    public void ShippedSentimentModel_OnObviousSentences_OrdersScoresSensibly()
    {
        var model = SentimentModel.LoadActive(RepoPaths.Models);
        string[] negative =
        [
            "The regime's brutal crackdown killed dozens of peaceful protesters and was condemned as a massacre.",
            "Critics slammed the corrupt senator, calling his lies a disgrace and a betrayal of voters.",
        ];
        string[] positive =
        [
            "Supporters praised the mayor's brilliant leadership and thanked her for the hugely successful recovery.",
            "The president was widely celebrated for his courage, honesty and generous help to the victims.",
        ];

        var negativeScores = model.PredictBatch(negative, CancellationToken.None).Select(p => p.PolarityScore).ToList();
        var positiveScores = model.PredictBatch(positive, CancellationToken.None).Select(p => p.PolarityScore).ToList();

        Assert.All(negativeScores, s => Assert.True(s < 0, $"negative sentence scored {s}"));
        Assert.All(positiveScores, s => Assert.True(s > 0, $"positive sentence scored {s}"));
        Assert.True(positiveScores.Average() - negativeScores.Average() >= 0.3, $"{positiveScores.Average()} vs {negativeScores.Average()}");
        var mostlyNegative = SentimentModel.Aggregate(model.PredictBatch([negative[0], negative[1], positive[0]], CancellationToken.None));
        var mostlyPositive = SentimentModel.Aggregate(model.PredictBatch([positive[1], positive[0], negative[0]], CancellationToken.None));
        Assert.True(mostlyNegative.Score < 0 && mostlyPositive.Score > 0, $"{mostlyNegative} / {mostlyPositive}");
        Assert.NotEqual("positive", mostlyNegative.Label);
    }
}
