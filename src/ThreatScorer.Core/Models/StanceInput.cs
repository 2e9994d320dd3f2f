using ThreatScorer.Core.Actors;

namespace ThreatScorer.Core.Models;

/// <summary>
/// A target mention inside a sentence: <paramref name="From"/> inclusive, <paramref name="To"/> exclusive char
/// offsets. <paramref name="TargetType"/> is the target's actor type when the caller knows it (the scoring pipeline
/// does); null lets a model trained with the target-type feature find it with the gazetteer. Other models ignore it.
/// </summary>
public sealed record StanceInput(string Sentence, int From, int To, ActorType? TargetType = null);
