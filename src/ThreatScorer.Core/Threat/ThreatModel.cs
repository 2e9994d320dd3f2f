using System.Text.Json;
using Microsoft.ML;
using ThreatScorer.Core.Models;

namespace ThreatScorer.Core.Threat;

/// <summary>One text (a sentence, or a short passage) and the actor-type tokens found in it.</summary>
public sealed record ThreatInput(string Text, string ActorTags);

/// <summary>Threat framing of one sentence: level probabilities and per-kind probabilities.</summary>
public sealed record SentenceThreat(IReadOnlyDictionary<string, float> Levels, IReadOnlyDictionary<string, float> Kinds)
{
    /// <summary>The most probable level.</summary>
    public string Level => Levels.MaxBy(l => l.Value).Key;

    /// <summary>P(elevated) + P(high): the probability that the text frames a real danger.</summary>
    public float ThreatProbability => Levels.GetValueOrDefault(ThreatLabels.Elevated) + Levels.GetValueOrDefault(ThreatLabels.High);

    /// <summary>Expected severity in 0..1 (none 0, low ⅓, elevated ⅔, high 1): ranks sentences as evidence.</summary>
    public float Severity =>
        (Levels.GetValueOrDefault(ThreatLabels.Low) / 3f) + (Levels.GetValueOrDefault(ThreatLabels.Elevated) * 2f / 3f)
        + Levels.GetValueOrDefault(ThreatLabels.High);
}

/// <summary>
/// The threat models of one version folder: one featuriser, a four-level classifier head and one calibrated
/// binary head per kind. Thread-safe (batched <see cref="ITransformer.Transform"/>).
/// </summary>
public sealed class ThreatModel
{
    public const string FeaturizerFile = "features.zip";
    public const string LevelFile = "level.zip";

    private readonly MLContext _ml;
    private readonly ITransformer _featurizer;
    private readonly ITransformer _level;
    private readonly IReadOnlyList<(string Kind, ITransformer Model)> _kinds;

    private ThreatModel(MLContext ml, string version, ITransformer featurizer, ITransformer level, IReadOnlyList<(string, ITransformer)> kinds, bool actorFeatures)
    {
        _ml = ml;
        Version = version;
        _featurizer = featurizer;
        _level = level;
        _kinds = kinds;
        UsesActorFeatures = actorFeatures;
    }

    public string Version { get; }

    /// <summary>Whether inputs should carry actor-type tokens (as the model was trained).</summary>
    public bool UsesActorFeatures { get; }

    public static string KindFile(string kind) => $"kind-{kind}.zip";

    /// <summary>Loads a version folder; a missing or corrupt file throws <see cref="ModelLoadException"/> naming it.</summary>
    public static ThreatModel Load(string modelDirectory)
    {
        var (ml, version, metadata) = ModelFolder.Open(modelDirectory, ModelTasks.Threat);
        var featurizer = ModelFolder.LoadZip(ml, Path.Combine(modelDirectory, FeaturizerFile));
        var level = ModelFolder.LoadZip(ml, Path.Combine(modelDirectory, LevelFile));
        var kinds = ThreatLabels.Kinds.Select(k => (k, ModelFolder.LoadZip(ml, Path.Combine(modelDirectory, KindFile(k))))).ToList();
        return ModelFolder.Checked(
            new ThreatModel(ml, version, featurizer, level, kinds, ModelFolder.UsesActorFeatures(metadata)),
            modelDirectory, ModelTasks.Threat, m => m.PredictBatch([new ThreatInput("Load check.", string.Empty)], CancellationToken.None));
    }

    /// <summary>Loads the ACTIVE threat model under a models root.</summary>
    public static ThreatModel LoadActive(string modelsRoot) =>
        Load(ModelRegistry.ResolveActiveDirectory(modelsRoot, ModelTasks.Threat));

    /// <summary>Predicts every input; results are in input order.</summary>
    public IReadOnlyList<SentenceThreat> PredictBatch(IReadOnlyList<ThreatInput> inputs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Count == 0)
        {
            return [];
        }

        var rows = inputs.Select(i => new ThreatTextRow { Text = i.Text, Actors = UsesActorFeatures ? i.ActorTags : string.Empty }).ToList();

        // Featurise once (cached), then run the level head and every kind head over the same features.
        var featurized = _ml.Data.Cache(_featurizer.Transform(_ml.Data.LoadFromEnumerable(rows)));
        var levels = _ml.Data.CreateEnumerable<MulticlassScore>(_level.Transform(featurized), reuseRowObject: false)
            .Select(s => ModelFolder.ToDistribution(s.Score, ThreatLabels.Levels))
            .ToList();
        var kinds = new List<Dictionary<string, float>>(rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            kinds.Add(new Dictionary<string, float>(StringComparer.Ordinal));
        }

        foreach (var (kind, head) in _kinds)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var i = 0;
            foreach (var score in _ml.Data.CreateEnumerable<BinaryScore>(head.Transform(featurized), reuseRowObject: false))
            {
                kinds[i++][kind] = score.Probability;
            }
        }

        return levels.Select((l, i) => new SentenceThreat(l, kinds[i])).ToList();
    }
}

/// <summary>The interaction class of a sentence (statement, verbal/material cooperation, verbal/material conflict).</summary>
public sealed class InteractionModel
{
    private readonly MLContext _ml;
    private readonly ITransformer _model;
    private readonly EnginePool<ThreatTextRow, MulticlassScore> _engines;

    private InteractionModel(MLContext ml, string version, ITransformer model, bool actorFeatures)
    {
        _ml = ml;
        Version = version;
        _model = model;
        _engines = new EnginePool<ThreatTextRow, MulticlassScore>(ml, model);
        UsesActorFeatures = actorFeatures;
    }

    public string Version { get; }

    public bool UsesActorFeatures { get; }

    public static InteractionModel Load(string modelDirectory)
    {
        var (ml, version, metadata) = ModelFolder.Open(modelDirectory, ModelTasks.Interaction);
        var model = ModelFolder.LoadZip(ml, Path.Combine(modelDirectory, ModelRegistry.ModelFileName));
        return ModelFolder.Checked(
            new InteractionModel(ml, version, model, ModelFolder.UsesActorFeatures(metadata)),
            modelDirectory, ModelTasks.Interaction, m => m.PredictBatch([new ThreatInput("Load check.", string.Empty)], CancellationToken.None));
    }

    public static InteractionModel LoadActive(string modelsRoot) =>
        Load(ModelRegistry.ResolveActiveDirectory(modelsRoot, ModelTasks.Interaction));

    public IReadOnlyList<ClassPrediction> PredictBatch(IReadOnlyList<ThreatInput> inputs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        cancellationToken.ThrowIfCancellationRequested();
        if (inputs.Count == 0)
        {
            return [];
        }

        var rows = inputs.Select(i => new ThreatTextRow { Text = i.Text, Actors = UsesActorFeatures ? i.ActorTags : string.Empty }).ToList();
        var scores = rows.Count <= EnginePool<ThreatTextRow, MulticlassScore>.SmallBatch
            ? _engines.Predict(rows)
            : _ml.Data.CreateEnumerable<MulticlassScore>(_model.Transform(_ml.Data.LoadFromEnumerable(rows)), reuseRowObject: false);
        return scores
            .Select(s =>
            {
                var distribution = ModelFolder.ToDistribution(s.Score, ThreatLabels.Interactions);
                return new ClassPrediction(distribution.MaxBy(p => p.Value).Key, distribution);
            })
            .ToList();
    }
}
