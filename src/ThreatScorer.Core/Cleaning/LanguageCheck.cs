using System.Globalization;
using System.Text;

namespace ThreatScorer.Core.Cleaning;

/// <summary>
/// Whether a cleaned text is English enough for the English-only models. Two cheap signals: the share of letters
/// in Latin script (Chinese, Arabic, Cyrillic… text is not), and for texts long enough to tell, the share of words
/// that are the commonest English function words (French or German written in Latin script is not English either).
/// A declared language other than English is taken at its word, and a text without a single letter (punctuation,
/// numbers) is no article at all. Scoring such text would produce confident but meaningless "none" scores; it is
/// rejected with the reason instead. Runs on every article: one pass over at most the first
/// <see cref="MaxWords"/> words, without allocating.
/// </summary>
public static class LanguageCheck
{
    /// <summary>Words read at most: enough to tell the language, and a long article costs no more than a short one.</summary>
    public const int MaxWords = 2_000;

    private const double MinLatinShare = 0.6;
    private const int MinWordsForStopwordTest = 40;
    private const double MinStopwordShare = 0.06;
    private const string TrimmedPunctuation = "\"',.;:!?()“”‘’";

    private static readonly HashSet<string> EnglishFunctionWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "the", "of", "and", "to", "in", "a", "is", "that", "for", "on", "with", "as", "was", "by", "it", "at", "from",
        "he", "she", "they", "his", "her", "their", "be", "are", "were", "has", "have", "had", "not", "this", "said",
        "an", "or", "but", "will", "which", "who", "its", "after", "been",
    };

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> FunctionWordLookup =
        EnglishFunctionWords.GetAlternateLookup<ReadOnlySpan<char>>();

    private enum Script
    {
        Latin,
        Greek,
        Cyrillic,
        Armenian,
        Hebrew,
        Arabic,
        Indic,
        Thai,
        Georgian,
        Hangul,
        JapaneseKana,
        Cjk,
        Other,
    }

    private static readonly string[] ScriptNames =
    [
        "Latin", "Greek", "Cyrillic", "Armenian", "Hebrew", "Arabic", "Indic", "Thai", "Georgian", "Hangul",
        "Japanese kana", "CJK", "another script",
    ];

    /// <summary>Null when the text reads as English; otherwise why it does not.</summary>
    public static string? WhyNotEnglish(string text, string? declaredLanguage)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (declaredLanguage is { Length: > 0 } declared && !IsEnglishTag(declared))
        {
            return $"not English: the article declares language '{declared}' (the models read English only)";
        }

        Span<int> scripts = stackalloc int[ScriptNames.Length];
        int letters = 0, words = 0, functionWords = 0;
        var span = text.AsSpan();
        var i = 0;
        // The window is MaxWords words with letters: tokens without any (numbers, punctuation) do not use it up, so
        // a long run of figures cannot hide the text after it. With no letters at all the whole text is read.
        while (i < span.Length && words < MaxWords)
        {
            // One whitespace-separated token: its letters counted by script, then the token as a word.
            if (char.IsWhiteSpace(span[i]))
            {
                i++;
                continue;
            }

            var start = i;
            var tokenLetters = 0;
            while (i < span.Length && !char.IsWhiteSpace(span[i]))
            {
                if (Rune.DecodeFromUtf16(span[i..], out var rune, out var consumed) == System.Buffers.OperationStatus.Done
                    && Rune.IsLetter(rune))
                {
                    tokenLetters++;
                    scripts[(int)ScriptOf(rune)]++;
                }

                i += Math.Max(consumed, 1);
            }

            letters += tokenLetters;
            if (tokenLetters > 0)
            {
                // Trimming takes only punctuation, so a token with a letter stays a word.
                words++;
                functionWords += FunctionWordLookup.Contains(span[start..i].Trim(TrimmedPunctuation)) ? 1 : 0;
            }
        }

        if (letters == 0)
        {
            return "no words: the text holds no letters";
        }

        if (letters > 0 && scripts[(int)Script.Latin] < MinLatinShare * letters)
        {
            var main = Script.Greek;
            for (var s = Script.Greek; s <= Script.Other; s++)
            {
                main = scripts[(int)s] > scripts[(int)main] ? s : main;
            }

            return string.Create(CultureInfo.InvariantCulture,
                $"not English: {100.0 * scripts[(int)main] / letters:F0}% of the letters are {ScriptNames[(int)main]} (the models read English only)");
        }

        if (words >= MinWordsForStopwordTest)
        {
            var share = functionWords / (double)words;
            if (share < MinStopwordShare)
            {
                return string.Create(CultureInfo.InvariantCulture,
                    $"not English: only {100 * share:F1}% of {words} words are common English words such as \"the\" or \"and\" (the models read English only)");
            }
        }

        return null;
    }

    private static bool IsEnglishTag(string tag) =>
        tag.Equals("en", StringComparison.OrdinalIgnoreCase)
        || tag.StartsWith("en-", StringComparison.OrdinalIgnoreCase)
        || tag.StartsWith("en_", StringComparison.OrdinalIgnoreCase)
        || tag.Equals("eng", StringComparison.OrdinalIgnoreCase)
        || tag.Equals("english", StringComparison.OrdinalIgnoreCase);

    private static Script ScriptOf(Rune rune) => rune.Value switch
    {
        < 0x0250 => Script.Latin,
        >= 0x1E00 and < 0x1F00 => Script.Latin, // Latin Extended Additional
        >= 0x0370 and < 0x0400 => Script.Greek,
        >= 0x0400 and < 0x0530 => Script.Cyrillic,
        >= 0x0530 and < 0x0590 => Script.Armenian,
        >= 0x0590 and < 0x0600 => Script.Hebrew,
        >= 0x0600 and < 0x0780 => Script.Arabic,
        >= 0x0900 and < 0x0E00 => Script.Indic,
        >= 0x0E00 and < 0x0E80 => Script.Thai,
        >= 0x10A0 and < 0x1100 => Script.Georgian,
        >= 0x1100 and < 0x1200 => Script.Hangul,
        >= 0x3040 and < 0x3100 => Script.JapaneseKana,
        >= 0x3400 and < 0xA000 => Script.Cjk,
        >= 0xAC00 and < 0xD7B0 => Script.Hangul,
        >= 0xFB50 and < 0xFE00 => Script.Arabic,
        >= 0xFF00 and < 0xFFF0 => Script.Latin, // full-width forms
        _ => Script.Other,
    };
}
