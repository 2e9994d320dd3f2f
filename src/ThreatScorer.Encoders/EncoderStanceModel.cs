using System.Text.Json;
using Microsoft.ML;
using ThreatScorer.Core.Models;

namespace ThreatScorer.Encoders;

/// <summary>
/// A stance version of kind <c>encoder</c>: MiniLM token states pooled around each target
/// (<see cref="TargetPooling"/>) into the ML.NET head in <c>model.zip</c>. The encoder is the packaged
/// all-MiniLM-L6-v2 unless metrics.json names an ONNX file in the folder (<c>"encoderFile"</c>, with
/// <c>"vocabularyFile"</c>, default <c>vocab.txt</c>), e.g. a fine-tuned export. Unmasked models run one encoder pass per
/// distinct sentence for all its targets; masked ones need one pass per target. Thread-safe.
/// </summary>
public sealed class EncoderStanceModel : IStanceModel
{
    /// <summary>The value of <c>"kind"</c> in metrics.json.</summary>
    public const string Kind = "encoder";

    /// <summary>Inputs per encoder call: sorted by length, 32 keeps padding small and the batch cache-friendly.</summary>
    public const int BatchSize = 32;

    /// <summary>The value of <c>"head"</c> in metrics.json for a fine-tuned export's linear head in head.json.</summary>
    public const string LinearJsonHead = "linear-json";

    /// <summary>The value of <c>"head"</c> (also when absent) for the teacher's ML.NET head in model.zip.</summary>
    public const string MlNetHead = "mlnet";

    /// <summary>The linear head's file when metrics.json names none (<c>"headFile"</c>).</summary>
    public const string HeadFileName = "head.json";

    private readonly MLContext _ml;
    private readonly ITransformer? _head;
    private readonly StanceHead? _linear;
    private readonly StanceFeaturizer? _masked;

    private EncoderStanceModel(MLContext ml, ITransformer? head, StanceHead? linear, MiniLmEncoder encoder, bool maskTarget, string version)
    {
        _ml = ml;
        _head = head;
        _linear = linear;
        Encoder = encoder;
        MaskTarget = maskTarget;
        _masked = maskTarget ? new StanceFeaturizer(encoder, maskTarget: true, BatchSize) : null;
        Version = version;
    }

    /// <inheritdoc />
    public string Version { get; }

    /// <summary>Whether the target's words are replaced before encoding (then no pass is shared between targets).</summary>
    public bool MaskTarget { get; }

    /// <summary>The shared encoder this head reads.</summary>
    public MiniLmEncoder Encoder { get; }

    /// <summary>Loads an encoder-kind stance version folder over the hub's encoders, checked with one prediction.</summary>
    /// <exception cref="ModelLoadException">A file is missing, corrupt or does not fit; the message names the path.</exception>
    public static EncoderStanceModel Load(string modelDirectory, JsonElement metadata, EncoderHub hub)
    {
        ArgumentNullException.ThrowIfNull(hub);
        var (ml, version, _) = ModelFolder.Open(modelDirectory, ModelTasks.Stance);
        var dir = Path.GetFullPath(modelDirectory);
        var linear = HeadKind(metadata, dir) == LinearJsonHead
            ? LoadLinearHead(Path.Combine(dir, FileName(metadata, dir, "headFile", HeadFileName)!))
            : null;
        var head = linear is null ? ModelFolder.LoadZip(ml, Path.Combine(dir, ModelRegistry.ModelFileName)) : null;
        var mask = linear is null && metadata.TryGetProperty("hyperparameters", out var hp)
            && hp.ValueKind == JsonValueKind.Object
            && hp.TryGetProperty("maskTarget", out var m) && m.ValueKind == JsonValueKind.True;
        var quantise = Quantization(metadata, dir);
        var encoder = FileName(metadata, dir, "encoderFile", null) is { } onnx
            ? hub.FromFiles(Path.Combine(dir, onnx), Path.Combine(dir, FileName(metadata, dir, "vocabularyFile", "vocab.txt")!), quantise)
            : quantise ? hub.PackagedInt8 : hub.Packaged;
        var model = new EncoderStanceModel(ml, head, linear, encoder, mask, version);
        return ModelFolder.Checked(model, dir, ModelTasks.Stance, x => x.PredictBatch([new StanceInput("Officials met on Monday.", 0, 9)], CancellationToken.None));
    }

    /// <inheritdoc />
    public IReadOnlyList<ClassPrediction> PredictBatch(IReadOnlyList<StanceInput> inputs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Count == 0)
        {
            return [];
        }

        if (_linear is not null)
        {
            return Array.ConvertAll(Logits(inputs, cancellationToken), l => TextFeatures.ToPrediction(Softmax(l)));
        }

        return StanceTeacher.Score(_ml, _head!, Featurize(inputs, cancellationToken));
    }

    /// <summary>
    /// The linear head's logits for every input, in input order: [sentence mean ; target mean] of the last hidden
    /// states, pooled exactly as the fine-tuning tool's <c>evaluate</c> does (<see cref="StanceHead.Logits"/>), one
    /// encoder pass per sentence shared by its targets.
    /// </summary>
    /// <exception cref="InvalidOperationException">This version has no linear head.</exception>
    internal float[][] Logits(IReadOnlyList<StanceInput> inputs, CancellationToken cancellationToken)
    {
        var head = _linear ?? throw new InvalidOperationException($"{Version} has no {LinearJsonHead} head");
        return Pooled(inputs, (states, tokens) => head.Logits(states, tokens.Length, tokens.TargetStart, tokens.TargetEnd), cancellationToken);
    }

    /// <summary>The pooled vector of every input, in input order.</summary>
    internal float[][] Featurize(IReadOnlyList<StanceInput> inputs, CancellationToken cancellationToken)
    {
        if (_masked is not null)
        {
            return _masked.Featurize(inputs, null, cancellationToken);
        }

        return Pooled(inputs, (states, tokens) => TargetPooling.Pool(states, tokens), cancellationToken);
    }

    // One encoder pass per sentence (SharedPassAlignment), each target's vector from that pass's states.
    private float[][] Pooled(IReadOnlyList<StanceInput> inputs, Func<float[], TargetTokens, float[]> pool, CancellationToken cancellationToken)
    {
        var plan = SharedPassAlignment.Build(Encoder.Tokenizer, inputs);
        var byInput = Enumerable.Range(0, inputs.Count).ToLookup(i => plan.InputOf[i]);
        var features = new float[inputs.Count][];
        Encoder.RunSorted(
            plan.Inputs,
            (input, states) =>
            {
                foreach (var target in byInput[input])
                {
                    features[target] = pool(states, plan.Targets[target]);
                }

                return [];
            },
            BatchSize,
            null,
            cancellationToken);
        return features;
    }

    /// <summary>The number of encoder passes <see cref="PredictBatch"/> runs for these inputs.</summary>
    internal int Passes(IReadOnlyList<StanceInput> inputs) =>
        MaskTarget ? inputs.Count : SharedPassAlignment.Build(Encoder.Tokenizer, inputs).Inputs.Count;

    private static float[] Softmax(float[] logits)
    {
        var max = logits.Max();
        var exp = Array.ConvertAll(logits, l => MathF.Exp(l - max));
        var sum = exp.Sum();
        return Array.ConvertAll(exp, e => e / sum);
    }

    // "head": absent or "mlnet" = model.zip (the teacher's), "linear-json" = head.json (a fine-tuned export's).
    private static string HeadKind(JsonElement metadata, string dir) =>
        !metadata.TryGetProperty("head", out var value) ? MlNetHead
        : value.ValueKind == JsonValueKind.String && value.GetString() is MlNetHead or LinearJsonHead ? value.GetString()!
        : throw new ModelLoadException(Path.Combine(dir, ModelRegistry.MetricsFileName), $"'head' must be \"{MlNetHead}\" or \"{LinearJsonHead}\"");

    // head.json: the fine-tuned export's linear head over [sentence mean ; target mean], labels in PolarityLabels order.
    private static StanceHead LoadLinearHead(string path)
    {
        if (!File.Exists(path))
        {
            throw new ModelLoadException(path, "head file is missing (a \"head\": \"linear-json\" version needs it)");
        }

        StanceHead head;
        try
        {
            head = StanceHead.Parse(File.ReadAllText(path), path);
        }
        catch (InvalidDataException ex)
        {
            throw new ModelLoadException(path, ex.Message.StartsWith(path + ": ", StringComparison.Ordinal) ? ex.Message[(path.Length + 2)..] : ex.Message, ex);
        }

        if (head.Hidden != MiniLmEncoder.Dimensions)
        {
            throw new ModelLoadException(path, $"\"hidden\" is {head.Hidden}, the encoder gives {MiniLmEncoder.Dimensions}");
        }

        if (!head.Labels.SequenceEqual(PolarityLabels.All, StringComparer.Ordinal))
        {
            throw new ModelLoadException(path, $"\"labels\" must be [{string.Join(", ", PolarityLabels.All)}], not [{string.Join(", ", head.Labels)}]");
        }

        return head;
    }

    // "encoderQuantization": absent or "none" = the float encoder, "int8" = EncoderQuantization.Int8Dynamic at load.
    private static bool Quantization(JsonElement metadata, string dir) =>
        !metadata.TryGetProperty("encoderQuantization", out var value) ? false
        : value.ValueKind == JsonValueKind.String && value.GetString() is "none" or EncoderQuantization.Int8Setting ? value.GetString() == EncoderQuantization.Int8Setting
        : throw new ModelLoadException(Path.Combine(dir, ModelRegistry.MetricsFileName), $"'encoderQuantization' must be \"none\" or \"{EncoderQuantization.Int8Setting}\"");

    // A file named in metrics.json must be a plain name inside the version folder.
    private static string? FileName(JsonElement metadata, string dir, string field, string? fallback)
    {
        if (!metadata.TryGetProperty(field, out var value))
        {
            return fallback;
        }

        return value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } name
            && name == Path.GetFileName(name) && name is not "." and not ".."
            ? name
            : throw new ModelLoadException(Path.Combine(dir, ModelRegistry.MetricsFileName), $"'{field}' must name a file in the version folder");
    }
}

/// <summary>The <c>encoder</c> stance kind for <see cref="StanceModelLoader"/>, over one process-wide <see cref="EncoderHub"/>.</summary>
public sealed class EncoderStanceKind(EncoderHub hub) : IStanceModelKind
{
    /// <inheritdoc />
    public string Kind => EncoderStanceModel.Kind;

    /// <inheritdoc />
    public IStanceModel Load(string modelDirectory, JsonElement metadata) => EncoderStanceModel.Load(modelDirectory, metadata, hub);
}
