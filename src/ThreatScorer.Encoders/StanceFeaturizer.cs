using ThreatScorer.Core.Models;

namespace ThreatScorer.Encoders;

/// <summary>Turns stance inputs into pooled encoder vectors: aligned, sorted by length, encoded in batches.</summary>
public sealed class StanceFeaturizer(MiniLmEncoder encoder, bool maskTarget = false, int batchSize = 32)
{
    /// <summary>One <see cref="TargetPooling.Length"/> vector per input, in input order.</summary>
    public float[][] Featurize(IReadOnlyList<StanceInput> inputs, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var aligned = inputs.Select(i => TargetAlignment.Align(encoder.Tokenizer, i.Sentence, i.From, i.To, maskTarget)).ToArray();
        return encoder.RunSorted(
            aligned.Select(a => a.Ids).ToList(), (i, states) => TargetPooling.Pool(states, aligned[i]), batchSize, progress, cancellationToken);
    }
}
