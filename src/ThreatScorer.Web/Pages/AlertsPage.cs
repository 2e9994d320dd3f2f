using System.Text;
using ThreatScorer.Core.Alerts;
using ThreatScorer.Core.Threat;
using static ThreatScorer.Web.Pages.Html;

namespace ThreatScorer.Web.Pages;

/// <summary>
/// The alerts page: rules with their conditions and an enable/disable button, a form to add a rule, and the
/// latest deliveries with status, attempts and the last error. Names, URLs and errors are encoded like article text.
/// </summary>
internal static class AlertsPage
{
    public static string Render(IReadOnlyList<AlertRule> rules, IReadOnlyList<AlertDelivery> deliveries, string? status)
    {
        var html = new StringBuilder();
        html.Append("<h1>Alerts</h1><h2>Rules</h2>");
        if (rules.Count == 0)
        {
            html.Append("<p class=\"muted\" id=\"no-rules\">No alert rules yet.</p>");
        }
        else
        {
            html.Append("<table id=\"alert-rules\"><thead><tr><th>#</th><th>Name</th><th>Conditions</th><th>Webhook</th><th>Cooldown</th><th>State</th><th></th></tr></thead><tbody>");
            foreach (var rule in rules)
            {
                html.Append($"<tr data-rule=\"{rule.Id}\"><td>{rule.Id}</td><td>{E(rule.Name)}</td><td>{E(Conditions(rule))}</td>")
                    .Append($"<td><code>{E(rule.WebhookUrl)}</code></td><td>{E(rule.Cooldown.ToString())}</td>")
                    .Append($"<td>{(rule.Enabled ? "enabled" : "<span class=\"muted\">disabled</span>")}</td>")
                    .Append($"<td><button type=\"button\" class=\"rule-toggle\" data-rule=\"{rule.Id}\" data-enabled=\"{(rule.Enabled ? "false" : "true")}\">")
                    .Append(rule.Enabled ? "Disable" : "Enable").Append("</button></td></tr>");
            }

            html.Append("</tbody></table>");
        }

        html.Append("<h2>Add a rule</h2><form class=\"alert-rule\" id=\"add-rule\">")
            .Append("<label>Name <input name=\"name\" required maxlength=\"200\"></label> ")
            .Append("<label>Threat score ≥ <input name=\"min_threat_score\" type=\"number\" min=\"0\" max=\"1\" step=\"0.01\"></label> ")
            .Append("<label>Level ≥ <select name=\"min_level\"><option value=\"\">any</option>");
        foreach (var level in ThreatLabels.Levels)
        {
            html.Append($"<option>{E(level)}</option>");
        }

        html.Append("</select></label> <label>Kind <select name=\"kind\"><option value=\"\">any</option>");
        foreach (var kind in ThreatLabels.Kinds)
        {
            html.Append($"<option>{E(kind)}</option>");
        }

        html.Append("</select></label> <label>Actor id <input name=\"actor_id\" placeholder=\"e.g. RUS\"></label> ")
            .Append("<label>Stance <select name=\"stance\"><option value=\"\">any</option><option>negative</option><option>neutral</option><option>positive</option></select></label> ")
            .Append("<label>Webhook URL <input name=\"webhook_url\" type=\"url\" required placeholder=\"https://hooks.example/threat\"></label> ")
            .Append("<label>Cooldown (minutes) <input name=\"cooldown_minutes\" type=\"number\" min=\"0\" value=\"60\"></label> ")
            .Append("<button type=\"submit\">Add rule</button></form>");

        html.Append("<h2>Recent deliveries</h2><p>Show: ");
        html.Append(status is null ? "<strong>all</strong>" : "<a href=\"/alerts\">all</a>");
        foreach (var s in AlertDeliveryStatus.All)
        {
            html.Append(" · ").Append(s == status ? $"<strong>{E(s)}</strong>" : $"<a href=\"/alerts?status={Attr(s)}\">{E(s)}</a>");
        }

        html.Append("</p>");
        if (deliveries.Count == 0)
        {
            html.Append("<p class=\"muted\" id=\"no-deliveries\">No deliveries.</p>");
            return Page("Alerts", html.ToString());
        }

        html.Append("<table id=\"alert-deliveries\"><thead><tr><th>#</th><th>Matched</th><th>Rule</th><th>Article</th><th>Status</th><th>Attempts</th><th>Last error</th><th>Next attempt</th><th>Sent</th></tr></thead><tbody>");
        foreach (var d in deliveries)
        {
            html.Append($"<tr class=\"delivery-{Attr(d.Status)}\"><td>{d.Id}</td><td>{Date(d.CreatedAt)}</td><td>{E(d.RuleName)}</td>")
                .Append($"<td><a href=\"/articles/{Attr(Uri.EscapeDataString(d.ArticleId))}\">{E(d.ArticleTitle ?? d.ArticleId)}</a></td>")
                .Append($"<td class=\"status\">{E(d.Status)}</td><td>{d.Attempts}</td>")
                .Append($"<td class=\"{(d.Status == AlertDeliveryStatus.Failed ? "error" : string.Empty)}\">{E(d.LastError)}</td>")
                .Append($"<td>{(d.NextAttemptAt is null ? "—" : Date(d.NextAttemptAt))}</td><td>{Date(d.SentAt)}</td></tr>");
        }

        html.Append("</tbody></table>");
        return Page("Alerts", html.ToString());
    }

    private static string Conditions(AlertRule rule)
    {
        var parts = new List<string>();
        if (rule.MinThreatScore is { } score)
        {
            parts.Add($"score ≥ {Num(score)}");
        }

        if (rule.MinLevel is { } level)
        {
            parts.Add($"level ≥ {level}");
        }

        if (rule.Kind is { } kind)
        {
            parts.Add($"kind {kind}");
        }

        if (rule.ActorId is not null || rule.Stance is not null)
        {
            parts.Add($"{rule.Stance ?? "any"} stance toward {rule.ActorId ?? "any actor"}");
        }

        return string.Join(", ", parts);
    }
}
