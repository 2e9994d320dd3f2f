using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using ThreatScorer.Core.Alerts;
using ThreatScorer.Core.Scoring;
using ThreatScorer.Web.Pages;

namespace ThreatScorer.Web.Api;

/// <summary>A new alert rule as posted by the UI or a client (snake_case JSON).</summary>
public sealed record AlertRuleRequest(
    string? Name,
    double? MinThreatScore,
    string? MinLevel,
    string? Kind,
    string? ActorId,
    string? Stance,
    string? WebhookUrl,
    int? CooldownSeconds,
    bool? Enabled);

/// <summary>Switches a rule on or off.</summary>
public sealed record AlertRuleEnabledRequest(bool Enabled);

/// <summary>The alerts API and page: rules (list, add, enable/disable) and recent deliveries with their errors.</summary>
internal static class AlertEndpoints
{
    public static IEndpointRouteBuilder MapAlerts(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/alerts");
        api.MapGet("/rules", async (SqliteAlertStore store, CancellationToken ct) =>
            Results.Json(await store.ListRulesAsync(enabledOnly: false, ct), AssessmentJson.Options));
        api.MapPost("/rules", async (AlertRuleRequest? body, SqliteAlertStore store, WebhookTargets targets, CancellationToken ct) =>
        {
            if (body is null)
            {
                return Results.BadRequest(new { error = "the body must be a JSON object describing the rule" });
            }

            var rule = new AlertRule
            {
                Name = body.Name ?? string.Empty,
                MinThreatScore = body.MinThreatScore,
                MinLevel = body.MinLevel,
                Kind = body.Kind,
                ActorId = body.ActorId,
                Stance = body.Stance,
                WebhookUrl = body.WebhookUrl?.Trim() ?? string.Empty,
                Cooldown = TimeSpan.FromSeconds(body.CooldownSeconds ?? 0),
                Enabled = body.Enabled ?? true,
            };
            // The target is checked here, with DNS, as well as on every connection (WebhookTargets.CreateHandler):
            // an analyst learns now, not from a failed delivery, that the URL will never be called.
            var problems = AlertRules.Problems(rule).ToList();
            if (!problems.Exists(p => p.StartsWith("webhook_url", StringComparison.Ordinal))
                && await targets.CheckAsync(rule.WebhookUrl, ct) is { } target)
            {
                problems.Add(target);
            }

            if (problems.Count > 0)
            {
                return Results.BadRequest(new { error = string.Join("; ", problems) });
            }

            try
            {
                return Results.Json(await store.AddRuleAsync(rule, ct), AssessmentJson.Options, statusCode: StatusCodes.Status201Created);
            }
            catch (ArgumentException ex)
            {
                return Results.BadRequest(new { error = ex.Message.Replace(" (Parameter 'rule')", string.Empty, StringComparison.Ordinal) });
            }
        });
        api.MapPut("/rules/{id:long}/enabled", async (long id, AlertRuleEnabledRequest body, SqliteAlertStore store, CancellationToken ct) =>
            await store.SetRuleEnabledAsync(id, body.Enabled, ct)
                ? Results.Json(new { id, enabled = body.Enabled })
                : Results.NotFound(new { error = $"no alert rule {id}" }));
        api.MapGet("/deliveries", async (string? status, string? rule, string? limit, SqliteAlertStore store, CancellationToken ct) =>
        {
            var problems = new List<string>();
            if (status is not null && !AlertDeliveryStatus.All.Contains(status))
            {
                problems.Add($"status must be one of {string.Join(", ", AlertDeliveryStatus.All)}");
            }

            // Parsed here rather than bound, so a bad value gets a message naming it (binding answers an empty 400).
            long? ruleId = null;
            if (rule is { Length: > 0 })
            {
                if (long.TryParse(rule, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id))
                {
                    ruleId = id;
                }
                else
                {
                    problems.Add("rule must be a rule id (a positive whole number)");
                }
            }

            var count = 100;
            if (limit is { Length: > 0 } && (!int.TryParse(limit, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out count) || count is < 1 or > 1000))
            {
                problems.Add("limit must be from 1 to 1000");
            }

            return problems.Count > 0
                ? Results.BadRequest(new { error = string.Join("; ", problems) })
                : Results.Json(await store.ListDeliveriesAsync(status, ruleId, count, ct), AssessmentJson.Options);
        });

        app.MapGet("/alerts", async (string? status, SqliteAlertStore store, CancellationToken ct) =>
        {
            var known = status is not null && AlertDeliveryStatus.All.Contains(status) ? status : null;
            var rules = await store.ListRulesAsync(enabledOnly: false, ct);
            var deliveries = await store.ListDeliveriesAsync(known, null, 100, ct);
            return Results.Content(AlertsPage.Render(rules, deliveries, known), "text/html; charset=utf-8");
        });
        return app;
    }
}
