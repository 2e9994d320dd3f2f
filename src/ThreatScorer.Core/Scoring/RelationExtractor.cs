using ThreatScorer.Core.Actors;
using ThreatScorer.Core.Cleaning;
using ThreatScorer.Core.Models;
using ThreatScorer.Core.Threat;

namespace ThreatScorer.Core.Scoring;

/// <summary>
/// Actor-to-actor relations, GDELT-style: in a sentence that names two or more gazetteer actors and whose
/// interaction class is not a plain statement, the subject is the first actor (or the agent after "by" in a
/// passive), the object the nearest other actor after it, and the relation the sentence's interaction class.
/// One relation per sentence keeps precision: "Russia vows to shield Tajikistan as the Taliban threat rises"
/// gives Russia —verbal_cooperation→ Tajikistan, not Russia → Taliban.
/// </summary>
public static class RelationExtractor
{
    public const int MaxRelations = 50;

    /// <summary>Relations in <paramref name="cleaned"/>; <paramref name="interactions"/> has one prediction per sentence.</summary>
    public static IReadOnlyList<ActorRelation> Extract(
        CleanedArticle cleaned, IReadOnlyList<ActorMention> mentions, IReadOnlyList<ClassPrediction> interactions)
    {
        ArgumentNullException.ThrowIfNull(cleaned);
        ArgumentNullException.ThrowIfNull(mentions);
        ArgumentNullException.ThrowIfNull(interactions);
        var relations = new List<ActorRelation>();
        foreach (var group in mentions.Where(m => m.IsListed).GroupBy(m => m.SentenceIndex).OrderBy(g => g.Key))
        {
            var inSentence = group.OrderBy(m => m.Start).ToList();
            if (inSentence.Select(m => m.ActorId).Distinct(StringComparer.Ordinal).Count() < 2)
            {
                continue;
            }

            var interaction = interactions[group.Key];
            if (interaction.Label == ThreatLabels.Interactions[0])
            {
                continue;
            }

            var sentence = cleaned.Sentences[group.Key];
            var subject = inSentence.FirstOrDefault(m => IsPassiveAgent(cleaned.Text, m)) ?? inSentence[0];
            var target = inSentence.FirstOrDefault(m => m.Start > subject.Start && !SameSide(subject, m))
                ?? inSentence.FirstOrDefault(m => !SameSide(subject, m));
            if (target is null)
            {
                continue;
            }

            relations.Add(new ActorRelation(
                subject.ActorId, subject.ActorName, target.ActorId, target.ActorName, interaction.Label,
                Math.Round(interaction.Confidence, 4),
                new EvidenceSentence(sentence.Index, sentence.Start, sentence.Length, sentence.Text, interaction.Label, Math.Round(interaction.Confidence, 4))));
            if (relations.Count == MaxRelations)
            {
                break;
            }
        }

        return relations;
    }

    // An actor and its own state ("Russian President Vladimir Putin" and "Russia") are one side, not a relation.
    private static bool SameSide(ActorMention a, ActorMention b) =>
        a.ActorId == b.ActorId
        || (a.Country is not null && a.Country == b.ActorId)
        || (b.Country is not null && b.Country == a.ActorId);

    private static bool IsPassiveAgent(string text, ActorMention mention)
    {
        var before = text.AsSpan(0, mention.Start).TrimEnd();
        if (before.EndsWith("the", StringComparison.OrdinalIgnoreCase))
        {
            before = before[..^3].TrimEnd();
        }

        return before.EndsWith(" by", StringComparison.OrdinalIgnoreCase);
    }
}
