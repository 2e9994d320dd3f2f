using System.Text.Json;

namespace ThreatScorer.Core.Models;

/// <summary>
/// Target-dependent stance (negative/neutral/positive) of a sentence toward a mention in it. Thread-safe.
/// </summary>
public sealed class StanceModel
{
    /// <summary>Context words on each side of the target, used when metrics.json does not say.</summary>
    internal const int DefaultWindowWords = 6;

    private readonly PooledPredictor<StanceRow> _predictor;
    private readonly StanceFeatures _features;

    private StanceModel(PooledPredictor<StanceRow> predictor, StanceFeatures features)
    {
        _predictor = predictor;
        _features = features;
    }

    /// <summary>The version folder name the model was trained as, e.g. <c>stance-20261128-1a2b3c4d</c>.</summary>
    public string Version => _predictor.Version;

    /// <summary>Loads a model from a version directory (model.zip + metrics.json).</summary>
    /// <exception cref="ModelLoadException">The directory or a file is missing or corrupt; the message names the path.</exception>
    public static StanceModel Load(string modelDirectory)
    {
        var predictor = PooledPredictor<StanceRow>.Load(modelDirectory, ModelTasks.Stance);
        return new StanceModel(predictor, new StanceFeatures(
            Hyperparameter(predictor.Metadata, "windowWords")?.GetInt32() ?? DefaultWindowWords,
            Hyperparameter(predictor.Metadata, "markedWindowWords")?.GetInt32() ?? 0,
            Hyperparameter(predictor.Metadata, "maskTarget")?.ValueKind == JsonValueKind.True));
    }

    /// <summary>Loads the ACTIVE stance model under a models root (<c>models/stance/ACTIVE</c>).</summary>
    public static StanceModel LoadActive(string modelsRoot) =>
        Load(ModelRegistry.ResolveActiveDirectory(modelsRoot, ModelTasks.Stance));

    /// <summary>Predicts the stance toward <c>sentence[from..to)</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The span is empty or not inside the sentence.</exception>
    public ClassPrediction Predict(string sentence, int from, int to) =>
        _predictor.Predict(TextFeatures.Stance(sentence, from, to, _features));

    /// <summary>Predicts many inputs with one batched transform; results are in input order.</summary>
    public IReadOnlyList<ClassPrediction> PredictBatch(IReadOnlyList<StanceInput> inputs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var rows = new List<StanceRow>(inputs.Count);
        foreach (var input in inputs)
        {
            rows.Add(TextFeatures.Stance(input.Sentence, input.From, input.To, _features));
        }

        return _predictor.PredictBatch(rows, cancellationToken);
    }

    private static JsonElement? Hyperparameter(JsonElement metadata, string name) =>
        metadata.TryGetProperty("hyperparameters", out var hp)
        && hp.ValueKind == JsonValueKind.Object
        && hp.TryGetProperty(name, out var value)
            ? value
            : null;
}
