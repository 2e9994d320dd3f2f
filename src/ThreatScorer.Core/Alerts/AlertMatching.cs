using System.Text.Json;
using Microsoft.Data.Sqlite;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ThreatScorer.Core.Scoring;

namespace ThreatScorer.Core.Alerts;

/// <summary>
/// Runs after an assessment is saved: checks the enabled rules and records a delivery (or a suppressed match)
/// for each rule the article meets. Sending is the worker's delivery job; scoring never waits on a webhook.
/// </summary>
public sealed class AlertMatching(SqliteAlertStore store, IOptions<AlertOptions> options, TimeProvider time, ILogger<AlertMatching> logger)
{
    private static readonly JsonSerializerOptions PayloadJson = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>Offers the assessment to every enabled rule; returns how many deliveries were queued.</summary>
    public async Task<int> EnqueueMatchesAsync(ArticleAssessment assessment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(assessment);
        if (!options.Value.Enabled)
        {
            return 0;
        }

        var queued = 0;
        foreach (var rule in await store.ListRulesAsync(enabledOnly: true, cancellationToken))
        {
            if (!AlertRuleMatcher.Matches(rule, assessment, out var actor))
            {
                continue;
            }

            var payload = JsonSerializer.Serialize(Payload(rule, assessment, actor), PayloadJson);
            var outcome = await store.EnqueueAsync(rule, assessment.ArticleId, assessment.ArticleVersion, payload, cancellationToken);
            if (outcome == EnqueueOutcome.Queued)
            {
                queued++;
            }

            logger.LogInformation("Alert rule {RuleId} \"{RuleName}\" matched article {ArticleId}: {Outcome}",
                rule.Id, rule.Name, assessment.ArticleId, outcome);
        }

        return queued;
    }

    /// <summary>
    /// As <see cref="EnqueueMatchesAsync"/>, after a save that must stand: a store error is logged, never thrown, so
    /// an alert problem cannot mark a scored article failed. Not cancelled half-way (it follows a committed save).
    /// </summary>
    public async Task TryEnqueueMatchesAsync(ArticleAssessment assessment, ILogger caller)
    {
        ArgumentNullException.ThrowIfNull(assessment);
        ArgumentNullException.ThrowIfNull(caller);
        try
        {
            await EnqueueMatchesAsync(assessment, CancellationToken.None);
        }
        catch (Exception ex) when (ex is SqliteException or InvalidOperationException or IOException)
        {
            caller.LogError(ex, "Matching alert rules for article {ArticleId} failed; the assessment is saved", assessment.ArticleId);
        }
    }

    /// <summary>The webhook body (snake_case JSON), fixed when the match is recorded so retries send the same bytes.</summary>
    internal AlertPayload Payload(AlertRule rule, ArticleAssessment assessment, ActorStance? actor)
    {
        var baseUrl = (options.Value.ReviewBaseUrl ?? "http://127.0.0.1:5080").TrimEnd('/');
        return new AlertPayload(
            new PayloadRule(rule.Id, rule.Name),
            new PayloadArticle(assessment.ArticleId, assessment.ArticleVersion, assessment.Title, assessment.Url, assessment.Source),
            new PayloadThreat(assessment.Threat.Level, Math.Round(assessment.Threat.Score, 4), assessment.Threat.TopKind,
                assessment.Threat.Kinds.Where(k => k.Value >= AlertRuleMatcher.KindProbability).OrderByDescending(k => k.Value)
                    .Select(k => k.Key).ToList()),
            actor is null ? null : new PayloadActor(actor.ActorId, actor.Name, actor.Label, Math.Round(actor.Score, 4)),
            $"{baseUrl}/articles/{Uri.EscapeDataString(assessment.ArticleId)}",
            assessment.ScoredAt,
            time.GetUtcNow());
    }
}

/// <summary>The JSON body POSTed to a rule's webhook.</summary>
public sealed record AlertPayload(
    PayloadRule Rule,
    PayloadArticle Article,
    PayloadThreat Threat,
    PayloadActor? Actor,
    string Link,
    DateTimeOffset ScoredAt,
    DateTimeOffset MatchedAt);

public sealed record PayloadRule(long Id, string Name);

public sealed record PayloadArticle(string Id, int Version, string? Title, string? Url, string? Source);

/// <summary>Threat level and score; kinds are those with probability ≥ 0.5, most probable first.</summary>
public sealed record PayloadThreat(string Level, double Score, string? TopKind, IReadOnlyList<string> Kinds);

/// <summary>The actor whose stance made the rule match (null for rules without actor or stance).</summary>
public sealed record PayloadActor(string Id, string Name, string Stance, double StanceScore);
