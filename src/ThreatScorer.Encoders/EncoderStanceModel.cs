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

    private readonly MLContext _ml;
    private readonly ITransformer _head;
    private readonly StanceFeaturizer? _masked;

    private EncoderStanceModel(MLContext ml, ITransformer head, MiniLmEncoder encoder, bool maskTarget, string version)
    {
        _ml = ml;
        _head = head;
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
        var head = ModelFolder.LoadZip(ml, Path.Combine(dir, ModelRegistry.ModelFileName));
        var mask = metadata.TryGetProperty("hyperparameters", out var hp)
            && hp.ValueKind == JsonValueKind.Object
            && hp.TryGetProperty("maskTarget", out var m) && m.ValueKind == JsonValueKind.True;
        var quantise = Quantization(metadata, dir);
        var encoder = FileName(metadata, dir, "encoderFile", null) is { } onnx
            ? hub.FromFiles(Path.Combine(dir, onnx), Path.Combine(dir, FileName(metadata, dir, "vocabularyFile", "vocab.txt")!), quantise)
            : quantise ? hub.PackagedInt8 : hub.Packaged;
        var model = new EncoderStanceModel(ml, head, encoder, mask, version);
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

        return StanceTeacher.Score(_ml, _head, Featurize(inputs, cancellationToken));
    }

    /// <summary>The pooled vector of every input, in input order.</summary>
    internal float[][] Featurize(IReadOnlyList<StanceInput> inputs, CancellationToken cancellationToken)
    {
        if (_masked is not null)
        {
            return _masked.Featurize(inputs, null, cancellationToken);
        }

        var plan = SharedPassAlignment.Build(Encoder.Tokenizer, inputs);
        var byInput = Enumerable.Range(0, inputs.Count).ToLookup(i => plan.InputOf[i]);
        var features = new float[inputs.Count][];
        Encoder.RunSorted(
            plan.Inputs,
            (input, states) =>
            {
                foreach (var target in byInput[input])
                {
                    features[target] = TargetPooling.Pool(states, plan.Targets[target]);
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
