using ThreatScorer.Core.Scoring;
using ThreatScorer.Core.Threat;

namespace ThreatScorer.Core.Alerts;

/// <summary>Whether an assessment meets a rule, and which actor's stance made it match.</summary>
public static class AlertRuleMatcher
{
    /// <summary>A kind counts when it is the top kind or at least this probable (the review list's rule).</summary>
    public const double KindProbability = 0.5;

    /// <summary>True when every condition the rule sets holds; <paramref name="actor"/> is the matching actor, if any.</summary>
    public static bool Matches(AlertRule rule, ArticleAssessment assessment, out ActorStance? actor)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(assessment);
        actor = null;
        var threat = assessment.Threat;
        if (rule.MinThreatScore is { } min && threat.Score < min)
        {
            return false;
        }

        if (rule.MinLevel is { } level && ThreatLabels.LevelRank(threat.Level) < ThreatLabels.LevelRank(level))
        {
            return false;
        }

        if (rule.Kind is { } kind
            && !string.Equals(threat.TopKind, kind, StringComparison.Ordinal)
            && !(threat.Kinds.TryGetValue(kind, out var p) && p >= KindProbability))
        {
            return false;
        }

        if (rule.ActorId is null && rule.Stance is null)
        {
            return true;
        }

        // The strongest qualifying actor is reported, so "any actor negative" names the clearest case.
        actor = assessment.Actors
            .Where(a => (rule.ActorId is null || string.Equals(a.ActorId, rule.ActorId, StringComparison.Ordinal))
                && (rule.Stance is null || string.Equals(a.Label, rule.Stance, StringComparison.Ordinal)))
            .OrderByDescending(a => Math.Abs(a.Score))
            .FirstOrDefault();
        return actor is not null;
    }
}
