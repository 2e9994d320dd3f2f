using ThreatScorer.Core.Actors;

namespace ThreatScorer.Core.Scoring;

/// <summary>
/// Everything the pipeline concluded about one article: what the worker stores and what
/// <c>threatscorer score</c> prints. Offsets index <see cref="CleanedText"/>.
/// </summary>
public sealed record ArticleAssessment
{
    public required string ArticleId { get; init; }
    public int ArticleVersion { get; init; } = 1;
    public string? Title { get; init; }
    public string? Url { get; init; }
    public string? Source { get; init; }
    public required string SourcePath { get; init; }
    public required string CleanedText { get; init; }
    public required int SentenceCount { get; init; }
    public required SentimentAssessment Sentiment { get; init; }
    public required IReadOnlyList<ActorStance> Actors { get; init; }

    /// <summary>Threat framing: level, calibrated score, kinds and evidence sentences.</summary>
    public required ThreatAssessment Threat { get; init; }

    /// <summary>Actor-to-actor relations where a sentence makes them clear (like GDELT's Actor1/Actor2).</summary>
    public IReadOnlyList<ActorRelation> Relations { get; init; } = [];

    public required ModelVersions Models { get; init; }
    public required ScoringTimings Timings { get; init; }
    public required DateTimeOffset ScoredAt { get; init; }
}

/// <summary>The article's overall sentiment: a label and a score in −1..1 (positive minus negative).</summary>
public sealed record SentimentAssessment(string Label, double Score, IReadOnlyDictionary<string, float> Probabilities);

/// <summary>
/// Stance toward one actor, aggregated over its mentions: label, score in −1..1, mean class probabilities,
/// and the sentences that carry it (strongest first).
/// </summary>
public sealed record ActorStance
{
    public required string ActorId { get; init; }
    public required string Name { get; init; }
    public required ActorType Type { get; init; }
    public string? Country { get; init; }
    public required bool IsListed { get; init; }
    public required string Label { get; init; }
    public required double Score { get; init; }
    public required IReadOnlyDictionary<string, float> Probabilities { get; init; }
    public required int MentionCount { get; init; }
    public required IReadOnlyList<MentionSpan> Mentions { get; init; }
    public required IReadOnlyList<EvidenceSentence> Evidence { get; init; }
}

/// <summary>Where an actor is mentioned: the sentence and the character span in the cleaned text.</summary>
public sealed record MentionSpan(int SentenceIndex, int Start, int Length, string Text);

/// <summary>A sentence that supports a conclusion, with its span in the cleaned text and its own score.</summary>
public sealed record EvidenceSentence(int SentenceIndex, int Start, int Length, string Text, string Label, double Score);

/// <summary>
/// Threat framing of an article: the level (none/low/elevated/high), a calibrated score (probability that the
/// article frames a real danger: P(elevated or high)), the level distribution, each kind's probability, the
/// leading kind (null when there is no threat) and the evidence sentences.
/// </summary>
public sealed record ThreatAssessment(
    string Level,
    double Score,
    IReadOnlyDictionary<string, double> LevelProbabilities,
    IReadOnlyDictionary<string, double> Kinds,
    string? TopKind,
    IReadOnlyList<EvidenceSentence> Evidence);

/// <summary>
/// A relation one sentence states between two actors: the subject acts on the object with an interaction class
/// (statement, verbal/material cooperation, verbal/material conflict), with the model's confidence.
/// </summary>
public sealed record ActorRelation(
    string SubjectId,
    string SubjectName,
    string ObjectId,
    string ObjectName,
    string Interaction,
    double Confidence,
    EvidenceSentence Evidence);

/// <summary>The versions of the models that produced an assessment; scores are keyed by <see cref="Key"/>.</summary>
public sealed record ModelVersions(string Stance, string Sentiment, string Threat, string Interaction)
{
    /// <summary>One string naming every model, so a change of any model gives a new score row.</summary>
    public string Key => $"stance={Stance};sentiment={Sentiment};threat={Threat};interaction={Interaction}";
}

/// <summary>How long each stage took, in milliseconds.</summary>
public sealed record ScoringTimings(double CleanMs, double ActorsMs, double StanceMs, double SentimentMs, double ThreatMs, double TotalMs);
