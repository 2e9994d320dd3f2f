using System.Text;
using ThreatScorer.Core.Scoring;
using ThreatScorer.Core.Storage;
using static ThreatScorer.Web.Pages.Html;

namespace ThreatScorer.Web.Pages;

/// <summary>One actor: stance and threat involvement per day or week (an SVG chart), co-occurring actors, recent evidence.</summary>
internal static class ActorPage
{
    private const int MaxBuckets = 90;

    public static string Render(ActorReview review, bool weekly)
    {
        var actor = review.Actor;
        var html = new StringBuilder();
        html.Append($"<h1 id=\"actor-name\">{E(actor.Name)}</h1><p class=\"muted\">{E(actor.Id)} · {E(actor.Type)}")
            .Append(actor.Country is { } c ? $" · {E(c)}" : string.Empty)
            .Append($" · named in {actor.Articles} scored articles · <a href=\"/?actor={Attr(Uri.EscapeDataString(actor.Id))}\">list them</a></p>");

        var buckets = review.Timeline.TakeLast(MaxBuckets).ToList();
        var id = Uri.EscapeDataString(actor.Id);
        html.Append("<section><h2>Over time</h2><p>")
            .Append(weekly ? $"<a href=\"/actors/{Attr(id)}\">daily</a> · <strong>weekly</strong>" : $"<strong>daily</strong> · <a href=\"/actors/{Attr(id)}?bucket=week\">weekly</a>")
            .Append("</p>").Append(Chart(buckets)).Append("<p class=\"legend\"><span class=\"sw sw-negative\"></span> negative ")
            .Append("<span class=\"sw sw-neutral\"></span> neutral <span class=\"sw sw-positive\"></span> positive (articles per bucket) · ")
            .Append("<span class=\"sw sw-threat\"></span> mean threat score of those articles (0–1)</p>")
            .Append("<table id=\"timeline\"><thead><tr><th>")
            .Append(weekly ? "Week of" : "Day")
            .Append("</th><th>Articles</th><th>Negative</th><th>Neutral</th><th>Positive</th><th>Mean stance</th><th>Mean threat</th></tr></thead><tbody>");
        foreach (var b in buckets.AsEnumerable().Reverse())
        {
            html.Append($"<tr><td>{E(b.Bucket)}</td><td>{b.Articles}</td><td>{b.Negative}</td><td>{b.Neutral}</td><td>{b.Positive}</td>")
                .Append($"<td>{Num(b.MeanStance, "+0.00;-0.00")}</td><td>{Num(b.MeanThreat)}</td></tr>");
        }

        html.Append("</tbody></table></section><section><h2>Named together with</h2><ol id=\"co-actors\">");
        foreach (var co in review.CoActors)
        {
            html.Append($"<li><a href=\"/actors/{Attr(Uri.EscapeDataString(co.Id))}\">{E(co.Name)}</a> ({co.Articles})</li>");
        }

        html.Append("</ol></section><section><h2>Recent evidence</h2><ul id=\"recent\">");
        foreach (var m in review.Recent)
        {
            html.Append($"<li><a href=\"/articles/{Attr(Uri.EscapeDataString(m.ArticleId))}\">{E(m.Title ?? m.ArticleId)}</a> ")
                .Append($"<span class=\"muted\">{Date(m.Date)}</span> stance {StanceBadge(m.StanceLabel)} {Num(m.StanceScore, "+0.00;-0.00")}, threat {LevelBadge(m.ThreatLevel)}");
            var assessment = AssessmentJson.Deserialize(m.AssessmentJson);
            var stance = assessment.Actors.FirstOrDefault(a => a.ActorId == actor.Id);
            foreach (var ev in stance?.Evidence.Take(2) ?? [])
            {
                html.Append($"<blockquote class=\"ev-{Attr(ev.Label)}\">{E(ev.Text)}</blockquote>");
            }

            html.Append("</li>");
        }

        html.Append("</ul></section>");
        return Page(actor.Name, html.ToString());
    }

    /// <summary>Stacked bars of stance counts with the mean threat score as a line; drawn on the server, no script.</summary>
    private static string Chart(List<ActorTimelinePoint> buckets)
    {
        const int width = 900, height = 220, pad = 24;
        if (buckets.Count == 0)
        {
            return "<p class=\"muted\">No data.</p>";
        }

        var max = Math.Max(1, buckets.Max(b => b.Articles));
        var step = (double)(width - (2 * pad)) / buckets.Count;
        var barWidth = Math.Max(1, step * 0.8);
        var plot = height - (2 * pad);
        var svg = new StringBuilder($"<svg id=\"chart\" class=\"chart\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"stance and threat over time\">");
        svg.Append($"<line x1=\"{pad}\" y1=\"{height - pad}\" x2=\"{width - pad}\" y2=\"{height - pad}\" class=\"axis\"/>");
        var line = new StringBuilder();
        for (var i = 0; i < buckets.Count; i++)
        {
            var b = buckets[i];
            var x = pad + (i * step);
            var y = (double)(height - pad);
            foreach (var (count, css) in new[] { (b.Negative, "negative"), (b.Neutral, "neutral"), (b.Positive, "positive") })
            {
                var h = plot * count / (double)max;
                y -= h;
                if (h > 0)
                {
                    svg.Append($"<rect class=\"bar-{css}\" x=\"{Num(x, "0.0")}\" y=\"{Num(y, "0.0")}\" width=\"{Num(barWidth, "0.0")}\" height=\"{Num(h, "0.0")}\"><title>{E(b.Bucket)}: {count} {css}</title></rect>");
                }
            }

            line.Append(Num(x + (barWidth / 2), "0.0")).Append(',').Append(Num(height - pad - (plot * b.MeanThreat), "0.0")).Append(' ');
        }

        svg.Append($"<polyline class=\"threat-line\" points=\"{line.ToString().Trim()}\"/>");
        svg.Append($"<text x=\"{pad}\" y=\"{height - 6}\" class=\"tick\">{E(buckets[0].Bucket)}</text>");
        svg.Append($"<text x=\"{width - pad}\" y=\"{height - 6}\" class=\"tick end\">{E(buckets[^1].Bucket)}</text>");
        svg.Append($"<text x=\"{pad}\" y=\"{pad - 8}\" class=\"tick\">max {max} articles</text>");
        return svg.Append("</svg>").ToString();
    }
}
