using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;

namespace ThreatScorer.Encoders;

/// <summary>
/// The classifier put on frozen encoder vectors (the stance teacher's and the sentence probe's): a column of
/// standardised features into LbfgsMaximumEntropy; class scores come out in the label order given at fit time.
/// </summary>
internal static class DenseHead
{
    /// <summary>Fits on rows with a <c>Features</c> vector and a <c>Label</c> string.</summary>
    public static ITransformer Fit<TRow>(MLContext ml, IEnumerable<TRow> rows, IReadOnlyList<string> labels, float l2)
        where TRow : class
    {
        var data = ml.Data.LoadFromEnumerable(rows);
        var keys = ml.Data.LoadFromEnumerable(labels.Select(l => new LabelOnly { Label = l }));
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label", "Label", keyData: keys)
            .Append(ml.Transforms.NormalizeMeanVariance("Features"))
            .AppendCacheCheckpoint(ml)
            .Append(ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(new LbfgsMaximumEntropyMulticlassTrainer.Options
            {
                L1Regularization = 0,
                L2Regularization = l2,
                NumberOfThreads = 1,
            }));
        return pipeline.Fit(data);
    }

    /// <summary>The class scores (probabilities) of each row, in input order.</summary>
    public static List<float[]> Score<TRow>(MLContext ml, ITransformer head, IEnumerable<TRow> rows)
        where TRow : class =>
        head.Transform(ml.Data.LoadFromEnumerable(rows)).GetColumn<float[]>("Score").ToList();

    private sealed class LabelOnly
    {
        public string Label { get; set; } = string.Empty;
    }
}
