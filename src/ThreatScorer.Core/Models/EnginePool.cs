using System.Collections.Concurrent;
using Microsoft.ML;

namespace ThreatScorer.Core.Models;

/// <summary>
/// Pooled <see cref="PredictionEngine{TSrc,TDst}"/>s over one model: an engine is not thread-safe, so each call
/// rents one. For an article's few dozen rows this is much cheaper than a batched Transform, whose data-view
/// set-up costs milliseconds regardless of size.
/// </summary>
internal sealed class EnginePool<TIn, TOut>(MLContext ml, ITransformer model)
    where TIn : class
    where TOut : class, new()
{
    /// <summary>Up to this many rows go through engines; more go through one batched Transform.</summary>
    public const int SmallBatch = 512;

    private readonly ConcurrentBag<PredictionEngine<TIn, TOut>> _engines = [];

    public List<TOut> Predict(IReadOnlyList<TIn> rows)
    {
        if (!_engines.TryTake(out var engine))
        {
            engine = ml.Model.CreatePredictionEngine<TIn, TOut>(model);
        }

        try
        {
            var results = new List<TOut>(rows.Count);
            foreach (var row in rows)
            {
                // A fresh output object per row: the engine would otherwise reuse and overwrite one.
                var output = new TOut();
                engine.Predict(row, ref output);
                results.Add(output);
            }

            return results;
        }
        finally
        {
            _engines.Add(engine);
        }
    }
}
