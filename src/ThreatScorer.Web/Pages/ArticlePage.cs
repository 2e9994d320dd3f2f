using System.Text;
using System.Text.Json;
using ThreatScorer.Core.Scoring;
using ThreatScorer.Core.Storage;
using ThreatScorer.Core.Threat;
using static ThreatScorer.Web.Pages.Html;

namespace ThreatScorer.Web.Pages;

/// <summary>
/// One article: the cleaned text with evidence highlighted (threat framing and each actor's stance), stances
/// with probabilities, relations, model versions, corrections and the raw JSON.
/// </summary>
internal static class ArticlePage
{
    /// <summary>Largest assessment JSON (characters) shown inline on the page.</summary>
    public const int MaxInlineJsonChars = 1_000_000;

    public static string Render(ArticleReview review)
    {
        var assessment = AssessmentJson.Deserialize(review.AssessmentJson);
        var article = review.Article;
        var current = review.Current;
        var html = new StringBuilder();
        html.Append($"<h1 id=\"article-title\">{E(article.Title ?? article.Id)}</h1>");
        html.Append("<dl class=\"meta\">")
            .Append($"<dt>Id</dt><dd>{E(article.Id)} (version {current.Version})</dd>")
            .Append($"<dt>URL</dt><dd>{ExternalLink(article.Url)}</dd>")
            .Append($"<dt>Source</dt><dd>{E(article.Source)}</dd><dt>Language</dt><dd>{E(article.Language)}</dd>")
            .Append($"<dt>Published</dt><dd>{Date(article.PublishedAt)}</dd><dt>Ingested</dt><dd>{Date(article.IngestedAt)}</dd>")
            .Append($"<dt>Scored</dt><dd>{Date(current.ScoredAt)}</dd>");
        foreach (var (task, version) in SqliteReviewStore.ParseModelKey(current.ModelVersion))
        {
            html.Append($"<dt>{E(task)} model</dt><dd class=\"model\">{E(version)}</dd>");
        }

        html.Append("</dl>");

        var threat = assessment.Threat;
        var correctedLevel = review.Corrections.LastOrDefault(c => c.Field == CorrectionFields.ThreatLevel);
        var correctedKinds = review.Corrections.LastOrDefault(c => c.Field == CorrectionFields.ThreatKinds);
        html.Append("<section class=\"threat\"><h2>Threat framing</h2><p>")
            .Append($"Level {LevelBadge(threat.Level)} score <strong>{Num(threat.Score)}</strong>");
        if (correctedLevel is not null)
        {
            html.Append($" <span class=\"corrected\" id=\"corrected-level\">corrected to {LevelBadge(correctedLevel.Value)} by {E(correctedLevel.Author)}</span>");
        }

        html.Append("</p><table class=\"bars\"><tbody>");
        foreach (var (level, p) in threat.LevelProbabilities)
        {
            html.Append($"<tr><th>{E(level)}</th><td><meter min=\"0\" max=\"1\" value=\"{Num(p, "0.000")}\"></meter> {Num(p)}</td></tr>");
        }

        html.Append("</tbody></table><h3>Kinds</h3><table class=\"bars\"><tbody>");
        foreach (var (kind, p) in threat.Kinds.OrderByDescending(k => k.Value))
        {
            var top = kind == threat.TopKind ? " class=\"top\"" : string.Empty;
            html.Append($"<tr{top}><th>{E(kind)}</th><td><meter min=\"0\" max=\"1\" value=\"{Num(p, "0.000")}\"></meter> {Num(p)}</td></tr>");
        }

        html.Append("</tbody></table>");
        if (correctedKinds is not null)
        {
            html.Append($"<p class=\"corrected\" id=\"corrected-kinds\">Kinds corrected to {E(correctedKinds.Value)} by {E(correctedKinds.Author)}</p>");
        }

        html.Append(ThreatCorrectionForm(article.Id, threat, correctedKinds?.Value)).Append("</section>");

        html.Append("<section class=\"text\"><h2>Text with evidence</h2><p class=\"legend\">")
            .Append("<mark class=\"ev-threat\">threat evidence</mark> <mark class=\"ev-negative\">negative stance</mark> ")
            .Append("<mark class=\"ev-neutral\">neutral stance</mark> <mark class=\"ev-positive\">positive stance</mark> ")
            .Append("<span class=\"mention\">actor mention</span></p>")
            .Append("<div class=\"article-text\" id=\"article-text\">").Append(EvidenceHighlighter.Render(assessment.CleanedText, Spans(assessment), out _)).Append("</div></section>");

        html.Append("<section class=\"actors\"><h2>Stance toward actors</h2><table id=\"actors\"><thead><tr><th>Actor</th><th>Type</th>")
            .Append("<th>Country</th><th>Stance</th><th>Score</th><th>P(neg)</th><th>P(neu)</th><th>P(pos)</th><th>Mentions</th><th>Correct</th></tr></thead><tbody>");
        foreach (var actor in assessment.Actors)
        {
            var corrected = review.Corrections.LastOrDefault(c => c.Field == CorrectionFields.ActorStance && c.ActorId == actor.ActorId);
            html.Append($"<tr data-actor=\"{Attr(actor.ActorId)}\"><td><a href=\"/actors/{Attr(Uri.EscapeDataString(actor.ActorId))}\">{E(actor.Name)}</a></td>")
                .Append($"<td>{E(actor.Type.ToString())}</td><td>{E(actor.Country)}</td><td>{StanceBadge(actor.Label)}");
            if (corrected is not null)
            {
                html.Append($" <span class=\"corrected\">→ {StanceBadge(corrected.Value)} corrected</span>");
            }

            html.Append($"</td><td>{Num(actor.Score, "+0.00;-0.00")}</td>")
                .Append($"<td>{Num(actor.Probabilities.GetValueOrDefault("negative"))}</td>")
                .Append($"<td>{Num(actor.Probabilities.GetValueOrDefault("neutral"))}</td>")
                .Append($"<td>{Num(actor.Probabilities.GetValueOrDefault("positive"))}</td>")
                .Append($"<td>{actor.MentionCount}</td><td>")
                .Append($"<form class=\"correction\" data-article=\"{Attr(article.Id)}\" data-field=\"actor_stance\" data-actor=\"{Attr(actor.ActorId)}\">")
                .Append("<select name=\"value\" aria-label=\"stance\">");
            foreach (var label in new[] { "negative", "neutral", "positive" })
            {
                html.Append($"<option{(label == (corrected?.Value ?? actor.Label) ? " selected" : string.Empty)}>{label}</option>");
            }

            html.Append("</select> <input name=\"comment\" placeholder=\"comment\"> <button type=\"submit\">Save</button></form></td></tr>");
        }

        html.Append("</tbody></table></section>");

        html.Append("<section class=\"relations\"><h2>Relations between actors</h2>");
        if (assessment.Relations.Count == 0)
        {
            html.Append("<p class=\"muted\">None found.</p>");
        }
        else
        {
            html.Append("<ul>");
            foreach (var r in assessment.Relations)
            {
                html.Append($"<li>{E(r.SubjectName)} —<strong>{E(r.Interaction)}</strong>→ {E(r.ObjectName)} ({Num(r.Confidence)}): ")
                    .Append($"<q>{E(r.Evidence.Text)}</q></li>");
            }

            html.Append("</ul>");
        }

        html.Append("</section><section class=\"history\"><h2>Corrections</h2>");
        if (review.Corrections.Count == 0)
        {
            html.Append("<p class=\"muted\" id=\"no-corrections\">No corrections yet.</p>");
        }
        else
        {
            html.Append("<table id=\"corrections\"><thead><tr><th>When</th><th>Who</th><th>Field</th><th>Actor</th><th>Value</th><th>Comment</th></tr></thead><tbody>");
            foreach (var c in review.Corrections)
            {
                html.Append($"<tr><td>{Date(c.CreatedAt)}</td><td>{E(c.Author)}</td><td>{E(c.Field)}</td><td>{E(c.ActorId)}</td>")
                    .Append($"<td>{E(c.Value)}</td><td>{E(c.Comment)}</td></tr>");
            }

            html.Append("</tbody></table>");
        }

        // A mention bomb's JSON runs to megabytes: linked, not inlined (the API serves it whole).
        if (review.AssessmentJson.Length > MaxInlineJsonChars)
        {
            var api = "/api/articles/" + Uri.EscapeDataString(article.Id);
            html.Append("</section><details class=\"raw\"><summary>Raw assessment JSON</summary><p id=\"raw-json-link\">")
                .Append($"{Num(review.AssessmentJson.Length / 1e6, "0.0")} MB, too large to show here: <a href=\"{Attr(api)}\">{E(api)}</a></p></details>");
        }
        else
        {
            var pretty = JsonSerializer.Serialize(JsonDocument.Parse(review.AssessmentJson).RootElement, AssessmentJson.Indented);
            html.Append("</section><details class=\"raw\"><summary>Raw assessment JSON</summary><pre id=\"raw-json\">")
                .Append(E(pretty)).Append("</pre></details>");
        }

        return Page(article.Title ?? article.Id, html.ToString());
    }

    private static string ThreatCorrectionForm(string articleId, ThreatAssessment threat, string? correctedKinds)
    {
        var html = new StringBuilder();
        html.Append($"<form class=\"correction\" id=\"correct-level\" data-article=\"{Attr(articleId)}\" data-field=\"threat_level\">")
            .Append("<label>Correct level <select name=\"value\">");
        foreach (var level in ThreatLabels.Levels)
        {
            html.Append($"<option{(level == threat.Level ? " selected" : string.Empty)}>{level}</option>");
        }

        html.Append("</select></label> <input name=\"comment\" placeholder=\"comment\"> <button type=\"submit\">Save level</button></form>");
        var kinds = correctedKinds ?? string.Join(',', threat.Kinds.Where(k => k.Value >= ReviewFilter.KindThreshold).Select(k => k.Key));
        html.Append($"<form class=\"correction\" id=\"correct-kinds\" data-article=\"{Attr(articleId)}\" data-field=\"threat_kinds\">")
            .Append($"<label>Correct kinds <input name=\"value\" value=\"{Attr(kinds)}\" placeholder=\"e.g. terrorism,armed_conflict or none\"></label> ")
            .Append("<input name=\"comment\" placeholder=\"comment\"> <button type=\"submit\">Save kinds</button></form>");
        return html.ToString();
    }

    /// <summary>The spans to mark in the cleaned text: threat evidence, each actor's stance evidence and mentions.</summary>
    internal static List<HighlightSpan> Spans(ArticleAssessment assessment)
    {
        var text = assessment.CleanedText;
        var spans = new List<HighlightSpan>();
        void Add(int start, int length, string css, string note)
        {
            var s = Math.Clamp(start, 0, text.Length);
            var e = Math.Clamp(start + length, s, text.Length);
            if (e > s)
            {
                spans.Add(new HighlightSpan(s, e, css, note));
            }
        }

        foreach (var ev in assessment.Threat.Evidence)
        {
            Add(ev.Start, ev.Length, "ev-threat", $"threat {ev.Label} {Num(ev.Score)}");
        }

        foreach (var actor in assessment.Actors)
        {
            foreach (var ev in actor.Evidence)
            {
                Add(ev.Start, ev.Length, "ev-" + ev.Label, $"{actor.Name}: {ev.Label} {Num(ev.Score, "+0.00;-0.00")}");
            }

            foreach (var mention in actor.Mentions)
            {
                Add(mention.Start, mention.Length, "mention", actor.Name);
            }
        }

        return spans;
    }
}
