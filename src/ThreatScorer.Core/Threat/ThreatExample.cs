namespace ThreatScorer.Core.Threat;

/// <summary>
/// One labelled sentence or short passage of the threat corpus (seeds/training/threat). Team-written items carry
/// their text; re-labels of third-party sentences carry a reference that is joined at training time.
/// </summary>
public sealed record ThreatExample(
    string Id,
    string Text,
    string Level,
    IReadOnlyList<string> Kinds,
    string Interaction,
    string Group,
    string Provenance,
    string Source)
{
    /// <summary>The corpus file the item was read from, without <c>.jsonl</c> (e.g. <c>r-cep</c>); "" when unknown.</summary>
    public string CorpusFile { get; init; } = string.Empty;
}
