using ThreatScorer.Core.Threat;

namespace ThreatScorer.Core.Alerts;

/// <summary>Validation of a rule before it is stored.</summary>
public static class AlertRules
{
    private static readonly string[] StanceLabels = ["negative", "neutral", "positive"];

    /// <summary>Every problem with the rule, as sentences naming the field (empty: valid).</summary>
    public static IReadOnlyList<string> Problems(AlertRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(rule.Name) || rule.Name.Length > 200)
        {
            problems.Add("name is required (at most 200 characters)");
        }

        if (!IsHttpUrl(rule.WebhookUrl))
        {
            problems.Add("webhook_url must be an absolute http(s) URL");
        }

        if (rule.MinThreatScore is { } score && (double.IsNaN(score) || score < 0 || score > 1))
        {
            problems.Add("min_threat_score must be between 0 and 1");
        }

        if (rule.MinLevel is { } level && ThreatLabels.LevelRank(level) < 0)
        {
            problems.Add($"min_level must be one of {string.Join(", ", ThreatLabels.Levels)}");
        }

        if (rule.Kind is { } kind && !ThreatLabels.Kinds.Contains(kind))
        {
            problems.Add($"kind must be one of {string.Join(", ", ThreatLabels.Kinds)}");
        }

        if (rule.Stance is { } stance && !StanceLabels.Contains(stance))
        {
            problems.Add($"stance must be one of {string.Join(", ", StanceLabels)}");
        }

        if (rule.ActorId is { } actor && (actor.Length > 100 || string.IsNullOrWhiteSpace(actor)))
        {
            problems.Add("actor_id must be an actor id such as RUS or GRP.TALIBAN");
        }

        if (rule.Cooldown < TimeSpan.Zero || rule.Cooldown > TimeSpan.FromDays(30))
        {
            problems.Add("cooldown must be between 0 and 30 days");
        }

        // A rule without conditions would alert on every article: almost always a mistake.
        if (rule.MinThreatScore is null && rule.MinLevel is null && rule.Kind is null && rule.ActorId is null && rule.Stance is null)
        {
            problems.Add("set at least one condition (min_threat_score, min_level, kind, actor_id or stance)");
        }

        return problems;
    }

    public static bool IsHttpUrl(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}
