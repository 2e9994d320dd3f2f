namespace ThreatScorer.Core.Actors;

/// <summary>What kind of actor a gazetteer entry is.</summary>
public enum ActorType
{
    Unknown,
    State,
    Igo,
    ArmedGroup,
    Person,
    Organisation,
}

/// <summary>A gazetteer entry: a canonical id (e.g. "RUS", "IGO.CSTO", "RUS.PUTIN"), a display name and its aliases.</summary>
public sealed record Actor(string Id, string Name, ActorType Type, string? Country, IReadOnlyList<string> Aliases);

/// <summary>
/// One mention of an actor in the cleaned text. <see cref="Start"/>/<see cref="Length"/> index the cleaned
/// article text; <see cref="IsListed"/> is false for capitalised names the gazetteer does not know
/// (their <see cref="ActorId"/> is "UNLISTED:" plus the normalised name and their type is Unknown).
/// </summary>
public sealed record ActorMention(
    string ActorId,
    string ActorName,
    ActorType Type,
    string? Country,
    int SentenceIndex,
    int Start,
    int Length,
    string Text,
    bool IsListed);
