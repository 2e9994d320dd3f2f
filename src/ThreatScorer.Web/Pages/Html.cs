using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;

namespace ThreatScorer.Web.Pages;

/// <summary>
/// Tiny HTML building blocks. Every piece of data goes through <see cref="E"/> (or <see cref="Attr"/>):
/// article titles, text, actor names and sources are untrusted.
/// </summary>
internal static class Html
{
    public static string E(string? text) => HtmlEncoder.Default.Encode(text ?? string.Empty);

    public static string Attr(string? text) => HtmlEncoder.Default.Encode(text ?? string.Empty);

    public static string Num(double value, string format = "0.00") => value.ToString(format, CultureInfo.InvariantCulture);

    public static string Date(DateTimeOffset? time) => time?.ToUniversalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) ?? "—";

    /// <summary>A link only for http(s) URLs; anything else (javascript:, data:) is shown as text.</summary>
    public static string ExternalLink(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? $"<a href=\"{Attr(uri.AbsoluteUri)}\" rel=\"noopener noreferrer nofollow\" target=\"_blank\">{E(url)}</a>"
            : E(url);

    public static string LevelBadge(string? level) =>
        level is null ? "—" : $"<span class=\"level level-{Attr(level)}\">{E(level)}</span>";

    public static string StanceBadge(string? label) =>
        label is null ? "—" : $"<span class=\"stance stance-{Attr(label)}\">{E(label)}</span>";

    public static string Page(string title, string body)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append("<title>").Append(E(title)).Append(" · ThreatScorer</title>")
            .Append("<link rel=\"stylesheet\" href=\"/static/app.css\">")
            .Append("<script src=\"/static/app.js\" defer></script></head><body>")
            .Append("<header class=\"top\"><a class=\"brand\" href=\"/\">ThreatScorer</a> <span class=\"muted\">analyst review</span>")
            .Append("<nav><a href=\"/\">Articles</a> <a href=\"/alerts\">Alerts</a> ")
            .Append("<a href=\"/api/export/corrections.csv\">Corrections (CSV)</a></nav>")
            .Append("<label class=\"analyst\">Analyst <input id=\"analyst\" name=\"analyst\" autocomplete=\"name\" placeholder=\"your name\"></label></header>")
            .Append("<main>").Append(body).Append("</main></body></html>");
        return html.ToString();
    }
}
