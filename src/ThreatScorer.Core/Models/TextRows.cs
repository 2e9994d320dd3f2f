using Microsoft.ML.Data;

namespace ThreatScorer.Core.Models;

/// <summary>The ML.NET row for stance: the sentence with the target marked, its context windows and the mention.</summary>
internal sealed class StanceRow
{
    public string Marked { get; set; } = string.Empty;

    public string Left { get; set; } = string.Empty;

    public string Right { get; set; } = string.Empty;

    public string Mention { get; set; } = string.Empty;

    /// <summary>A <see cref="PolarityLabels"/> label; empty at prediction time.</summary>
    public string Label { get; set; } = string.Empty;

    public float Weight { get; set; } = 1f;
}

/// <summary>The ML.NET row for sentence-level sentiment.</summary>
internal sealed class SentimentRow
{
    public string Text { get; set; } = string.Empty;

    public string Label { get; set; } = string.Empty;

    public float Weight { get; set; } = 1f;
}

/// <summary>The class scores (probabilities) a multiclass ML.NET model outputs, in key order.</summary>
internal sealed class ScoreRow
{
    [ColumnName("Score")]
    public float[] Score { get; set; } = [];
}

/// <summary>Turns raw inputs into rows; shared by training and prediction so both see the same features.</summary>
internal static class TextFeatures
{
    // Marker words survive FeaturizeText's tokenisation and lower-casing, unlike "<t>" punctuation.
    public const string TargetStart = "xxtgtstart";
    public const string TargetEnd = "xxtgtend";

    public static StanceRow Stance(string sentence, int from, int to, int windowWords)
    {
        ValidateSpan(sentence, from, to);
        var left = sentence[..from];
        var mention = sentence[from..to];
        var right = sentence[to..];
        return new StanceRow
        {
            Marked = string.Concat(left, " ", TargetStart, " ", mention, " ", TargetEnd, " ", right),
            Left = LastWords(left, windowWords),
            Right = FirstWords(right, windowWords),
            Mention = mention,
        };
    }

    public static void ValidateSpan(string sentence, int from, int to)
    {
        ArgumentNullException.ThrowIfNull(sentence);
        if (from < 0 || to > sentence.Length || from >= to)
        {
            throw new ArgumentOutOfRangeException(
                nameof(from),
                $"The target span [{from}, {to}) is not inside the sentence of length {sentence.Length} (need 0 <= from < to <= length).");
        }
    }

    public static ClassPrediction ToPrediction(float[] scores)
    {
        var labels = PolarityLabels.All;
        if (scores.Length != labels.Count)
        {
            throw new InvalidOperationException($"The model returned {scores.Length} class scores; expected {labels.Count}.");
        }

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

    private static string LastWords(string text, int count)
    {
        var words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return string.Join(' ', words.Skip(Math.Max(0, words.Length - count)));
    }

    private static string FirstWords(string text, int count)
    {
        var words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return string.Join(' ', words.Take(count));
    }
}
