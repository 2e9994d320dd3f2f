using ThreatScorer.Core.Actors;
using ThreatScorer.Core.Articles;
using ThreatScorer.Core.Cleaning;
using ThreatScorer.Core.Models;
using ThreatScorer.Core.Threat;

namespace ThreatScorer.Core.Scoring;

/// <summary>
/// The pipeline for one article: clean → find actors → stance toward each actor → sentiment → threat framing
/// and actor relations → assessment.
/// Thread-safe; holds no per-article state.
/// </summary>
public sealed class ArticleScorer(TextCleaner cleaner, ScoringModelProvider modelProvider, TimeProvider time) : IArticleScorer
{
    private const int EvidencePerActor = 3;

    /// <summary>
    /// An actor's stance is negative or positive only when P(positive) − P(negative), averaged over its mentions,
    /// reaches this (as <see cref="SentimentModel.LabelThreshold"/> for sentiment); otherwise neutral.
    /// </summary>
    public const float StanceThreshold = SentimentModel.LabelThreshold;

    /// <summary>Share of an actor's mentions that must themselves be labelled with the actor's polar stance.</summary>
    public const double MinAgreeingShare = 1.0 / 3;

    /// <summary>
    /// Scores an article, or says why it cannot be scored: empty once cleaned, over the sentence limit, or not
    /// English (declared in another language, or not detected as English; see <see cref="LanguageCheck"/>).
    /// </summary>
    public ScoringResult Score(RawArticle article, ArticleIdentity identity, ArticleLimits limits, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(article);
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(limits);
        var started = time.GetTimestamp();

        // One set of models for the whole article, even if a promotion swaps them meanwhile.
        var models = modelProvider.Current;

        var cleaned = cleaner.Clean(article);
        var cleanMs = time.GetElapsedTime(started).TotalMilliseconds;
        if (cleaned.Sentences.Count == 0)
        {
            return ScoringResult.Reject("no text left after cleaning (only markup, whitespace or site chrome)");
        }

        if (cleaned.SentencesTruncated || cleaned.Sentences.Count > limits.MaxSentences)
        {
            return ScoringResult.Reject(
                $"too many sentences: more than the limit of {limits.MaxSentences} (setting ThreatScorer:Inbox:MaxSentences)");
        }

        if (LanguageCheck.WhyNotEnglish(cleaned.Text, article.Language) is { } notEnglish)
        {
            return ScoringResult.Reject(notEnglish);
        }

        cancellationToken.ThrowIfCancellationRequested();
        var mark = time.GetTimestamp();
        var mentions = models.Actors.Recognize(cleaned.Text, cleaned.Sentences);
        var actorsMs = time.GetElapsedTime(mark).TotalMilliseconds;

        cancellationToken.ThrowIfCancellationRequested();
        mark = time.GetTimestamp();
        var actors = ScoreStances(models, cleaned, mentions, cancellationToken);
        var stanceMs = time.GetElapsedTime(mark).TotalMilliseconds;

        cancellationToken.ThrowIfCancellationRequested();
        mark = time.GetTimestamp();
        var sentiment = ScoreSentiment(models, cleaned, cancellationToken);
        var sentimentMs = time.GetElapsedTime(mark).TotalMilliseconds;

        cancellationToken.ThrowIfCancellationRequested();
        mark = time.GetTimestamp();
        var framing = new ThreatFraming(models.Threat);
        var threat = ThreatFraming.Aggregate(cleaned.Sentences, framing.PredictSentences(cleaned, mentions, cancellationToken));
        var relations = ScoreRelations(models, cleaned, mentions, cancellationToken);
        var threatMs = time.GetElapsedTime(mark).TotalMilliseconds;

        return ScoringResult.Accept(new ArticleAssessment
        {
            ArticleId = identity.Id,
            ArticleVersion = identity.Version,
            Title = cleaned.Title,
            Url = article.Url,
            Source = article.Source,
            SourcePath = article.SourcePath,
            CleanedText = cleaned.Text,
            SentenceCount = cleaned.Sentences.Count,
            Sentiment = sentiment,
            Actors = actors,
            Threat = threat,
            Relations = relations,
            Models = models.Versions,
            Timings = new ScoringTimings(cleanMs, actorsMs, stanceMs, sentimentMs, threatMs, time.GetElapsedTime(started).TotalMilliseconds),
            ScoredAt = time.GetUtcNow(),
        });
    }

    private static List<ActorStance> ScoreStances(ScoringModels models, CleanedArticle cleaned, IReadOnlyList<ActorMention> mentions, CancellationToken cancellationToken)
    {
        if (mentions.Count == 0)
        {
            return [];
        }

        var inputs = mentions
            .Select(m => cleaned.Sentences[m.SentenceIndex] is var s
                ? new StanceInput(s.Text, m.Start - s.Start, m.Start - s.Start + m.Length, m.Type)
                : throw new InvalidOperationException("unreachable"))
            .ToList();
        var predictions = models.Stance.PredictBatch(inputs, cancellationToken);

        return mentions
            .Select((mention, i) => (Mention: mention, Prediction: predictions[i]))
            .GroupBy(x => x.Mention.ActorId, StringComparer.Ordinal)
            .Select(group => Aggregate(cleaned, group.ToList()))
            .OrderByDescending(a => a.MentionCount)
            .ThenBy(a => a.Name, StringComparer.Ordinal)
            .ToList();
    }

    private static ActorStance Aggregate(CleanedArticle cleaned, List<(ActorMention Mention, ClassPrediction Prediction)> group)
    {
        var first = group[0].Mention;
        var probabilities = PolarityLabels.All.ToDictionary(
            label => label,
            label => group.Average(x => x.Prediction.Probabilities.GetValueOrDefault(label)),
            StringComparer.Ordinal);
        // A stance is called only when the mean leans clearly one way (as for sentiment) and enough of the
        // mentions agree: one alarming headline must not make the victim of an attack "negative".
        var score = probabilities[PolarityLabels.Positive] - probabilities[PolarityLabels.Negative];
        var leaning = score >= StanceThreshold ? PolarityLabels.Positive
            : score <= -StanceThreshold ? PolarityLabels.Negative
            : PolarityLabels.Neutral;
        var agreeing = group.Count(x => x.Prediction.Label == leaning);
        var label = leaning == PolarityLabels.Neutral || agreeing >= MinAgreeingShare * group.Count ? leaning : PolarityLabels.Neutral;

        // Evidence: the sentences where the model is most sure of a non-neutral stance, one per sentence.
        var evidence = group
            .OrderByDescending(x => Math.Abs(x.Prediction.PolarityScore))
            .DistinctBy(x => x.Mention.SentenceIndex)
            .Take(EvidencePerActor)
            .Select(x => cleaned.Sentences[x.Mention.SentenceIndex] is var s
                ? new EvidenceSentence(s.Index, s.Start, s.Length, s.Text, x.Prediction.Label, Math.Round(x.Prediction.PolarityScore, 4))
                : throw new InvalidOperationException("unreachable"))
            .ToList();

        return new ActorStance
        {
            ActorId = first.ActorId,
            Name = first.ActorName,
            Type = first.Type,
            Country = first.Country,
            IsListed = first.IsListed,
            Label = label,
            Score = Math.Round(score, 4),
            Probabilities = probabilities,
            MentionCount = group.Count,
            Mentions = group.Select(x => new MentionSpan(x.Mention.SentenceIndex, x.Mention.Start, x.Mention.Length, x.Mention.Text)).ToList(),
            Evidence = evidence,
        };
    }

    private static IReadOnlyList<ActorRelation> ScoreRelations(ScoringModels models, CleanedArticle cleaned, IReadOnlyList<ActorMention> mentions, CancellationToken cancellationToken)
    {
        // Only sentences with two or more actors can hold a relation; classify just those.
        var candidates = mentions.Where(m => m.IsListed).GroupBy(m => m.SentenceIndex)
            .Where(g => g.Select(m => m.ActorId).Distinct(StringComparer.Ordinal).Count() >= 2)
            .Select(g => g.Key)
            .ToHashSet();
        if (candidates.Count == 0)
        {
            return [];
        }

        var bySentence = mentions.ToLookup(m => m.SentenceIndex);
        var indexes = candidates.Order().ToList();
        var predicted = models.Interaction.PredictBatch(
            indexes.ConvertAll(i => new ThreatInput(cleaned.Sentences[i].Text, ThreatFeatures.ActorTags(bySentence[i]))), cancellationToken);
        var statement = new ClassPrediction(
            ThreatLabels.Interactions[0], ThreatLabels.Interactions.ToDictionary(l => l, l => l == ThreatLabels.Interactions[0] ? 1f : 0f, StringComparer.Ordinal));
        var perSentence = Enumerable.Repeat(statement, cleaned.Sentences.Count).ToArray();
        for (var i = 0; i < indexes.Count; i++)
        {
            perSentence[indexes[i]] = predicted[i];
        }

        return RelationExtractor.Extract(cleaned, mentions, perSentence);
    }

    private static SentimentAssessment ScoreSentiment(ScoringModels models, CleanedArticle cleaned, CancellationToken cancellationToken)
    {
        var predictions = models.Sentiment.PredictBatch(cleaned.Sentences.Select(s => s.Text).ToList(), cancellationToken);
        var weights = SentenceWeights.For(cleaned.Sentences);
        var article = SentimentModel.Aggregate(predictions, weights);
        var total = weights.Sum();
        var probabilities = PolarityLabels.All.ToDictionary(
            label => label,
            label => (float)Math.Round(predictions.Select((p, i) => weights[i] * p.Probabilities.GetValueOrDefault(label)).Sum() / total, 4),
            StringComparer.Ordinal);
        return new SentimentAssessment(article.Label, Math.Round(article.Score, 4), probabilities);
    }
}

/// <summary>
/// How much each sentence counts when sentence scores are combined into the article's: the title and the lead
/// (the first two body sentences) carry the framing a reader takes away, so they weigh more.
/// </summary>
public static class SentenceWeights
{
    public const float Title = 2f;
    public const float Lead = 1.5f;
    public const int LeadSentences = 2;

    public static float[] For(IReadOnlyList<Sentence> sentences)
    {
        ArgumentNullException.ThrowIfNull(sentences);
        var weights = new float[sentences.Count];
        var body = 0;
        for (var i = 0; i < sentences.Count; i++)
        {
            weights[i] = sentences[i].IsTitle ? Title : body++ < LeadSentences ? Lead : 1f;
        }

        return weights;
    }
}

/// <summary>The store's identity of the article being scored.</summary>
public sealed record ArticleIdentity(string Id, int Version);

/// <summary>Either an assessment or the reason the article was rejected.</summary>
public sealed record ScoringResult(ArticleAssessment? Assessment, string? RejectionReason)
{
    public static ScoringResult Accept(ArticleAssessment assessment) => new(assessment, null);

    public static ScoringResult Reject(string reason) => new(null, reason);
}
