using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using ThreatScorer.Core.Models;

namespace ThreatScorer.Encoders;

/// <summary>
/// The accurate, slow stance model: frozen MiniLM token states pooled around the target
/// (<see cref="TargetPooling"/>), standardised, into an ML.NET LbfgsMaximumEntropy. 0.744 / 0.697 macro-F1 on
/// NewsMTSC dev-rw / dev-mt with the target masked (0.725 / 0.726 unmasked) at ~190 predictions/s on 2 idle cores:
/// a teacher for distillation and an optional second tier, not the shipped default. Thread-safe.
/// </summary>
public sealed class StanceTeacher
{
    /// <summary>The models-root folder of teacher versions (<c>models/stance-teacher/</c>).</summary>
    public const string TaskName = ModelTasks.StanceTeacher;

    private readonly MLContext _ml = new(seed: 1);
    private readonly ITransformer _model;
    private readonly StanceFeaturizer _featurizer;

    private StanceTeacher(ITransformer model, StanceFeaturizer featurizer, string version)
    {
        _model = model;
        _featurizer = featurizer;
        Version = version;
    }

    /// <summary>The version folder name, e.g. <c>stance-teacher-20261128-1a2b3c4d</c>.</summary>
    public string Version { get; }

    /// <summary>Loads a teacher version folder (model.zip + metrics.json) over a shared encoder.</summary>
    /// <exception cref="ModelLoadException">The folder is not a stance-teacher version, or a file is missing or corrupt; the message names the path.</exception>
    public static StanceTeacher Load(string directory, MiniLmEncoder encoder)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        var (ml, version, metadata) = ModelFolder.Open(directory, TaskName);
        var model = ModelFolder.LoadZip(ml, Path.Combine(directory, ModelRegistry.ModelFileName));
        var mask = metadata.TryGetProperty("hyperparameters", out var hp)
            && hp.TryGetProperty("maskTarget", out var m) && m.ValueKind == JsonValueKind.True;
        return new StanceTeacher(model, new StanceFeaturizer(encoder, mask), version);
    }

    /// <summary>Predicts every input (encoded in length-sorted batches); results are in input order.</summary>
    public IReadOnlyList<ClassPrediction> PredictBatch(
        IReadOnlyList<StanceInput> inputs, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        var features = _featurizer.Featurize(inputs, progress, cancellationToken);
        return Score(_ml, _model, features);
    }

    internal static IReadOnlyList<ClassPrediction> Score(MLContext ml, ITransformer model, float[][] features) =>
        DenseHead.Score(ml, model, features.Select(f => new TeacherRow { Features = f })).ConvertAll(TextFeatures.ToPrediction);

    internal static ITransformer Fit(MLContext ml, float[][] features, IReadOnlyList<string> labels, float l2) =>
        DenseHead.Fit(ml, features.Select((f, i) => new TeacherRow { Features = f, Label = labels[i] }), PolarityLabels.All, l2);

    internal static DataViewSchema Schema(MLContext ml) =>
        ml.Data.LoadFromEnumerable(Array.Empty<TeacherRow>()).Schema;

    internal sealed class TeacherRow
    {
        [VectorType(TargetPooling.Length)]
        public float[] Features { get; set; } = [];

        public string Label { get; set; } = string.Empty;
    }
}
