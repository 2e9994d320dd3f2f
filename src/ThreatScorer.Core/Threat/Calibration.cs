namespace ThreatScorer.Core.Threat;

/// <summary>Calibration measures: how far predicted probabilities are from observed frequencies.</summary>
public static class Calibration
{
    /// <summary>
    /// Expected calibration error with equal-width bins: the bin-size-weighted mean of |accuracy − confidence|.
    /// For a multiclass model pass the top-label confidence and whether the top label was right; for a binary
    /// model pass P(positive) and whether the example was positive.
    /// </summary>
    public static double ExpectedCalibrationError(IReadOnlyList<double> confidence, IReadOnlyList<bool> outcome, int bins = 10)
    {
        ArgumentNullException.ThrowIfNull(confidence);
        ArgumentNullException.ThrowIfNull(outcome);
        if (confidence.Count != outcome.Count)
        {
            throw new ArgumentException($"{confidence.Count} confidences for {outcome.Count} outcomes.", nameof(outcome));
        }

        if (confidence.Count == 0)
        {
            return 0;
        }

        var count = new int[bins];
        var sumConfidence = new double[bins];
        var sumOutcome = new double[bins];
        for (var i = 0; i < confidence.Count; i++)
        {
            var bin = Math.Min(bins - 1, (int)(Math.Clamp(confidence[i], 0, 1) * bins));
            count[bin]++;
            sumConfidence[bin] += confidence[i];
            sumOutcome[bin] += outcome[i] ? 1 : 0;
        }

        double ece = 0;
        for (var b = 0; b < bins; b++)
        {
            if (count[b] > 0)
            {
                ece += (double)count[b] / confidence.Count * Math.Abs((sumOutcome[b] / count[b]) - (sumConfidence[b] / count[b]));
            }
        }

        return ece;
    }
}
