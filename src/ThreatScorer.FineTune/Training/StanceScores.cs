namespace ThreatScorer.FineTune.Training;

/// <summary>Macro-F1 and accuracy over the 3 stance classes.</summary>
public sealed record StanceScores(int Count, double MacroF1, double Accuracy, double[] F1PerClass)
{
    public static StanceScores Compute(IReadOnlyList<int> gold, IReadOnlyList<int> predicted, int classes = 3)
    {
        ArgumentNullException.ThrowIfNull(gold);
        ArgumentNullException.ThrowIfNull(predicted);
        if (gold.Count != predicted.Count)
        {
            throw new ArgumentException($"{gold.Count} gold labels but {predicted.Count} predictions");
        }

        var f1 = new double[classes];
        for (var c = 0; c < classes; c++)
        {
            var tp = 0;
            var fp = 0;
            var fn = 0;
            for (var i = 0; i < gold.Count; i++)
            {
                if (predicted[i] == c && gold[i] == c)
                {
                    tp++;
                }
                else if (predicted[i] == c)
                {
                    fp++;
                }
                else if (gold[i] == c)
                {
                    fn++;
                }
            }

            f1[c] = tp == 0 ? 0 : 2.0 * tp / ((2.0 * tp) + fp + fn);
        }

        var correct = gold.Where((g, i) => predicted[i] == g).Count();
        return new StanceScores(gold.Count, f1.Average(), gold.Count == 0 ? 0 : (double)correct / gold.Count, f1);
    }
}
