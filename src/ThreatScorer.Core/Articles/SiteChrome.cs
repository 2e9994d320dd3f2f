using System.Text.RegularExpressions;

namespace ThreatScorer.Core.Articles;

/// <summary>
/// Recognises lines that scraped pages carry around an article but that are not part of it: section labels,
/// share buttons, "Also Read:" teasers, photo captions, and lone tag words. Every rule needs a specific shape,
/// so short lines of real content ("Kabul, Aug. 20", "He refused.") are kept.
/// </summary>
internal static partial class SiteChrome
{
    private const string Bullet = @"(?:[•·▪●◦‣∙*\-]\s*)?";

    private const string Networks =
        "(?:youtube|facebook|twitter|x|instagram|linkedin|whatsapp|telegram|pinterest|reddit|tiktok|threads"
        + "|vk|koo|email|e-mail|print|flipboard|google news|rss|snapchat|tumblr|mastodon|bluesky)";

    /// <summary>True when <paramref name="line"/> (trimmed) is chrome anywhere in an article.</summary>
    public static bool IsChrome(string line)
    {
        if (line.Length == 0)
        {
            return false;
        }

        return LoneTagWord().IsMatch(line)
            || ChromeLabel().IsMatch(line)
            || SocialName().IsMatch(line)
            || (line.Length <= 120 && SocialAction().IsMatch(line))
            || AlsoRead().IsMatch(line)
            || IsCaption(line);
    }

    /// <summary>
    /// True for chrome that only appears above the headline ("English News", "World News"); below it such a
    /// line could be a real subheading, so the caller asks only before the title is found.
    /// </summary>
    public static bool IsHeaderChrome(string line) => SectionLabel().IsMatch(line);

    private static bool IsCaption(string line) =>
        line.Length <= 400 && (CaptionCredit().IsMatch(line) || CaptionLead().IsMatch(line) || CaptionParens().IsMatch(line));

    // "indianarrative", "tajik": one lowercase token is a site name or tag, never a paragraph.
    [GeneratedRegex(@"^\p{Ll}[\p{Ll}\d._\-]{0,39}$")]
    private static partial Regex LoneTagWord();

    [GeneratedRegex(@"^(?:[\p{Lu}][\p{L}]*\s+){0,2}News$")]
    private static partial Regex SectionLabel();

    [GeneratedRegex(
        @"^(?:advertisement|advertisment|sponsored|skip to (?:main )?content|menu|home|search|sign in|sign up|log ?in"
        + @"|subscribe(?: now)?|newsletter|trending(?: now)?|most (?:read|popular)|related(?: (?:articles|news|stories|posts))?"
        + @"|comments?|leave a (?:comment|reply)|listen to this article|share(?: this(?: article| story)?)?|tags?"
        + @"|topics|loading\.*|click here|continue reading|top stories|recommended(?: for you)?|you may also like"
        + @"|don'?t miss|story continues below(?: advertisement)?|advertisement\s*[-–—]\s*scroll to continue)\s*:?$"
        + @"|^(?:tags?|topics)\s*:",
        RegexOptions.IgnoreCase)]
    private static partial Regex ChromeLabel();

    // "• youtube", "Twitter", "- facebook": a network name alone on its line.
    [GeneratedRegex("^" + Bullet + Networks + @"\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex SocialName();

    // "Share on Facebook", "Follow us on…", "Subscribe to our YouTube channel".
    [GeneratedRegex(
        "^" + Bullet + @"(?:share(?: this)?(?: (?:article|story|post))?|follow us|like us|join us|subscribe)"
        + @"(?:\s+(?:on|to|via|at)\b|\s*:).*$",
        RegexOptions.IgnoreCase)]
    private static partial Regex SocialAction();

    [GeneratedRegex(
        "^" + Bullet + @"(?:also read|read also|also see|see also|read more|more from|related(?: (?:news|stories|articles?))?\s*:)\b"
        + @"|^" + Bullet + @"(?:also read|read also|read more)\s*[:\-–—|]?",
        RegexOptions.IgnoreCase)]
    private static partial Regex AlsoRead();

    // "... with Putin (File image courtesy: Office of the President of Russia)", "(Photo: Reuters)", "(AP Photo/…)".
    [GeneratedRegex(
        @"\((?:(?:file|archive|representational|representative)\s+)?(?:image|photo|picture|pic|photograph)s?"
        + @"(?:\s+(?:courtesy|credit|credits|by|source)\b[^()]*|\s*[:/|\-–][^()]*)?\)\s*\.?$"
        + @"|\(AP\s+Photo\b[^()]*\)\s*\.?$",
        RegexOptions.IgnoreCase)]
    private static partial Regex CaptionCredit();

    // "Photo: …", "Image: …", "File photo of …", "Photo credit: …".
    [GeneratedRegex(
        @"^(?:(?:photo|image|picture|pic)(?:\s+(?:credit|courtesy|source))?\s*(?::|\||\s[-–—]\s)"
        + @"|file\s+(?:photo|image|pic|picture)\b|(?:representational|representative)\s+(?:image|photo|picture)\b"
        + @"|caption\s*:)",
        RegexOptions.IgnoreCase)]
    private static partial Regex CaptionLead();

    // A whole line in brackets that starts like a credit: "(Photo by …)", "(File)".
    [GeneratedRegex(@"^\((?:photo|image|picture|file|pic|ap\s+photo)\b[^()]*\)$", RegexOptions.IgnoreCase)]
    private static partial Regex CaptionParens();
}
