using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using ThreatScorer.Core.Models;

namespace ThreatScorer.Encoders;

/// <summary>
/// The accurate, slow stance model: frozen MiniLM token states pooled around the target
/// (<see cref="TargetPooling"/>), standardised, into an ML.NET LbfgsMaximumEntropy. ~0.73 / 0.69 macro-F1 on
/// NewsMTSC dev-rw / dev-mt at ~190 predictions/s on 2 cores: a teacher for distillation and an optional second
/// tier, not the shipped default. Thread-safe.
/// </summary>
public sealed class StanceTeacher
{
    /// <summary>The models-root folder of teacher versions (<c>models/stance-teacher/</c>).</summary>
    public const string TaskName = "stance-teacher";

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
    /// <exception cref="ModelLoadException">A file is missing or corrupt; the message names the path.</exception>
    public static StanceTeacher Load(string directory, MiniLmEncoder encoder)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        var zip = Path.Combine(directory, ModelRegistry.ModelFileName);
        var metrics = Path.Combine(directory, ModelRegistry.MetricsFileName);
        if (!File.Exists(zip) || !File.Exists(metrics))
        {
            throw new ModelLoadException(Path.GetFullPath(zip), "teacher model.zip or metrics.json missing");
        }

        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(metrics));
            var version = doc.RootElement.GetProperty("version").GetString() ?? Path.GetFileName(directory);
            var mask = doc.RootElement.TryGetProperty("hyperparameters", out var hp)
                && hp.TryGetProperty("maskTarget", out var m) && m.ValueKind == JsonValueKind.True;
            var ml = new MLContext(seed: 1);
            var model = ml.Model.Load(zip, out _);
            return new StanceTeacher(model, new StanceFeaturizer(encoder, mask), version);
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or JsonException or KeyNotFoundException or InvalidDataException)
        {
            throw new ModelLoadException(Path.GetFullPath(zip), $"cannot load the teacher ({ex.Message})", ex);
        }
    }

    /// <summary>Predicts every input (encoded in length-sorted batches); results are in input order.</summary>
    public IReadOnlyList<ClassPrediction> PredictBatch(
        IReadOnlyList<StanceInput> inputs, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        var features = _featurizer.Featurize(inputs, progress, cancellationToken);
        return Score(_ml, _model, features);
    }

    internal static IReadOnlyList<ClassPrediction> Score(MLContext ml, ITransformer model, float[][] features)
    {
        var data = ml.Data.LoadFromEnumerable(features.Select(f => new TeacherRow { Features = f }));
        var scores = model.Transform(data).GetColumn<float[]>("Score").ToList();
        return scores.ConvertAll(ToPrediction);
    }

    internal static ITransformer Fit(MLContext ml, float[][] features, IReadOnlyList<string> labels, float l2)
    {
        var rows = features.Select((f, i) => new TeacherRow { Features = f, Label = labels[i] });
        var data = ml.Data.LoadFromEnumerable(rows);
        var keys = ml.Data.LoadFromEnumerable(PolarityLabels.All.Select(l => new LabelOnly { Label = l }));
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label", "Label", keyData: keys)
            .Append(ml.Transforms.NormalizeMeanVariance("Features"))
            .AppendCacheCheckpoint(ml)
            .Append(ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(new LbfgsMaximumEntropyMulticlassTrainer.Options
            {
                L1Regularization = 0,
                L2Regularization = l2,
                NumberOfThreads = 1,
            }));
        return pipeline.Fit(data);
    }

    internal static DataViewSchema Schema(MLContext ml) =>
        ml.Data.LoadFromEnumerable(Array.Empty<TeacherRow>()).Schema;

    private static ClassPrediction ToPrediction(float[] scores)
    {
        var labels = PolarityLabels.All;
        var probabilities = new Dictionary<string, float>(labels.Count, StringComparer.Ordinal);
        var best = 0;
        for (var i = 0; i < labels.Count; i++)
        {
            probabilities[labels[i]] = scores[i];
            if (scores[i] > scores[best])
            {
                best = i;
            }
        }

        return new ClassPrediction(labels[best], probabilities);
    }

    internal sealed class TeacherRow
    {
        [VectorType(TargetPooling.Length)]
        public float[] Features { get; set; } = [];

        public string Label { get; set; } = string.Empty;
    }

    private sealed class LabelOnly
    {
        public string Label { get; set; } = string.Empty;
    }
}
