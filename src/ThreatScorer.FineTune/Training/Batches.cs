using static TorchSharp.torch;

namespace ThreatScorer.FineTune.Training;

/// <summary>Padded tensors of a batch of examples (pads with id 0 and mask 0).</summary>
public sealed class Batch : IDisposable
{
    private Batch(Tensor ids, Tensor mask, Tensor target, Tensor labels)
    {
        Ids = ids;
        Mask = mask;
        Target = target;
        Labels = labels;
    }

    public Tensor Ids { get; }

    public Tensor Mask { get; }

    public Tensor Target { get; }

    public Tensor Labels { get; }

    public static Batch Create(IReadOnlyList<StanceExample> examples)
    {
        ArgumentNullException.ThrowIfNull(examples);
        var tokens = examples.Max(e => e.Ids.Length);
        var ids = new long[examples.Count * tokens];
        var mask = new long[examples.Count * tokens];
        var target = new float[examples.Count * tokens];
        var labels = new long[examples.Count];
        for (var i = 0; i < examples.Count; i++)
        {
            var e = examples[i];
            for (var t = 0; t < e.Ids.Length; t++)
            {
                ids[(i * tokens) + t] = e.Ids[t];
                mask[(i * tokens) + t] = 1;
            }

            for (var t = e.TargetStart; t < e.TargetEnd; t++)
            {
                target[(i * tokens) + t] = 1f;
            }

            labels[i] = e.Label;
        }

        long[] shape = [examples.Count, tokens];
        return new Batch(tensor(ids, shape), tensor(mask, shape), tensor(target, shape), tensor(labels, [examples.Count]));
    }

    /// <summary>
    /// Batches of similar length (little padding, so little wasted encoder work) in a random order: examples are
    /// sorted by length with random tie-breaking, cut into batches, and the batches shuffled.
    /// </summary>
    public static List<StanceExample[]> LengthBucketed(IReadOnlyList<StanceExample> examples, int batchSize, Random random)
    {
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        var sorted = examples.Select(e => (e, key: random.NextDouble())).OrderBy(p => p.e.Ids.Length).ThenBy(p => p.key).Select(p => p.e).ToArray();
        var batches = sorted.Chunk(batchSize).ToList();
        random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(batches));
        return batches;
    }

    public void Dispose()
    {
        Ids.Dispose();
        Mask.Dispose();
        Target.Dispose();
        Labels.Dispose();
    }
}
