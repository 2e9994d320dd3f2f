using System.Collections.Concurrent;
using ThreatScorer.Core.Actors;
using ThreatScorer.Core.Cleaning;

namespace ThreatScorer.Core.Models;

/// <summary>
/// Gives a stance input without an actor type the type the scoring pipeline would give it: the recognizer runs over
/// the whole sentence (as in scoring) and the mention overlapping the target's span lends its type. Used by stance
/// models trained with the target-type feature, for inputs that come without one (training files, evaluation,
/// <c>predict</c>). Thread-safe.
/// </summary>
public sealed class StanceTargetTypes(ActorRecognizer recognizer, bool cacheSentences = false)
{
    private readonly ConcurrentDictionary<string, IReadOnlyList<ActorMention>>? _bySentence =
        cacheSentences ? new(StringComparer.Ordinal) : null;

    /// <summary>Loads the gazetteer the types come from.</summary>
    /// <exception cref="ModelLoadException">The gazetteer file is missing.</exception>
    public static StanceTargetTypes Load(string gazetteerPath, bool cacheSentences = false)
    {
        EnsureExists(gazetteerPath);
        return new StanceTargetTypes(new ActorRecognizer(Gazetteer.Load(gazetteerPath)), cacheSentences);
    }

    /// <exception cref="ModelLoadException">The gazetteer file is missing.</exception>
    internal static void EnsureExists(string gazetteerPath)
    {
        ArgumentNullException.ThrowIfNull(gazetteerPath);
        if (!File.Exists(gazetteerPath))
        {
            throw new ModelLoadException(
                Path.GetFullPath(gazetteerPath),
                "this stance model reads the target's actor type and needs the gazetteer, which is not there: keep the model under a models root with actors/gazetteer.json, or give the gazetteer's path (training and evaluation take it from the models root they are given)");
        }
    }

    /// <summary>The input with <see cref="StanceInput.TargetType"/> set when it was not (Unknown when no recognised actor overlaps the span).</summary>
    public StanceInput Annotate(StanceInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.TargetType is not null)
        {
            return input;
        }

        var mentions = _bySentence is null ? Recognize(input.Sentence) : _bySentence.GetOrAdd(input.Sentence, Recognize);
        var hit = mentions.FirstOrDefault(m => m.Start < input.To && m.Start + m.Length > input.From);
        return input with { TargetType = hit?.Type ?? ActorType.Unknown };
    }

    private IReadOnlyList<ActorMention> Recognize(string sentence) =>
        recognizer.Recognize(sentence, [new Sentence(0, 0, sentence.Length, 0, sentence)]);
}
