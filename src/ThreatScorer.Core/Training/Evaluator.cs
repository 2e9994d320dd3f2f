namespace ThreatScorer.Core.Training;

/// <summary>Precision, recall and F1 of one class.</summary>
public sealed record ClassMetrics(string Label, double Precision, double Recall, double F1, int Support);

/// <summary>
/// Multiclass evaluation: per-class metrics, macro-F1 (unweighted mean of class F1s), accuracy, and a confusion
/// matrix indexed [gold][predicted] in <see cref="Labels"/> order.
/// </summary>
public sealed record EvaluationReport(
    IReadOnlyList<string> Labels,
    IReadOnlyList<ClassMetrics> PerClass,
    double MacroF1,
    double Accuracy,
    IReadOnlyList<IReadOnlyList<int>> ConfusionMatrix,
    int Count);

/// <summary>Computes an <see cref="EvaluationReport"/> from gold and predicted labels.</summary>
public static class Evaluator
{
    /// <summary>Evaluates predictions against gold labels over <paramref name="labels"/> (their order is kept).</summary>
    /// <exception cref="ArgumentException">Lengths differ, or a label is not in <paramref name="labels"/>.</exception>
    public static EvaluationReport Evaluate(IReadOnlyList<string> gold, IReadOnlyList<string> predicted, IReadOnlyList<string> labels)
    {
        ArgumentNullException.ThrowIfNull(gold);
        ArgumentNullException.ThrowIfNull(predicted);
        ArgumentNullException.ThrowIfNull(labels);
        if (gold.Count != predicted.Count)
        {
            throw new ArgumentException($"{gold.Count} gold labels but {predicted.Count} predictions.", nameof(predicted));
        }

        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < labels.Count; i++)
        {
            index[labels[i]] = i;
        }

        var matrix = new int[labels.Count][];
        for (var i = 0; i < labels.Count; i++)
        {
            matrix[i] = new int[labels.Count];
        }

        var correct = 0;
        for (var i = 0; i < gold.Count; i++)
        {
            if (!index.TryGetValue(gold[i], out var g))
            {
                throw new ArgumentException($"Gold label '{gold[i]}' at {i} is not one of the labels.", nameof(gold));
            }

            if (!index.TryGetValue(predicted[i], out var p))
            {
                throw new ArgumentException($"Predicted label '{predicted[i]}' at {i} is not one of the labels.", nameof(predicted));
            }

            matrix[g][p]++;
            if (g == p)
            {
                correct++;
            }
        }

        var perClass = new List<ClassMetrics>(labels.Count);
        for (var c = 0; c < labels.Count; c++)
        {
            var tp = matrix[c][c];
            var support = matrix[c].Sum();
            var predictedCount = matrix.Sum(row => row[c]);
            var precision = predictedCount == 0 ? 0 : (double)tp / predictedCount;
            var recall = support == 0 ? 0 : (double)tp / support;
            var f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            perClass.Add(new ClassMetrics(labels[c], precision, recall, f1, support));
        }

        return new EvaluationReport(
            labels.ToArray(),
            perClass,
            labels.Count == 0 ? 0 : perClass.Average(m => m.F1),
            gold.Count == 0 ? 0 : (double)correct / gold.Count,
            matrix,
            gold.Count);
    }
}
