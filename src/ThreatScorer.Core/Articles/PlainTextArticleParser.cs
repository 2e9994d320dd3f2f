using System.Text;
using System.Text.RegularExpressions;

namespace ThreatScorer.Core.Articles;

/// <summary>
/// Plain text and Markdown: strips Markdown marks, drops site chrome (<see cref="SiteChrome"/>), and takes the
/// first substantive line as the title when it looks like one.
/// </summary>
internal static partial class PlainTextArticleParser
{
    private const int MaxTitleLength = 200;

    /// <summary>The title (or null) and the body, with dropped lines turned into paragraph breaks.</summary>
    public static (string? Title, string Body) Parse(string text)
    {
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        string? title = null;
        var titleSearchOver = false;
        var body = new StringBuilder(text.Length);
        foreach (var rawLine in lines)
        {
            var isHeading = false;
            var line = StripMarkdown(rawLine.Trim(), ref isHeading);
            if (line.Length == 0 || SiteChrome.IsChrome(line) || (!titleSearchOver && SiteChrome.IsHeaderChrome(line)))
            {
                // A dropped line becomes a paragraph break, so the lines around it are never glued together.
                AppendBreak(body);
                continue;
            }

            if (!titleSearchOver)
            {
                titleSearchOver = true;
                if (isHeading || LooksLikeTitle(line))
                {
                    title = line;
                    continue;
                }
            }

            body.Append(line).Append('\n');
        }

        return (title, body.ToString().Trim('\n'));
    }

    /// <summary>Markdown marks removed from one line, for text that is read, not rendered.</summary>
    public static string StripMarkdown(string line, ref bool isHeading)
    {
        if (line.Length == 0)
        {
            return line;
        }

        if (HorizontalRule().IsMatch(line) || ImageOnly().IsMatch(line))
        {
            return "";
        }

        var heading = Heading().Match(line);
        if (heading.Success)
        {
            isHeading = true;
            line = heading.Groups[1].Value;
        }

        line = Blockquote().Replace(line, "");
        if (line.Contains('[', StringComparison.Ordinal))
        {
            line = Image().Replace(line, "");
            line = Link().Replace(line, "$1");
        }

        if (line.AsSpan().IndexOfAny('*', '_') >= 0)
        {
            line = StrongOrEmphasis().Replace(line, "$2");
        }

        return line.Trim();
    }

    private static bool LooksLikeTitle(string line) =>
        line.Length <= MaxTitleLength && line[^1] is not ('.' or ',' or ';' or ':');

    private static void AppendBreak(StringBuilder body)
    {
        if (body.Length > 0 && !(body.Length >= 2 && body[^1] == '\n' && body[^2] == '\n'))
        {
            body.Append('\n');
        }
    }

    [GeneratedRegex(@"^#{1,6}\s+(.*?)(?:\s+#+)?\s*$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"^(?:>\s?)+")]
    private static partial Regex Blockquote();

    [GeneratedRegex(@"^(?:[-*_]\s*){3,}$")]
    private static partial Regex HorizontalRule();

    [GeneratedRegex(@"^!\[[^\]]*\]\([^)]*\)$")]
    private static partial Regex ImageOnly();

    [GeneratedRegex(@"!\[[^\]]*\]\([^)]*\)")]
    private static partial Regex Image();

    [GeneratedRegex(@"\[([^\]]+)\]\([^)\s]*(?:\s+""[^""]*"")?\)")]
    private static partial Regex Link();

    // **strong**, __strong__, *em*, _em_: the mark must hug the words, so "5 * 3" and snake_case survive.
    [GeneratedRegex(@"(?<![\w*])(\*\*|__|\*|_)(?=\S)(.+?)(?<=\S)\1(?![\w*])")]
    private static partial Regex StrongOrEmphasis();
}
