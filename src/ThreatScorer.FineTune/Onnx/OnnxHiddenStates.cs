using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace ThreatScorer.FineTune.Onnx;

/// <summary>Runs a BERT ONNX graph (the shipped one or an exported fine-tune) through ONNX Runtime for <c>last_hidden_state</c>.</summary>
public sealed class OnnxHiddenStates(byte[] model, int threads = 2) : IDisposable
{
    private readonly InferenceSession _session = CreateSession(model, threads);

    /// <summary>Row-major [tokens × hidden] states of each input (one padded batch).</summary>
    public float[][] Run(IReadOnlyList<int[]> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var seq = batch.Max(b => b.Length);
        var ids = new DenseTensor<long>([batch.Count, seq]);
        var mask = new DenseTensor<long>([batch.Count, seq]);
        var types = new DenseTensor<long>([batch.Count, seq]);
        for (var i = 0; i < batch.Count; i++)
        {
            for (var t = 0; t < batch[i].Length; t++)
            {
                ids[i, t] = batch[i][t];
                mask[i, t] = 1;
            }
        }

        using var results = _session.Run(
        [
            NamedOnnxValue.CreateFromTensor("input_ids", ids),
            NamedOnnxValue.CreateFromTensor("attention_mask", mask),
            NamedOnnxValue.CreateFromTensor("token_type_ids", types),
        ]);
        var hidden = results.First(r => r.Name == "last_hidden_state").AsTensor<float>();
        var width = (int)hidden.Dimensions[2];
        var flat = hidden.ToArray();
        return batch.Select((b, i) => flat.AsSpan(i * seq * width, b.Length * width).ToArray()).ToArray();
    }

    public void Dispose() => _session.Dispose();

    private static InferenceSession CreateSession(byte[] model, int threads)
    {
        using var options = new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1 };
        return new InferenceSession(model, options);
    }
}
