using System.Text.Json;

namespace ThreatScorer.Core.Models;

/// <summary>
/// Target-dependent stance (negative/neutral/positive) of a sentence toward a mention in it. Thread-safe.
/// </summary>
public sealed class StanceModel : IStanceModel
{
    /// <summary>Context words on each side of the target, used when metrics.json does not say.</summary>
    internal const int DefaultWindowWords = 6;

    private readonly PooledPredictor<StanceRow> _predictor;
    private readonly StanceFeatures _features;
    private readonly Lazy<StanceTargetTypes>? _types;

    private StanceModel(PooledPredictor<StanceRow> predictor, StanceFeatures features, Lazy<StanceTargetTypes>? types)
    {
        _predictor = predictor;
        _features = features;
        _types = types;
    }

    /// <summary>The version folder name the model was trained as, e.g. <c>stance-20261128-1a2b3c4d</c>.</summary>
    public string Version => _predictor.Version;

    /// <summary>
    /// Loads a model from a version directory (model.zip + metrics.json). A model trained with the target-type
    /// feature types inputs that come without a type with the gazetteer at <paramref name="gazetteerPath"/>, by
    /// default the one of the models root the version folder sits in (<c>&lt;root&gt;/actors/gazetteer.json</c>),
    /// loaded on the first such input (the scoring pipeline always gives the type, so it never loads it twice).
    /// </summary>
    /// <exception cref="ModelLoadException">The directory, a file or the gazetteer is missing or corrupt; the message names the path.</exception>
    public static StanceModel Load(string modelDirectory, string? gazetteerPath = null)
    {
        // Another kind's head would otherwise fail the n-gram input check with a message that hides the real reason.
        if (File.Exists(Path.Combine(modelDirectory, ModelRegistry.MetricsFileName))
            && StanceModelLoader.KindOf(modelDirectory) is var kind && kind != StanceModelLoader.NgramKind)
        {
            throw new ModelLoadException(Path.GetFullPath(modelDirectory), $"a '{kind}' stance model, not an n-gram one (load it with StanceModelLoader)");
        }

        var predictor = PooledPredictor<StanceRow>.Load(modelDirectory, ModelTasks.Stance);
        var features = new StanceFeatures(
            Hyperparameter(predictor.Metadata, "windowWords")?.GetInt32() ?? DefaultWindowWords,
            Hyperparameter(predictor.Metadata, "markedWindowWords")?.GetInt32() ?? 0,
            Hyperparameter(predictor.Metadata, "maskTarget")?.ValueKind == JsonValueKind.True,
            Hyperparameter(predictor.Metadata, "targetType")?.ValueKind == JsonValueKind.True);
        Lazy<StanceTargetTypes>? types = null;
        if (features.TargetType)
        {
            var path = gazetteerPath ?? Scoring.ScoringModels.GazetteerOfModelsRoot(modelDirectory);
            StanceTargetTypes.EnsureExists(path);
            types = new Lazy<StanceTargetTypes>(() => StanceTargetTypes.Load(path));
        }

        return new StanceModel(predictor, features, types);
    }

    /// <summary>Loads the ACTIVE stance model under a models root (<c>models/stance/ACTIVE</c>); it must be an n-gram one.</summary>
    public static StanceModel LoadActive(string modelsRoot) =>
        Load(ModelRegistry.ResolveActiveDirectory(modelsRoot, ModelTasks.Stance), Path.Combine(modelsRoot, Scoring.ScoringModels.GazetteerRelativePath));

    /// <summary>Whether the model reads the target's actor type (<see cref="StanceInput.TargetType"/>).</summary>
    internal bool UsesTargetType => _features.TargetType;

    /// <summary>Predicts the stance toward <c>sentence[from..to)</c> (actor type unknown).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The span is empty or not inside the sentence.</exception>
    public ClassPrediction Predict(string sentence, int from, int to) => Predict(new StanceInput(sentence, from, to));

    /// <summary>Predicts the stance toward one target mention.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The span is empty or not inside the sentence.</exception>
    public ClassPrediction Predict(StanceInput input) =>
        _predictor.Predict(TextFeatures.Stance(Typed(input), _features));

    /// <summary>Predicts many inputs with one batched transform; results are in input order.</summary>
    public IReadOnlyList<ClassPrediction> PredictBatch(IReadOnlyList<StanceInput> inputs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var rows = new List<StanceRow>(inputs.Count);
        foreach (var input in inputs)
        {
            rows.Add(TextFeatures.Stance(Typed(input), _features));
        }

        return _predictor.PredictBatch(rows, cancellationToken);
    }

    private StanceInput Typed(StanceInput input) =>
        _types is null || input.TargetType is not null ? input : _types.Value.Annotate(input);

    private static JsonElement? Hyperparameter(JsonElement metadata, string name) =>
        metadata.TryGetProperty("hyperparameters", out var hp)
        && hp.ValueKind == JsonValueKind.Object
        && hp.TryGetProperty(name, out var value)
            ? value
            : null;
}
