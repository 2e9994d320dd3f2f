using Microsoft.ML;
using Microsoft.ML.Data;
using ThreatScorer.Core.Actors;
using ThreatScorer.Core.Models;
using ThreatScorer.Core.Threat;

namespace ThreatScorer.Encoders;

/// <summary>
/// A linear probe over frozen MiniLM sentence vectors (mean and max of the token states, 2 × 384), for measuring
/// what the encoder would buy the sentence-level heads (threat level, interaction) before anything is built on it:
/// <c>threatscorer encoder-probe</c>. Not a shipped model.
/// </summary>
public sealed class SentenceProbe(MiniLmEncoder encoder, int batchSize = 32)
{
    /// <summary>Length of one sentence vector: mean then max of the token states.</summary>
    public const int Length = 2 * MiniLmEncoder.Dimensions;

    /// <summary>One <see cref="Length"/> vector per text, in input order (encoded in length-sorted batches).</summary>
    public float[][] Embed(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var ids = new int[texts.Count][];
        for (var i = 0; i < texts.Count; i++)
        {
            var pieces = string.IsNullOrWhiteSpace(texts[i])
                ? []
                : encoder.Tokenizer.EncodeToIds(TargetAlignment.Clean(texts[i]), addSpecialTokens: false);
            var kept = pieces.Take(MiniLmEncoder.MaxTokens - 2).ToList();
            ids[i] = [encoder.Tokenizer.ClassificationTokenId, .. kept, encoder.Tokenizer.SeparatorTokenId];
        }

        return encoder.RunSorted(ids, (_, states) => Pool(states), batchSize, null, cancellationToken);
    }

    /// <summary>Mean and max over the token rows of a row-major [tokens × 384] array.</summary>
    internal static float[] Pool(float[] states)
    {
        ArgumentNullException.ThrowIfNull(states);
        const int d = MiniLmEncoder.Dimensions;
        if (states.Length == 0 || states.Length % d != 0)
        {
            throw new ArgumentException($"Expected whole rows of {d} token states, got {states.Length} values.", nameof(states));
        }

        var tokens = states.Length / d;
        var pooled = new float[Length];
        Array.Fill(pooled, float.NegativeInfinity, d, d);
        for (var t = 0; t < tokens; t++)
        {
            for (var k = 0; k < d; k++)
            {
                var v = states[(t * d) + k];
                pooled[k] += v / tokens;
                pooled[d + k] = Math.Max(pooled[d + k], v);
            }
        }

        return pooled;
    }

    /// <summary>Fits a standardised LbfgsMaximumEntropy head; class scores follow <paramref name="labels"/>' order.</summary>
    public static ITransformer Fit(MLContext ml, float[][] features, IReadOnlyList<string> targets, IReadOnlyList<string> labels, float l2)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(labels);
        return DenseHead.Fit(ml, features.Select((f, i) => new Row { Features = f, Label = targets[i] }), labels, l2);
    }

    /// <summary>Class probabilities per row, in the label order the head was fitted with.</summary>
    public static List<float[]> Score(MLContext ml, ITransformer head, float[][] features)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentNullException.ThrowIfNull(head);
        return DenseHead.Score(ml, head, features.Select(f => new Row { Features = f }));
    }

    /// <summary>The most probable label of each probability row.</summary>
    public static List<string> Decide(IEnumerable<float[]> probabilities, IReadOnlyList<string> labels) =>
        probabilities.Select(p =>
        {
            var best = 0;
            for (var i = 1; i < p.Length; i++)
            {
                if (p[i] > p[best])
                {
                    best = i;
                }
            }

            return labels[best];
        }).ToList();

    /// <summary>The per-class average of two probability rows (a two-model blend).</summary>
    public static List<float[]> Blend(IReadOnlyList<float[]> a, IReadOnlyList<float[]> b, float weightOfA)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return a.Select((row, i) => row.Select((v, k) => (weightOfA * v) + ((1 - weightOfA) * b[i][k])).ToArray()).ToList();
    }

    /// <summary>
    /// The active n-gram model of <paramref name="task"/> (threat: the four levels; interaction: the five classes) as
    /// a function from texts to class-probability rows, loaded once; texts get actor tags as in scoring.
    /// </summary>
    /// <exception cref="ModelLoadException">The model or the gazetteer cannot be loaded.</exception>
    public static Func<IReadOnlyList<string>, List<float[]>> ActiveNGramModel(string task, string modelsRoot, CancellationToken cancellationToken)
    {
        var gazetteer = Path.Combine(modelsRoot, Core.Scoring.ScoringModels.GazetteerRelativePath);
        ActorRecognizer? Recognizer(bool usesActors) => usesActors ? new ActorRecognizer(Gazetteer.Load(gazetteer)) : null;
        List<ThreatInput> Inputs(ActorRecognizer? recognizer, IReadOnlyList<string> texts) =>
            texts.Select(t => new ThreatInput(t, ThreatFeatures.ActorTags(recognizer, t))).ToList();
        if (task == ModelTasks.Interaction)
        {
            var interaction = InteractionModel.LoadActive(modelsRoot);
            var recognizer = Recognizer(interaction.UsesActorFeatures);
            return texts => AsRows(interaction.PredictBatch(Inputs(recognizer, texts), cancellationToken), ThreatLabels.Interactions);
        }

        var threat = ThreatModel.LoadActive(modelsRoot);
        var threatRecognizer = Recognizer(threat.UsesActorFeatures);
        return texts => AsRows(
            threat.PredictBatch(Inputs(threatRecognizer, texts), cancellationToken).Select(p => new ClassPrediction(p.Level, p.Levels)),
            ThreatLabels.Levels);
    }

    /// <summary>A model's class probabilities as rows in <paramref name="labels"/>' order.</summary>
    public static List<float[]> AsRows(IEnumerable<ClassPrediction> predictions, IReadOnlyList<string> labels) =>
        predictions.Select(p => labels.Select(l => p.Probabilities.GetValueOrDefault(l)).ToArray()).ToList();

    private sealed class Row
    {
        [VectorType(Length)]
        public float[] Features { get; set; } = [];

        public string Label { get; set; } = string.Empty;
    }
}
