using ThreatScorer.Core.Models;

namespace ThreatScorer.Encoders;

/// <summary>Turns stance inputs into pooled encoder vectors: aligned, sorted by length, encoded in batches.</summary>
public sealed class StanceFeaturizer(MiniLmEncoder encoder, bool maskTarget = false, int batchSize = 32)
{
    /// <summary>One <see cref="TargetPooling.Length"/> vector per input, in input order.</summary>
    public float[][] Featurize(IReadOnlyList<StanceInput> inputs, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var aligned = new TargetTokens[inputs.Count];
        for (var i = 0; i < inputs.Count; i++)
        {
            aligned[i] = TargetAlignment.Align(encoder.Tokenizer, inputs[i].Sentence, inputs[i].From, inputs[i].To, maskTarget);
        }

        // Sorting by length keeps padding (and so wasted encoder work) small: about 2× faster than input order.
        var order = Enumerable.Range(0, inputs.Count).OrderBy(i => aligned[i].Length).ToArray();
        var output = new float[inputs.Count][];
        for (var start = 0; start < order.Length; start += batchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var slice = order.AsSpan(start, Math.Min(batchSize, order.Length - start)).ToArray();
            var states = encoder.Run(slice.Select(i => aligned[i].Ids).ToList());
            for (var j = 0; j < slice.Length; j++)
            {
                output[slice[j]] = TargetPooling.Pool(states[j], aligned[slice[j]]);
            }

            progress?.Report(start + slice.Length);
        }

        return output;
    }
}
