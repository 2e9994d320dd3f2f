using ThreatScorer.Core.Actors;
using ThreatScorer.Core.Models;
using ThreatScorer.Core.Training;

namespace ThreatScorer.Encoders;

/// <summary>The teacher side of distillation: collect actor mentions from each pool dataset, sample, label.</summary>
public static class PoolLabelling
{
    private const int ReportEvery = 2048;

    /// <summary>
    /// Collects the mentions of every dataset (name → JSONL file), takes a seeded sample of at most
    /// <paramref name="maxPerDataset"/> from each, and labels them with <paramref name="teacher"/>.
    /// </summary>
    public static async Task<List<PoolLabel>> LabelAsync(
        StanceTeacher teacher,
        IReadOnlyDictionary<string, string> pools,
        ActorRecognizer recognizer,
        int maxPerDataset,
        int seed,
        IProgress<string>? progress,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(teacher);
        ArgumentNullException.ThrowIfNull(pools);
        var labels = new List<PoolLabel>();
        foreach (var (dataset, path) in pools.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var all = await DistillationPool.CollectAsync(dataset, DistillationPool.ResolveFile(dataset, path), recognizer, cancellationToken);
            var sample = DistillationPool.Sample(all, maxPerDataset, seed);
            progress?.Report($"{dataset}: {all.Count} mentions found, labelling {sample.Count}");
            var next = ReportEvery;
            var predictions = teacher.PredictBatch(
                sample.ConvertAll(s => new StanceInput(s.Sentence, s.Mention.From, s.Mention.To)),
                new SynchronousProgress<int>(done =>
                {
                    if (done >= next)
                    {
                        progress?.Report($"{dataset}: {done}/{sample.Count}");
                        next = done + ReportEvery;
                    }
                }),
                cancellationToken);
            for (var i = 0; i < sample.Count; i++)
            {
                var p = predictions[i];
                labels.Add(new PoolLabel(sample[i].Mention, p.Label, PolarityLabels.All.Select(l => p.Probabilities[l]).ToArray()));
            }
        }

        return labels;
    }
}
