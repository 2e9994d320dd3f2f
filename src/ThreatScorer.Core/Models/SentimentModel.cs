namespace ThreatScorer.Core.Models;

/// <summary>Sentence-level sentiment (negative/neutral/positive; score = P(pos) − P(neg)). Thread-safe.</summary>
public sealed class SentimentModel
{
    /// <summary>Weight of the first sentence (the title) in <see cref="Aggregate"/> when no weights are given.</summary>
    public const float DefaultTitleWeight = 2f;

    /// <summary>Weight of the second and third sentences (the lead) when no weights are given.</summary>
    public const float DefaultLeadWeight = 1.5f;

    /// <summary>An article score at or above this is positive, at or below its negation negative.</summary>
    public const float LabelThreshold = 0.15f;

    private readonly PooledPredictor<SentimentRow> _predictor;

    private SentimentModel(PooledPredictor<SentimentRow> predictor) => _predictor = predictor;

    /// <summary>The version folder name the model was trained as, e.g. <c>sentiment-20261128-1a2b3c4d</c>.</summary>
    public string Version => _predictor.Version;

    /// <summary>Loads a model from a version directory (model.zip + metrics.json).</summary>
    /// <exception cref="ModelLoadException">The directory or a file is missing or corrupt; the message names the path.</exception>
    public static SentimentModel Load(string modelDirectory) =>
        new(PooledPredictor<SentimentRow>.Load(modelDirectory, ModelTasks.Sentiment));

    /// <summary>Loads the ACTIVE sentiment model under a models root (<c>models/sentiment/ACTIVE</c>).</summary>
    public static SentimentModel LoadActive(string modelsRoot) =>
        Load(ModelRegistry.ResolveActiveDirectory(modelsRoot, ModelTasks.Sentiment));

    /// <summary>Predicts the sentiment of one sentence.</summary>
    public ClassPrediction Predict(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return _predictor.Predict(new SentimentRow { Text = text });
    }

    /// <summary>Predicts many sentences with one batched transform; results are in input order.</summary>
    public IReadOnlyList<ClassPrediction> PredictBatch(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var rows = new List<SentimentRow>(texts.Count);
        foreach (var text in texts)
        {
            ArgumentNullException.ThrowIfNull(text, nameof(texts));
            rows.Add(new SentimentRow { Text = text });
        }

        return _predictor.PredictBatch(rows, cancellationToken);
    }

    /// <summary>
    /// Article sentiment from its sentences' predictions, in article order. Score = weighted mean of the sentence
    /// <see cref="ClassPrediction.PolarityScore"/>s; without <paramref name="weights"/> the first sentence (title)
    /// weighs <see cref="DefaultTitleWeight"/>, the next two (lead) <see cref="DefaultLeadWeight"/>, the rest 1.
    /// Label: positive if score ≥ <see cref="LabelThreshold"/>, negative if ≤ −<see cref="LabelThreshold"/>,
    /// else neutral. No sentences gives neutral with score 0.
    /// </summary>
    /// <exception cref="ArgumentException">Weights are given with a different count, or are negative / all zero.</exception>
    public static ArticleSentiment Aggregate(IReadOnlyList<ClassPrediction> sentencePredictions, IReadOnlyList<float>? weights = null)
    {
        ArgumentNullException.ThrowIfNull(sentencePredictions);
        if (weights is not null && weights.Count != sentencePredictions.Count)
        {
            throw new ArgumentException(
                $"Got {weights.Count} weights for {sentencePredictions.Count} sentences.", nameof(weights));
        }

        if (sentencePredictions.Count == 0)
        {
            return new ArticleSentiment(PolarityLabels.Neutral, 0f, 0);
        }

        double sum = 0;
        double total = 0;
        for (var i = 0; i < sentencePredictions.Count; i++)
        {
            var w = weights?[i] ?? (i == 0 ? DefaultTitleWeight : i <= 2 ? DefaultLeadWeight : 1f);
            if (w < 0 || float.IsNaN(w))
            {
                throw new ArgumentException($"Weight {i} is {w}; weights must be >= 0.", nameof(weights));
            }

            sum += w * sentencePredictions[i].PolarityScore;
            total += w;
        }

        if (total <= 0)
        {
            throw new ArgumentException("All weights are zero.", nameof(weights));
        }

        var score = (float)Math.Clamp(sum / total, -1, 1);
        var label = score >= LabelThreshold ? PolarityLabels.Positive
            : score <= -LabelThreshold ? PolarityLabels.Negative
            : PolarityLabels.Neutral;
        return new ArticleSentiment(label, score, sentencePredictions.Count);
    }
}
