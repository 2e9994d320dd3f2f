using ThreatScorer.Core.Models;
using ThreatScorer.Encoders;

namespace ThreatScorer.Tests.Encoders;

public sealed class TwoTierEvaluationTests
{
    private static ClassPrediction P(string label, float confidence) =>
        new(label, PolarityLabels.All.ToDictionary(l => l, l => l == label ? confidence : (1 - confidence) / 2));

    [Fact]
    public void Evaluate_HandsTheLeastConfidentStudentPredictionsToTheTeacher()
    {
        string[] gold = [PolarityLabels.Negative, PolarityLabels.Neutral, PolarityLabels.Positive, PolarityLabels.Negative];
        // The student is wrong exactly where it is unsure (items 1 and 2); the teacher is always right.
        ClassPrediction[] student = [P("negative", 0.9f), P("negative", 0.4f), P("neutral", 0.5f), P("negative", 0.8f)];
        var teacher = gold.Select(g => P(g, 0.7f)).ToArray();

        var rows = TwoTierEvaluation.Evaluate(gold, student, teacher, [0, 0.25, 0.5, 1], studentPerSecond: 10_000, teacherPerSecond: 100);

        Assert.True(rows[0].MacroF1 < rows[1].MacroF1);
        Assert.True(rows[1].MacroF1 < rows[2].MacroF1);
        Assert.Equal(1.0, rows[2].MacroF1, 6);
        Assert.Equal(10_000, rows[0].PredictionsPerSecond, 6);
        Assert.Equal(100, rows[3].PredictionsPerSecond, 6);
        // Half the mentions at 100/s dominate: 1 / (0.5/100 + 0.5/10000).
        Assert.Equal(1 / ((0.5 / 100) + (0.5 / 10_000)), rows[2].PredictionsPerSecond, 6);
    }
}
