using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.ML;

namespace ThreatScorer.Core.Models;

/// <summary>
/// A loaded three-class polarity model: pooled <see cref="PredictionEngine{TSrc,TDst}"/>s for single predictions
/// (an engine is not thread-safe; the transformer is) and batched <see cref="ITransformer.Transform"/> for lists.
/// </summary>
internal sealed class PooledPredictor<TRow>
    where TRow : class, new()
{
    private const int BatchChunk = 4096;
    private const int SmallBatch = 512;
    private readonly MLContext _ml;
    private readonly ITransformer _model;
    private readonly ConcurrentBag<PredictionEngine<TRow, ScoreRow>> _engines = [];

    private PooledPredictor(MLContext ml, ITransformer model, string version, JsonElement metadata)
    {
        _ml = ml;
        _model = model;
        Version = version;
        Metadata = metadata;
    }

    public string Version { get; }

    /// <summary>The root of metrics.json (hyperparameters and metrics written at training time).</summary>
    public JsonElement Metadata { get; }

    public static PooledPredictor<TRow> Load(string modelDirectory, string expectedTask)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelDirectory);
        var modelPath = Path.Combine(Path.GetFullPath(modelDirectory), ModelRegistry.ModelFileName);
        if (Directory.Exists(modelDirectory) && !File.Exists(modelPath))
        {
            throw new ModelLoadException(modelPath, "model file is missing");
        }

        var (ml, version, metadata) = ModelFolder.Open(modelDirectory, expectedTask);
        var model = ModelFolder.LoadZip(ml, modelPath);
        var predictor = new PooledPredictor<TRow>(ml, model, version, metadata);
        try
        {
            // Fails here, at load, if the model does not fit this row type (e.g. a stance zip loaded as sentiment).
            predictor.Return(predictor.Rent());
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new ModelLoadException(modelPath, $"model does not match the expected input columns ({ex.Message})", ex);
        }

        return predictor;
    }

    public ClassPrediction Predict(TRow row)
    {
        var engine = Rent();
        try
        {
            return TextFeatures.ToPrediction(engine.Predict(row).Score);
        }
        finally
        {
            Return(engine);
        }
    }

    public IReadOnlyList<ClassPrediction> PredictBatch(IReadOnlyList<TRow> rows, CancellationToken cancellationToken)
    {
        var results = new List<ClassPrediction>(rows.Count);

        // A Transform over a data view costs milliseconds however few rows it has; an article's worth of rows is
        // far cheaper through a pooled engine (same model, same scores).
        if (rows.Count <= SmallBatch)
        {
            var engine = Rent();
            try
            {
                foreach (var row in rows)
                {
                    results.Add(TextFeatures.ToPrediction(engine.Predict(row).Score));
                }
            }
            finally
            {
                Return(engine);
            }

            return results;
        }

        for (var start = 0; start < rows.Count; start += BatchChunk)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var chunk = new List<TRow>(Math.Min(BatchChunk, rows.Count - start));
            for (var i = start; i < rows.Count && i < start + BatchChunk; i++)
            {
                chunk.Add(rows[i]);
            }

            var scored = _model.Transform(_ml.Data.LoadFromEnumerable(chunk));
            foreach (var row in _ml.Data.CreateEnumerable<ScoreRow>(scored, reuseRowObject: false))
            {
                results.Add(TextFeatures.ToPrediction(row.Score));
            }
        }

        return results;
    }

    private PredictionEngine<TRow, ScoreRow> Rent() =>
        _engines.TryTake(out var engine) ? engine : _ml.Model.CreatePredictionEngine<TRow, ScoreRow>(_model);

    private void Return(PredictionEngine<TRow, ScoreRow> engine) => _engines.Add(engine);
}
