using System.Text;
using Microsoft.AspNetCore.Http;
using ThreatScorer.Core.Storage;
using ThreatScorer.Core.Threat;
using ThreatScorer.Web.Api;
using static ThreatScorer.Web.Pages.Html;

namespace ThreatScorer.Web.Pages;

/// <summary>The article list: the filter form, one page of results, paging and export links.</summary>
internal static class ListPage
{
    public static string Render(IQueryCollection query, ReviewQuery parsed, ReviewPage? page, IReadOnlyList<string> sources, IReadOnlyList<string> languages)
    {
        var html = new StringBuilder();
        string V(string key) => Attr(query[key].ToString());
        html.Append("<h1>Scored articles</h1>");
        html.Append("<form class=\"filters\" method=\"get\" action=\"/\" id=\"filters\">")
            .Append($"<label>Text <input name=\"q\" value=\"{V("q")}\" placeholder=\"words in title or text\"></label>")
            .Append(Select("level", "Threat level", ThreatLabels.Levels, query))
            .Append($"<label>Score ≥ <input name=\"min\" type=\"number\" min=\"0\" max=\"1\" step=\"0.05\" value=\"{V("min")}\"></label>")
            .Append($"<label>Score ≤ <input name=\"max\" type=\"number\" min=\"0\" max=\"1\" step=\"0.05\" value=\"{V("max")}\"></label>")
            .Append(Select("kind", "Kind", ThreatLabels.Kinds, query))
            .Append($"<label>Actor id <input name=\"actor\" value=\"{V("actor")}\" placeholder=\"e.g. RUS\"></label>")
            .Append(Select("stance", "Stance", ["negative", "neutral", "positive"], query))
            .Append(Select("source", "Source", sources, query))
            .Append(Select("lang", "Language", languages, query))
            .Append($"<label>From <input name=\"from\" type=\"date\" value=\"{V("from")}\"></label>")
            .Append($"<label>To <input name=\"to\" type=\"date\" value=\"{V("to")}\"></label>")
            .Append(Select("sort", "Sort", ["newest", "oldest", "threat"], query, blank: false))
            .Append("<button type=\"submit\" id=\"apply\">Apply</button> <a href=\"/\">Clear</a></form>");

        foreach (var problem in parsed.Problems)
        {
            html.Append("<p class=\"error\">").Append(E(problem)).Append("</p>");
        }

        if (page is null)
        {
            return Page("Articles", html.ToString());
        }

        var filterQs = ReviewQuery.FilterQueryString(query);
        html.Append("<p class=\"summary\"><span id=\"total\">").Append(page.Total).Append("</span> articles match. Export this view: ");
        foreach (var table in new[] { "articles", "stances" })
        {
            foreach (var format in new[] { "csv", "jsonl", "parquet" })
            {
                html.Append($"<a class=\"export\" id=\"export-{table}-{format}\" href=\"/api/export/{table}.{format}{Attr(filterQs)}\">{table} {format.ToUpperInvariant()}</a> ");
            }
        }

        html.Append("</p>");
        html.Append("<table class=\"articles\" id=\"results\"><thead><tr><th>Date</th><th>Title</th><th>Source</th><th>Lang</th>")
            .Append("<th>Threat</th><th>Score</th><th>Top kind</th><th>Sentiment</th></tr></thead><tbody>");
        foreach (var row in page.Rows)
        {
            html.Append($"<tr data-id=\"{Attr(row.Id)}\"><td>{E(Date(row.PublishedAt ?? row.IngestedAt))}</td>")
                .Append($"<td><a class=\"title\" href=\"/articles/{Attr(Uri.EscapeDataString(row.Id))}\">{E(row.Title ?? row.Id)}</a></td>")
                .Append($"<td>{E(row.Source)}</td><td>{E(row.Language)}</td><td>{LevelBadge(row.ThreatLevel)}");
            if (row.CorrectedLevel is { } corrected)
            {
                html.Append($" <span class=\"corrected\" title=\"analyst correction\">→ {LevelBadge(corrected)} corrected</span>");
            }

            html.Append($"</td><td>{Num(row.ThreatScore)}</td><td>{E(row.TopKind)}</td><td>{E(row.SentimentLabel)} {Num(row.SentimentScore, "+0.00;-0.00")}</td></tr>");
        }

        html.Append("</tbody></table><p class=\"paging\">");
        if (query["after"].ToString().Length > 0)
        {
            html.Append($"<a href=\"/{Attr(filterQs)}\">« First page</a> ");
        }

        if (page.NextCursor is { } next)
        {
            html.Append($"<a id=\"next\" href=\"/{Attr(ReviewQuery.FilterQueryString(query, ("after", next)))}\">Next page »</a>");
        }

        html.Append("</p>");
        return Page("Articles", html.ToString());
    }

    private static string Select(string name, string label, IEnumerable<string> options, IQueryCollection query, bool blank = true)
    {
        var current = query[name].ToString();
        var html = new StringBuilder($"<label>{E(label)} <select name=\"{Attr(name)}\">");
        if (blank)
        {
            html.Append("<option value=\"\">any</option>");
        }

        foreach (var option in options)
        {
            var selected = string.Equals(option, current, StringComparison.Ordinal) ? " selected" : string.Empty;
            html.Append($"<option value=\"{Attr(option)}\"{selected}>{E(option)}</option>");
        }

        return html.Append("</select></label>").ToString();
    }
}
