using System.Text;
using ThreatScorer.Core.Articles;

namespace ThreatScorer.Core.Cleaning;

/// <summary>
/// Turns a <see cref="RawArticle"/> into a <see cref="CleanedArticle"/>: Unicode NFC, format and control
/// characters removed, whitespace collapsed inside paragraphs, quotes made ASCII, dash spacing normalised,
/// common UTF-8-read-as-Windows-1252 mojibake repaired, then paragraphs split into sentences with offsets.
/// Stateless apart from its limits, so one instance may be shared by every thread.
/// </summary>
/// <remarks>
/// NFC rather than NFKC (composition done in code, as the build has no ICU data): NFKC would also rewrite "km²" as "km2", "½" as "1⁄2" and "™" as "TM", changing
/// numbers the models read. The compatibility folds that are safe (no-break and other spaces, ligatures like
/// "ﬁ", full-width ASCII) are applied one by one instead.
/// </remarks>
public sealed class TextCleaner(ArticleLimits? limits = null)
{
    private readonly int _maxSentences = (limits ?? ArticleLimits.Default).MaxSentences;

    /// <summary>Cleans and segments one article; never throws for odd text.</summary>
    public CleanedArticle Clean(RawArticle article)
    {
        ArgumentNullException.ThrowIfNull(article);
        var title = article.Title is null ? null : string.Join(' ', Paragraphs(article.Title));
        if (string.IsNullOrEmpty(title))
        {
            title = null;
        }

        var paragraphs = Paragraphs(article.Text);

        // Many feeds repeat the headline as the first line of the body; keep it once, as the title.
        if (title is not null && paragraphs.Count > 0
            && string.Equals(paragraphs[0], title, StringComparison.OrdinalIgnoreCase))
        {
            paragraphs.RemoveAt(0);
        }

        if (title is not null)
        {
            paragraphs.Insert(0, title);
        }

        var text = new StringBuilder(article.Text.Length + (title?.Length ?? 0) + 2);
        var sentences = new List<Sentence>();
        var spans = new List<(int Start, int Length)>();
        var truncated = false;
        for (var p = 0; p < paragraphs.Count && !truncated; p++)
        {
            if (p > 0)
            {
                text.Append("\n\n");
            }

            var paragraphStart = text.Length;
            text.Append(paragraphs[p]);
            spans.Clear();
            SentenceSegmenter.Default.Split(paragraphs[p], spans);
            foreach (var (start, length) in spans)
            {
                if (sentences.Count == _maxSentences)
                {
                    // Cut the text after the last kept sentence so every sentence of Text is listed.
                    text.Length = sentences[^1].End;
                    truncated = true;
                    break;
                }

                sentences.Add(new Sentence(
                    sentences.Count,
                    paragraphStart + start,
                    length,
                    p,
                    paragraphs[p].Substring(start, length))
                {
                    IsTitle = title is not null && p == 0,
                });
            }
        }

        return new CleanedArticle(title, text.ToString(), sentences) { SentencesTruncated = truncated };
    }

    /// <summary>
    /// A canonical form for duplicate detection of articles without a URL: the same character normalisation
    /// as <see cref="Clean"/>, lower-cased, every run of whitespace (paragraph breaks included) one space.
    /// </summary>
    public static string NormalizeForHash(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return string.Join(' ', Paragraphs(text)).ToLowerInvariant();
    }

    /// <summary>The cleaned paragraphs of <paramref name="raw"/>, each one line with single spaces.</summary>
    internal static List<string> Paragraphs(string raw)
    {
        var normalized = TextNormalizer.NormalizeCharacters(raw);
        var paragraphs = new List<string>();
        var block = new List<string>();
        var line = new StringBuilder();
        foreach (var range in normalized.AsSpan().Split('\n'))
        {
            var cleaned = CleanLine(normalized.AsSpan()[range], line);
            if (cleaned.Length == 0)
            {
                FlushBlock(block, paragraphs);
                continue;
            }

            block.Add(cleaned);
        }

        FlushBlock(block, paragraphs);
        return paragraphs;
    }

    private static void FlushBlock(List<string> block, List<string> paragraphs)
    {
        if (block.Count == 0)
        {
            return;
        }

        if (block.Count > 1 && IsHardWrapped(block))
        {
            paragraphs.Add(string.Join(' ', block));
        }
        else
        {
            // Lines without a blank line between them are separate paragraphs (headline, dateline, list
            // items, one-paragraph-per-line feeds) unless they look hard-wrapped at a fixed width.
            paragraphs.AddRange(block);
        }

        block.Clear();
    }

    private static bool IsHardWrapped(List<string> block)
    {
        var max = 0;
        foreach (var l in block)
        {
            max = Math.Max(max, l.Length);
        }

        if (max > 120)
        {
            return false;
        }

        var min = Math.Max(40, (int)(max * 0.6));
        for (var k = 0; k < block.Count; k++)
        {
            if ((k < block.Count - 1 && block[k].Length < min) || (k > 0 && StartsWithListMarker(block[k])))
            {
                return false;
            }
        }

        return true;
    }

    private static bool StartsWithListMarker(string line)
    {
        if (line[0] is '-' or '*' or '\u2022' or '\u00B7' or '\u25AA' or '\u25CF')
        {
            return true;
        }

        var k = 0;
        while (k < line.Length && char.IsAsciiDigit(line[k]))
        {
            k++;
        }

        return k is > 0 and <= 3 && k < line.Length && line[k] is '.' or ')';
    }

    /// <summary>
    /// One line with runs of spaces collapsed and trimmed, and dashes spaced consistently: em dashes (and
    /// ASCII "--") get one space on each side; en dashes too when written with a space, but stay tight inside
    /// ranges and compounds ("1990–2000", "Tajik–Afghan").
    /// </summary>
    private static string CleanLine(ReadOnlySpan<char> line, StringBuilder sb)
    {
        sb.Clear();
        var pendingSpace = false;
        for (var k = 0; k < line.Length; k++)
        {
            var c = line[k];
            if (c == ' ')
            {
                pendingSpace = sb.Length > 0;
                continue;
            }

            var doubleHyphen = c == '-' && k + 1 < line.Length && line[k + 1] == '-'
                && (k == 0 || line[k - 1] != '-') && (k + 2 >= line.Length || line[k + 2] != '-');
            var spaced = c == '\u2014' || doubleHyphen
                || (c == '\u2013' && (pendingSpace || (k + 1 < line.Length && line[k + 1] == ' ')));
            if (spaced)
            {
                if (sb.Length > 0 && sb[^1] != ' ')
                {
                    sb.Append(' ');
                }

                sb.Append(c == '\u2013' ? '\u2013' : '\u2014').Append(' ');
                k += doubleHyphen ? 1 : 0;
                while (k + 1 < line.Length && line[k + 1] == ' ')
                {
                    k++;
                }

                pendingSpace = false;
                continue;
            }

            if (pendingSpace)
            {
                sb.Append(' ');
                pendingSpace = false;
            }

            sb.Append(c);
        }

        while (sb.Length > 0 && sb[^1] == ' ')
        {
            sb.Length--;
        }

        return sb.ToString();
    }
}
