namespace ThreatScorer.Core.Models;

/// <summary>An article's sentiment: label, score in −1..1 and how many sentences it was aggregated from.</summary>
public sealed record ArticleSentiment(string Label, float Score, int SentenceCount);
