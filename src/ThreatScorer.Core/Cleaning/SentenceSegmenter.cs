using System.Collections.Frozen;

namespace ThreatScorer.Core.Cleaning;

/// <summary>
/// Splits one paragraph into sentences with a rule-based scan tuned for English news text: it survives
/// abbreviations, decimals, initials, ellipses inside quotations, closing quotes and brackets, numbered lists.
/// A paragraph end always ends a sentence (headlines need no final punctuation), so callers split paragraphs
/// first and sentences never cross them. Stateless and thread-safe.
/// </summary>
public sealed class SentenceSegmenter
{
    private readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> _extraAbbreviations;

    /// <summary>
    /// A segmenter that also treats <paramref name="extraAbbreviations"/> (without the final dot, e.g. "Brig.Gen"
    /// or "Amb") as words a sentence never ends on, for sources with their own house abbreviations.
    /// </summary>
    public SentenceSegmenter(IEnumerable<string>? extraAbbreviations = null)
    {
        _extraAbbreviations = (extraAbbreviations ?? [])
            .Select(a => a.TrimEnd('.'))
            .ToFrozenSet(StringComparer.OrdinalIgnoreCase)
            .GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>A shared instance with the built-in abbreviations only.</summary>
    public static SentenceSegmenter Default { get; } = new();

    // Words that precede a name: a sentence practically never ends on them.
    private static readonly FrozenSet<string> TitlesBeforeNames = FrozenSet.ToFrozenSet(
        [
            "mr", "mrs", "ms", "mx", "dr", "prof", "gen", "lt", "col", "maj", "capt", "cpt", "sgt", "cpl", "pvt",
            "adm", "cmdr", "brig", "gov", "sen", "rep", "pres", "st", "mt", "ft", "rev", "hon", "messrs",
            "supt", "insp", "det", "amb", "atty", "gens", "sens", "reps",
        ],
        StringComparer.OrdinalIgnoreCase);

    // Abbreviations that never end a sentence in news prose.
    private static readonly FrozenSet<string> NeverFinal = FrozenSet.ToFrozenSet(
        ["vs", "v", "e.g", "i.e", "cf", "viz", "approx", "incl", "esp", "resp", "ca"],
        StringComparer.OrdinalIgnoreCase);

    // Abbreviations that expect a number after them ("No. 10", "Sept. 11"); elsewhere they may end a sentence.
    private static readonly FrozenSet<string> BeforeNumbers = FrozenSet.ToFrozenSet(
        [
            "no", "nos", "vol", "vols", "pp", "p", "fig", "figs", "art", "sec", "ch", "para", "ref", "op", "nr", "reg",
            "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
        ],
        StringComparer.OrdinalIgnoreCase);

    // Abbreviations that often end a sentence too ("Apple Inc. said" vs "… of Apple Inc. The company"): they
    // end one only when the next word typically starts a sentence.
    private static readonly FrozenSet<string> Ambiguous = FrozenSet.ToFrozenSet(
        [
            "inc", "ltd", "co", "corp", "llc", "plc", "bros", "jr", "sr", "etc", "al", "dept", "univ", "assn",
            "ave", "blvd", "rd", "est", "govt", "intl", "natl",
            "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
        ],
        StringComparer.OrdinalIgnoreCase);

    // Closed-class words that commonly start a sentence; used only to decide after ambiguous abbreviations.
    private static readonly FrozenSet<string> SentenceStarters = FrozenSet.ToFrozenSet(
        [
            "the", "a", "an", "he", "she", "it", "they", "we", "i", "you", "this", "that", "these", "those",
            "there", "here", "his", "her", "its", "their", "our", "my", "your", "but", "and", "or", "so", "yet",
            "however", "meanwhile", "in", "on", "at", "as", "after", "before", "when", "while", "if", "although",
            "though", "since", "because", "for", "with", "without", "despite", "during", "according", "earlier",
            "later", "last", "next", "now", "then", "still", "also", "what", "who", "why", "how", "where",
            "which", "some", "many", "most", "all", "no", "not", "other", "another", "each", "both", "one",
            "officials", "police", "authorities", "further", "moreover", "thus", "instead", "by", "from", "to",
            "under", "over", "unlike", "like", "such", "more", "few", "several", "only", "even",
        ],
        StringComparer.OrdinalIgnoreCase);

    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> TitlesLookup =
        TitlesBeforeNames.GetAlternateLookup<ReadOnlySpan<char>>();

    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> NeverFinalLookup =
        NeverFinal.GetAlternateLookup<ReadOnlySpan<char>>();

    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> BeforeNumbersLookup =
        BeforeNumbers.GetAlternateLookup<ReadOnlySpan<char>>();

    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> AmbiguousLookup =
        Ambiguous.GetAlternateLookup<ReadOnlySpan<char>>();

    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> StartersLookup =
        SentenceStarters.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>
    /// Sentence spans of <paramref name="paragraph"/>: offsets into it, trimmed of surrounding whitespace,
    /// in order, never overlapping. An empty or whitespace-only paragraph yields none.
    /// </summary>
    public IReadOnlyList<(int Start, int Length)> Split(string paragraph)
    {
        ArgumentNullException.ThrowIfNull(paragraph);
        var spans = new List<(int Start, int Length)>();
        Split(paragraph.AsSpan(), spans);
        return spans;
    }

    /// <summary>Appends the sentence spans of <paramref name="paragraph"/> to <paramref name="spans"/>.</summary>
    public void Split(ReadOnlySpan<char> paragraph, List<(int Start, int Length)> spans)
    {
        ArgumentNullException.ThrowIfNull(spans);
        var start = SkipSpace(paragraph, 0);
        var insideQuote = false;
        var i = start;
        while (i < paragraph.Length)
        {
            var c = paragraph[i];
            if (c is '"' or '\u201C' or '\u201D')
            {
                // Straight quotes toggle; curly ones say which way they go.
                insideQuote = c switch { '\u201C' => true, '\u201D' => false, _ => !insideQuote };
                i++;
                continue;
            }

            if (c is not ('.' or '!' or '?' or '\u2026'))
            {
                i++;
                continue;
            }

            // A run of terminators ("?!", "...", ".…") is one candidate boundary.
            var termStart = i;
            var ellipsis = c == '\u2026';
            var dots = 0;
            while (i < paragraph.Length && paragraph[i] is '.' or '!' or '?' or '\u2026')
            {
                ellipsis |= paragraph[i] == '\u2026';
                dots += paragraph[i] == '.' ? 1 : 0;
                i++;
            }

            ellipsis |= dots >= 2;
            var onlyDot = dots == i - termStart && dots == 1;

            // Closing quotes and brackets belong to the sentence they close.
            while (i < paragraph.Length && IsCloser(paragraph[i]))
            {
                if (paragraph[i] is '"' or '\u201D')
                {
                    insideQuote = paragraph[i] == '"' ? !insideQuote : false;
                }

                i++;
            }

            if (i >= paragraph.Length)
            {
                break;
            }

            if (!char.IsWhiteSpace(paragraph[i]))
            {
                // "3.5", "U.S.-led", "example.com": no space, no boundary.
                continue;
            }

            var next = SkipSpace(paragraph, i);
            if (next >= paragraph.Length)
            {
                break;
            }

            if (EndsSentence(paragraph, start, termStart, next, onlyDot, ellipsis, insideQuote))
            {
                spans.Add((start, TrimEnd(paragraph, start, i) - start));
                start = next;
            }

            i = next;
        }

        if (start < paragraph.Length)
        {
            var end = TrimEnd(paragraph, start, paragraph.Length);
            if (end > start)
            {
                spans.Add((start, end - start));
            }
        }
    }

    private bool EndsSentence(
        ReadOnlySpan<char> text, int sentenceStart, int termStart, int next, bool onlyDot, bool ellipsis,
        bool insideQuote)
    {
        var nextChar = text[next];

        // "“Why?” he asked." / "approx. five": a lowercase continuation never starts a new sentence.
        if (char.IsLower(nextChar))
        {
            return false;
        }

        if (ellipsis)
        {
            // An ellipsis inside an open quotation marks an omission, not the end of what was said.
            return !insideQuote && (char.IsUpper(nextChar) || IsOpener(nextChar));
        }

        if (!onlyDot)
        {
            return true;
        }

        var word = WordBefore(text, sentenceStart, termStart, out var wordIsSentenceStart, out var afterColon);
        if (word.IsEmpty)
        {
            return true;
        }

        var nextIsDigit = char.IsDigit(nextChar);

        // "1. Introduction", "steps: 2. Drink it": list numbers, not sentence ends.
        if ((wordIsSentenceStart || afterColon) && word.Length <= 3 && IsAllDigits(word))
        {
            return false;
        }

        if (TitlesLookup.Contains(word) || NeverFinalLookup.Contains(word) || _extraAbbreviations.Contains(word))
        {
            return false;
        }

        if (nextIsDigit && BeforeNumbersLookup.Contains(word))
        {
            return false;
        }

        // Initials ("John F. Kennedy", "J.R.R. Tolkien") and dotted acronyms ("U.S.", "a.m."), and the
        // abbreviations that may or may not be final: split only before a typical sentence opener.
        if (IsInitialOrAcronym(word) || AmbiguousLookup.Contains(word))
        {
            return IsOpener(nextChar) || StartsWithSentenceStarter(text, next);
        }

        return true;
    }

    private static ReadOnlySpan<char> WordBefore(
        ReadOnlySpan<char> text, int sentenceStart, int end, out bool isSentenceStart, out bool afterColon)
    {
        var begin = end;
        while (begin > sentenceStart && !char.IsWhiteSpace(text[begin - 1]))
        {
            begin--;
        }

        isSentenceStart = begin == sentenceStart;
        var before = begin;
        while (before > sentenceStart && char.IsWhiteSpace(text[before - 1]))
        {
            before--;
        }

        afterColon = before > sentenceStart && text[before - 1] == ':';

        var word = text[begin..end];
        while (!word.IsEmpty && IsOpener(word[0]))
        {
            word = word[1..];
        }

        // "(finally)." and "said)." end on a bracket: the word is not an abbreviation.
        return word.IsEmpty || IsCloser(word[^1]) ? [] : word;
    }

    private static bool IsInitialOrAcronym(ReadOnlySpan<char> word)
    {
        // "F", "U.S", "J.R.R", "a.m": single letters separated by dots.
        for (var k = 0; k < word.Length; k++)
        {
            var expectLetter = k % 2 == 0;
            if (expectLetter ? !char.IsLetter(word[k]) : word[k] != '.')
            {
                return false;
            }
        }

        return word.Length % 2 == 1 && (word.Length > 1 || char.IsUpper(word[0]));
    }

    private static bool StartsWithSentenceStarter(ReadOnlySpan<char> text, int start)
    {
        var end = start;
        while (end < text.Length && char.IsLetter(text[end]))
        {
            end++;
        }

        return end > start && StartersLookup.Contains(text[start..end]);
    }

    private static bool IsAllDigits(ReadOnlySpan<char> word)
    {
        foreach (var ch in word)
        {
            if (!char.IsAsciiDigit(ch))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsCloser(char c) => c is '"' or '\'' or ')' or ']' or '}' or '\u2019' or '\u201D' or '\u00BB';

    private static bool IsOpener(char c) => c is '"' or '\'' or '(' or '[' or '{' or '\u2018' or '\u201C' or '\u00AB';

    private static int SkipSpace(ReadOnlySpan<char> text, int i)
    {
        while (i < text.Length && char.IsWhiteSpace(text[i]))
        {
            i++;
        }

        return i;
    }

    private static int TrimEnd(ReadOnlySpan<char> text, int start, int end)
    {
        while (end > start && char.IsWhiteSpace(text[end - 1]))
        {
            end--;
        }

        return end;
    }
}
