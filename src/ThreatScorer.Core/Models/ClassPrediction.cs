namespace ThreatScorer.Core.Models;

/// <summary>A label with the probability of every class (they sum to 1).</summary>
public sealed record ClassPrediction(string Label, IReadOnlyDictionary<string, float> Probabilities)
{
    public float Confidence => Probabilities.TryGetValue(Label, out var p) ? p : 0f;

    /// <summary>P(positive) − P(negative), in −1..1, for three-way polarity predictions.</summary>
    public float PolarityScore =>
        (Probabilities.TryGetValue(PolarityLabels.Positive, out var pos) ? pos : 0f)
        - (Probabilities.TryGetValue(PolarityLabels.Negative, out var neg) ? neg : 0f);
}

/// <summary>The three polarity labels used by stance and sentiment, in their canonical order.</summary>
public static class PolarityLabels
{
    public const string Negative = "negative";
    public const string Neutral = "neutral";
    public const string Positive = "positive";

    public static IReadOnlyList<string> All { get; } = [Negative, Neutral, Positive];

    /// <summary>Maps NewsMTSC's −1/0/1 polarity to a label.</summary>
    public static string FromNewsMtsc(int polarity) => polarity switch
    {
        < 0 => Negative,
        0 => Neutral,
        _ => Positive,
    };
}
