using ThreatScorer.Core.Models;
using ThreatScorer.Core.Training;

namespace ThreatScorer.Encoders;

/// <summary>
/// Measures a two-tier stance setup on labelled data: the fast student scores every mention and the teacher
/// re-scores the given fraction where the student is least confident. Reports macro-F1 per fraction and the blended
/// throughput implied by the two measured speeds.
/// </summary>
public static class TwoTierEvaluation
{
    /// <summary>One row of the result: teacher share, macro-F1 and the blended predictions/s.</summary>
    public sealed record Row(double TeacherShare, double MacroF1, double PredictionsPerSecond);

    /// <summary>Evaluates each fraction (0..1) of least-confident student predictions handed to the teacher.</summary>
    public static IReadOnlyList<Row> Evaluate(
        IReadOnlyList<string> gold,
        IReadOnlyList<ClassPrediction> student,
        IReadOnlyList<ClassPrediction> teacher,
        IReadOnlyList<double> shares,
        double studentPerSecond,
        double teacherPerSecond)
    {
        ArgumentNullException.ThrowIfNull(gold);
        ArgumentNullException.ThrowIfNull(student);
        ArgumentNullException.ThrowIfNull(teacher);
        ArgumentNullException.ThrowIfNull(shares);
        var byConfidence = Enumerable.Range(0, gold.Count).OrderBy(i => student[i].Confidence).ThenBy(i => i).ToArray();
        var rows = new List<Row>();
        foreach (var share in shares)
        {
            var handed = new HashSet<int>(byConfidence.Take((int)Math.Round(share * gold.Count)));
            var predicted = Enumerable.Range(0, gold.Count).Select(i => handed.Contains(i) ? teacher[i].Label : student[i].Label).ToList();
            var report = Evaluator.Evaluate(gold, predicted, PolarityLabels.All);
            var perSecond = 1 / ((share / teacherPerSecond) + ((1 - share) / studentPerSecond));
            rows.Add(new Row(share, report.MacroF1, perSecond));
        }

        return rows;
    }
}
