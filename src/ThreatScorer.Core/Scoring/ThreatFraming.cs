using ThreatScorer.Core.Actors;
using ThreatScorer.Core.Cleaning;
using ThreatScorer.Core.Threat;

namespace ThreatScorer.Core.Scoring;

/// <summary>
/// Threat framing of a whole text from its sentences.
/// </summary>
/// <remarks>
/// Every sentence gets a level distribution and kind probabilities. The article's distribution is an even blend
/// (<see cref="TopShare"/>) of two weighted means: over its most threatening sentences (the top k by
/// weight × severity, k = a quarter of the sentences, at least 2 and at most 8) and over all its sentences.
/// Weights come from <see cref="SentenceWeights"/> (title ×2, lead ×1.5). Why: an article is about a threat
/// when several of its sentences, or its title and lead, frame one; a single quoted threat in a long peaceful
/// article is averaged with the rest and cannot make it "high", while a short report of an attack keeps its
/// level. The top-k half alone read ordinary articles as "low" (their most alarming sentences are still
/// economic or sports language); the whole-article half alone diluted real threats in long reports.
/// Level = the most probable level of that mixture; score = its P(elevated) + P(high), a probability that
/// keeps the sentence model's calibration; kinds = the mixture of kind probabilities; the top kind is named
/// only when the level is above none and the kind's probability reaches <see cref="TopKindThreshold"/>.
/// Evidence = the top sentences whose severity reaches <see cref="EvidenceSeverity"/>, strongest first.
/// </remarks>
public sealed class ThreatFraming(ThreatModel model)
{
    /// <summary>Share of the top sentences in the blend; the rest is the weighted mean over all sentences.</summary>
    public const double TopShare = 0.5;

    public const int MinTopSentences = 2;
    public const int MaxTopSentences = 8;
    public const double TopKindThreshold = 0.25;
    public const double EvidenceSeverity = 0.4;
    public const int MaxEvidence = 5;

    /// <summary>Sentence-level predictions for a cleaned article (actor tags from its mentions).</summary>
    public IReadOnlyList<SentenceThreat> PredictSentences(CleanedArticle cleaned, IReadOnlyList<ActorMention> mentions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cleaned);
        ArgumentNullException.ThrowIfNull(mentions);
        var bySentence = mentions.ToLookup(m => m.SentenceIndex);
        var inputs = cleaned.Sentences
            .Select(s => new ThreatInput(s.Text, ThreatFeatures.ActorTags(bySentence[s.Index])))
            .ToList();
        return model.PredictBatch(inputs, cancellationToken);
    }

    /// <summary>Aggregates sentence predictions into the article's threat assessment (see remarks).</summary>
    public static ThreatAssessment Aggregate(IReadOnlyList<Sentence> sentences, IReadOnlyList<SentenceThreat> predictions)
    {
        ArgumentNullException.ThrowIfNull(sentences);
        ArgumentNullException.ThrowIfNull(predictions);
        if (sentences.Count != predictions.Count)
        {
            throw new ArgumentException($"{predictions.Count} predictions for {sentences.Count} sentences.", nameof(predictions));
        }

        if (sentences.Count == 0)
        {
            return new ThreatAssessment(
                ThreatLabels.None, 0,
                ThreatLabels.Levels.ToDictionary(l => l, l => l == ThreatLabels.None ? 1.0 : 0.0, StringComparer.Ordinal),
                ThreatLabels.Kinds.ToDictionary(k => k, _ => 0.0, StringComparer.Ordinal), null, []);
        }

        var weights = SentenceWeights.For(sentences);
        var k = Math.Min(sentences.Count, Math.Clamp((int)Math.Ceiling(sentences.Count / 4.0), MinTopSentences, MaxTopSentences));
        var top = Enumerable.Range(0, sentences.Count)
            .OrderByDescending(i => weights[i] * predictions[i].Severity)
            .ThenBy(i => i)
            .Take(k)
            .ToList();
        var total = top.Sum(i => (double)weights[i]);

        var all = Enumerable.Range(0, sentences.Count).ToList();
        var allTotal = weights.Sum(w => (double)w);
        double Mix(Func<int, double> value) =>
            (TopShare * top.Sum(i => weights[i] * value(i)) / total) + ((1 - TopShare) * all.Sum(i => weights[i] * value(i)) / allTotal);
        var levels = ThreatLabels.Levels.ToDictionary(
            l => l, l => Math.Round(Mix(i => predictions[i].Levels.GetValueOrDefault(l)), 4), StringComparer.Ordinal);
        var kinds = ThreatLabels.Kinds.ToDictionary(
            kind => kind, kind => Math.Round(Mix(i => predictions[i].Kinds.GetValueOrDefault(kind)), 4), StringComparer.Ordinal);
        var level = levels.MaxBy(l => l.Value).Key;
        var score = Math.Round(levels[ThreatLabels.Elevated] + levels[ThreatLabels.High], 4);
        var best = kinds.MaxBy(x => x.Value);
        var topKind = level != ThreatLabels.None && best.Value >= TopKindThreshold ? best.Key : null;

        var evidence = top
            .Where(i => predictions[i].Severity >= EvidenceSeverity)
            .Take(MaxEvidence)
            .Select(i => new EvidenceSentence(
                sentences[i].Index, sentences[i].Start, sentences[i].Length, sentences[i].Text,
                predictions[i].Level, Math.Round(predictions[i].ThreatProbability, 4)))
            .ToList();
        return new ThreatAssessment(level, score, levels, kinds, topKind, evidence);
    }
}
