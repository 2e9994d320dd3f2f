namespace ThreatScorer.Core.Alerts;

/// <summary>
/// An analyst's alert rule: every condition that is set must hold for an article to match (threat score at
/// least, level at least, kind, actor, stance). A match is POSTed as JSON to <see cref="WebhookUrl"/>, at most
/// once per <see cref="Cooldown"/>.
/// </summary>
public sealed record AlertRule
{
    public long Id { get; init; }
    public required string Name { get; init; }

    /// <summary>Calibrated threat score (0..1) the article must reach.</summary>
    public double? MinThreatScore { get; init; }

    /// <summary>The least severe threat level that matches (none &lt; low &lt; elevated &lt; high).</summary>
    public string? MinLevel { get; init; }

    /// <summary>A threat kind: the article's top kind, or a kind with probability ≥ 0.5 (as the list filter).</summary>
    public string? Kind { get; init; }

    /// <summary>An actor the article must name; with <see cref="Stance"/>, the stance toward that actor.</summary>
    public string? ActorId { get; init; }

    /// <summary>Stance toward <see cref="ActorId"/>, or toward any actor when no actor is set.</summary>
    public string? Stance { get; init; }

    public required string WebhookUrl { get; init; }

    /// <summary>At most one delivery per this window; later matches inside it are recorded as suppressed.</summary>
    public TimeSpan Cooldown { get; init; }

    public bool Enabled { get; init; } = true;
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>The states of a webhook delivery.</summary>
public static class AlertDeliveryStatus
{
    /// <summary>Waiting for its first or next attempt.</summary>
    public const string Pending = "pending";

    /// <summary>The webhook answered 2xx.</summary>
    public const string Sent = "sent";

    /// <summary>Every attempt failed; <see cref="AlertDelivery.LastError"/> says why.</summary>
    public const string Failed = "failed";

    /// <summary>Matched inside the rule's cooldown: recorded, never sent.</summary>
    public const string Suppressed = "suppressed";

    public static IReadOnlyList<string> All { get; } = [Pending, Sent, Failed, Suppressed];
}

/// <summary>One alert for one (rule, article version): its state, attempts and the body it sends.</summary>
public sealed record AlertDelivery
{
    public long Id { get; init; }
    public long RuleId { get; init; }
    public string? RuleName { get; init; }
    public string? WebhookUrl { get; init; }
    public required string ArticleId { get; init; }
    public int ArticleVersion { get; init; }
    public string? ArticleTitle { get; init; }
    public required string Status { get; init; }
    public int Attempts { get; init; }
    public string? LastError { get; init; }
    public int? LastStatusCode { get; init; }
    public DateTimeOffset? NextAttemptAt { get; init; }
    public required string PayloadJson { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? SentAt { get; init; }
}

/// <summary>What happened when a match was offered to the store.</summary>
public enum EnqueueOutcome
{
    /// <summary>A new pending delivery.</summary>
    Queued,

    /// <summary>Recorded as suppressed: the rule delivered (or queued) inside its cooldown.</summary>
    Suppressed,

    /// <summary>This rule already has a delivery for this article version (dedupe).</summary>
    Duplicate,
}
