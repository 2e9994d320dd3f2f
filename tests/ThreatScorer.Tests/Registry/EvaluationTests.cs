using ThreatScorer.Core.Models;
using ThreatScorer.Core.Training;
using ThreatScorer.Tests.TestSupport;

namespace ThreatScorer.Tests.Registry;

public sealed class EvaluationTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Evaluate_SmallLabelledFile_GivesHandComputedNumbers()
    {
        // Four sentences; the expected metrics below are computed by hand from the model's own predictions,
        // which the test first reads back, so the arithmetic (not the model) is under test.
        // The request names no gazetteer: the shipped stance model reads the target's actor type, so this also checks
        // that evaluation finds the gazetteer of the models root the version folder sits in.
        var model = Path.Combine(RepoPaths.Models, "stance", ModelRegistry.ActiveVersion(RepoPaths.Models, "stance")!);
        var file = _dir.Write("small.jsonl", string.Join('\n',
            """{"id":"1","mention":"Hamas","polarity":-1,"from":0,"to":5,"sentence":"Hamas fired rockets at civilians and killed three children."}""",
            """{"id":"2","mention":"UN","polarity":1,"from":4,"to":6,"sentence":"The UN delivered food and medicine to thousands of families."}""",
            """{"id":"3","mention":"Canada","polarity":0,"from":0,"to":6,"sentence":"Canada published its quarterly trade figures on Tuesday."}""",
            """{"id":"4","mention":"Oslo","polarity":1,"from":0,"to":4,"sentence":"Oslo reported its quarterly budget figures on Tuesday."}"""));
        var predicted = StanceModel.Load(model).PredictBatch(
        [
            new StanceInput("Hamas fired rockets at civilians and killed three children.", 0, 5),
            new StanceInput("The UN delivered food and medicine to thousands of families.", 4, 6),
            new StanceInput("Canada published its quarterly trade figures on Tuesday.", 0, 6),
            new StanceInput("Oslo reported its quarterly budget figures on Tuesday.", 0, 4),
        ], CancellationToken.None);
        var gold = new[] { "negative", "positive", "neutral", "positive" };

        var evaluation = await TaskEvaluator.EvaluateAsync(new EvaluationRequest("stance", model, [file]), CancellationToken.None);

        var correct = predicted.Select((p, i) => p.Label == gold[i]).Count(c => c);
        Assert.Equal(correct / 4.0, evaluation.Report.Accuracy, precision: 9);
        foreach (var label in PolarityLabels.All)
        {
            var tp = predicted.Where((p, i) => p.Label == label && gold[i] == label).Count();
            var fp = predicted.Where((p, i) => p.Label == label && gold[i] != label).Count();
            var fn = predicted.Where((p, i) => p.Label != label && gold[i] == label).Count();
            var precision = tp + fp == 0 ? 0 : (double)tp / (tp + fp);
            var recall = tp + fn == 0 ? 0 : (double)tp / (tp + fn);
            var f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            var metrics = Assert.Single(evaluation.Report.PerClass, c => c.Label == label);
            Assert.Equal(f1, metrics.F1, precision: 9);
            Assert.Equal(tp + fn, metrics.Support);
        }

        Assert.Equal(4, evaluation.Report.ConfusionMatrix.Sum(row => row.Sum()));
        var confidence = predicted.Select(p => (double)p.Confidence).ToList();
        var ece = confidence.Select((c, i) => (c, ok: predicted[i].Label == gold[i]))
            .GroupBy(x => Math.Min(9, (int)(x.c * 10)))
            .Sum(g => g.Count() / 4.0 * Math.Abs(g.Average(x => x.ok ? 1.0 : 0.0) - g.Average(x => x.c)));
        Assert.Equal(ece, evaluation.CalibrationError, precision: 6);
    }

    [Fact]
    public async Task Evaluate_WithReport_WritesMarkdownAndThreePlots()
    {
        var model = Path.Combine(RepoPaths.Models, "interaction", ModelRegistry.ActiveVersion(RepoPaths.Models, "interaction")!);
        var data = _dir.Write("corpus.jsonl", string.Join('\n',
            """{"id":"x1","text":"Rebels shelled the town overnight.","threat_level":"high","kinds":["armed_conflict"],"interaction":"material_conflict","group":"g10"}""",
            """{"id":"x2","text":"The two ministers agreed to meet again next month.","threat_level":"none","kinds":[],"interaction":"verbal_cooperation","group":"g10"}"""));

        var evaluation = await TaskEvaluator.EvaluateAsync(
            new EvaluationRequest("interaction", model, [data]) { GazetteerPath = Path.Combine(RepoPaths.Models, "actors", "gazetteer.json") },
            CancellationToken.None);
        var report = await EvaluationReportWriter.WriteAsync(evaluation, _dir.File("report"), CancellationToken.None);

        Assert.Contains("macro-F1", File.ReadAllText(report), StringComparison.Ordinal);
        foreach (var png in new[] { EvaluationReportWriter.ConfusionFile, EvaluationReportWriter.ReliabilityFile, EvaluationReportWriter.PerClassFile })
        {
            var bytes = File.ReadAllBytes(_dir.File(Path.Combine("report", png)));
            Assert.True(bytes.Length > 1000, png);
            Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, bytes[..4]);
        }
    }
}
