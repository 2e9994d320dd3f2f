using System.Collections.Frozen;
using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace ThreatScorer.Core.Articles;

/// <summary>
/// HTML to article text with AngleSharp: metadata from the head, boilerplate elements removed, the main
/// content element preferred, one paragraph per block element. Only text nodes are read, so markup that
/// was escaped in the page ("&lt;script&gt;") stays text and script bodies never reach the output.
/// </summary>
internal static class HtmlArticleParser
{
    private const string Boilerplate =
        "script, style, noscript, template, nav, header, footer, aside, form, iframe, svg, math, canvas, object, "
        + "embed, video, audio, button, select, textarea, figure, figcaption, [hidden], [aria-hidden='true'], "
        + "[role='navigation'], [role='banner'], [role='contentinfo'], [role='complementary']";

    private static readonly FrozenSet<string> BlockElements = FrozenSet.ToFrozenSet(
        [
            "address", "article", "blockquote", "body", "center", "dd", "details", "div", "dl", "dt", "h1", "h2",
            "h3", "h4", "h5", "h6", "hr", "li", "main", "ol", "p", "pre", "section", "summary", "table", "tbody",
            "thead", "tfoot", "tr", "td", "th", "ul", "caption",
        ],
        StringComparer.OrdinalIgnoreCase);

    public static RawArticle Parse(string html, string sourcePath)
    {
        var document = new HtmlParser().ParseDocument(html);
        var site = Meta(document, "og:site_name");
        var title = StripSiteSuffix(
            Meta(document, "og:title") ?? NonEmpty(document.QuerySelector("h1")?.TextContent) ?? NonEmpty(document.Title),
            site);
        var url = NonEmpty(document.QuerySelector("link[rel='canonical']")?.GetAttribute("href")) ?? Meta(document, "og:url");
        var published = Meta(document, "article:published_time")
            ?? NonEmpty(document.QuerySelector("time[datetime]")?.GetAttribute("datetime"));
        var language = NonEmpty(document.DocumentElement?.GetAttribute("lang"));

        foreach (var element in document.QuerySelectorAll(Boilerplate).ToList())
        {
            element.Remove();
        }

        var root = Largest(document.QuerySelectorAll("article"))
            ?? document.QuerySelector("main")
            ?? document.QuerySelector("[role='main']")
            ?? (INode?)document.Body
            ?? document;

        return new RawArticle
        {
            Title = title,
            Text = TextOf(root),
            Url = url is not null && Uri.TryCreate(url, UriKind.Absolute, out _) ? url : null,
            Source = site,
            PublishedAt = published is not null && IsoDate.TryParse(published, out var at) ? at : null,
            Language = language,
            SourcePath = sourcePath,
        };
    }

    private static IElement? Largest(IHtmlCollection<IElement> candidates)
    {
        // A page listing teasers has several <article>s; the story is the one with the most text.
        IElement? best = null;
        foreach (var candidate in candidates)
        {
            if (best is null || candidate.TextContent.Length > best.TextContent.Length)
            {
                best = candidate;
            }
        }

        return best;
    }

    private static string TextOf(INode root)
    {
        var paragraphs = new List<string>();
        var current = new StringBuilder();

        // An explicit stack: hostile pages nest thousands of elements deep.
        var stack = new Stack<(INode Node, bool Leaving)>();
        stack.Push((root, false));
        while (stack.Count > 0)
        {
            var (node, leaving) = stack.Pop();
            if (node is IElement element)
            {
                var block = BlockElements.Contains(element.LocalName);
                if (leaving || block)
                {
                    Flush(current, paragraphs);
                }

                if (leaving)
                {
                    continue;
                }

                if (element.LocalName == "br")
                {
                    TrimEndSpaces(current);
                    current.Append('\n');
                    continue;
                }

                if (block)
                {
                    stack.Push((node, true));
                }
            }
            else if (node.NodeType == NodeType.Text)
            {
                AppendCollapsed(current, node.TextContent);
                continue;
            }
            else if (node.NodeType is not (NodeType.Document or NodeType.DocumentFragment))
            {
                continue;
            }

            for (var child = node.LastChild; child is not null; child = child.PreviousSibling)
            {
                stack.Push((child, false));
            }
        }

        Flush(current, paragraphs);
        return string.Join("\n\n", paragraphs);
    }

    private static void AppendCollapsed(StringBuilder sb, string text)
    {
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c) && c != '\u00A0')
            {
                if (sb.Length > 0 && sb[^1] is not (' ' or '\n'))
                {
                    sb.Append(' ');
                }
            }
            else
            {
                sb.Append(c);
            }
        }
    }

    private static void Flush(StringBuilder current, List<string> paragraphs)
    {
        if (current.Length == 0)
        {
            return;
        }

        // Lines (from <br>) stay lines; lines that are site chrome ("Also Read: …", captions) are dropped.
        var kept = new List<string>();
        foreach (var line in current.ToString().Split('\n'))
        {
            var trimmed = line.Trim();
            if (trimmed.Length > 0 && !SiteChrome.IsChrome(trimmed))
            {
                kept.Add(trimmed);
            }
        }

        if (kept.Count > 0)
        {
            paragraphs.Add(string.Join('\n', kept));
        }

        current.Clear();
    }

    private static void TrimEndSpaces(StringBuilder sb)
    {
        while (sb.Length > 0 && sb[^1] == ' ')
        {
            sb.Length--;
        }
    }

    private static string? Meta(IDocument document, string property)
    {
        foreach (var meta in document.QuerySelectorAll("meta"))
        {
            if (string.Equals(meta.GetAttribute("property") ?? meta.GetAttribute("name"), property, StringComparison.OrdinalIgnoreCase))
            {
                return NonEmpty(meta.GetAttribute("content"));
            }
        }

        return null;
    }

    private static string? StripSiteSuffix(string? title, string? site)
    {
        if (title is null || site is null)
        {
            return title;
        }

        foreach (var separator in (string[])[" | ", " - ", " – ", " — "])
        {
            if (title.EndsWith(separator + site, StringComparison.OrdinalIgnoreCase))
            {
                return title[..^(separator.Length + site.Length)].Trim();
            }
        }

        return title;
    }

    private static string? NonEmpty(string? value) =>
        string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
