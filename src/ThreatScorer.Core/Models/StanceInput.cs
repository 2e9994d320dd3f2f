namespace ThreatScorer.Core.Models;

/// <summary>A target mention inside a sentence: <paramref name="From"/> inclusive, <paramref name="To"/> exclusive char offsets.</summary>
public sealed record StanceInput(string Sentence, int From, int To);
