using ThreatScorer.Core.Models;
using ThreatScorer.Core.Training;

namespace ThreatScorer.Tests.Models;

public sealed class EvaluatorAndReaderTests
{
    [Fact]
    public void Evaluate_KnownConfusion_GivesHandComputedMetrics()
    {
        string[] gold = ["negative", "negative", "neutral", "positive", "positive", "positive"];
        string[] predicted = ["negative", "neutral", "neutral", "positive", "negative", "positive"];

        var report = Evaluator.Evaluate(gold, predicted, PolarityLabels.All);

        Assert.Equal(4.0 / 6, report.Accuracy, 6);
        Assert.Equal(0.5, report.PerClass[0].Precision, 6);
        Assert.Equal(0.5, report.PerClass[0].Recall, 6);
        Assert.Equal(2.0 / 3, report.PerClass[1].F1, 6);
        Assert.Equal(0.8, report.PerClass[2].F1, 6);
        Assert.Equal((0.5 + (2.0 / 3) + 0.8) / 3, report.MacroF1, 6);
        Assert.Equal([1, 1, 0], report.ConfusionMatrix[0]);
        Assert.Equal([1, 0, 2], report.ConfusionMatrix[2]);
    }

    [Fact]
    public async Task ReadAsync_MalformedLine_ThrowsWithFileAndLine()
    {
        using var reader = new StringReader(
            "{\"mention\":\"Smith\",\"polarity\":1,\"from\":0,\"to\":5,\"sentence\":\"Smith won.\",\"id\":\"a\"}\n"
            + "{\"mention\":\"Lee\",\"polarity\":1,\"from\":0,\"to\":5,\"sentence\":\"Smith won.\",\"id\":\"b\"}\n");

        var ex = await Assert.ThrowsAsync<InputFormatException>(() => NewsMtscReader.ReadAsync(reader, "train.jsonl", CancellationToken.None));

        Assert.Equal(2, ex.Line);
        Assert.StartsWith("train.jsonl:2:", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Aggregate_WeighsTitleAndLeadAndAppliesThresholds()
    {
        var negative = Prediction(0.8f, 0.1f, 0.1f);
        var positive = Prediction(0.1f, 0.1f, 0.8f);
        var neutral = Prediction(0.1f, 0.8f, 0.1f);

        // Weights 2 (title), 1.5, 1.5 (lead), 1: (−1.4 − 1.05 + 0 + 0.7) / 6.
        var article = SentimentModel.Aggregate([negative, negative, neutral, positive]);
        Assert.Equal("negative", article.Label);
        Assert.Equal(-1.75f / 6, article.Score, 5);
        Assert.Equal(4, article.SentenceCount);
        Assert.Equal("neutral", SentimentModel.Aggregate([negative, neutral, positive]).Label);

        Assert.Equal("positive", SentimentModel.Aggregate([negative, positive], [1f, 3f]).Label);
        Assert.Equal("neutral", SentimentModel.Aggregate([negative, positive], [1f, 1f]).Label);
        Assert.Equal(new ArticleSentiment("neutral", 0f, 0), SentimentModel.Aggregate([]));
        Assert.Throws<ArgumentException>(() => SentimentModel.Aggregate([negative], [1f, 2f]));
    }

    private static ClassPrediction Prediction(float negative, float neutral, float positive) =>
        new(
            negative >= neutral && negative >= positive ? "negative" : positive >= neutral ? "positive" : "neutral",
            new Dictionary<string, float> { ["negative"] = negative, ["neutral"] = neutral, ["positive"] = positive });
}
