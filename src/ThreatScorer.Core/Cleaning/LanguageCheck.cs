using System.Globalization;
using System.Text;

namespace ThreatScorer.Core.Cleaning;

/// <summary>
/// Whether a cleaned text is English enough for the English-only models. Two cheap signals: the share of letters
/// in Latin script (Chinese, Arabic, Cyrillic… text is not), and for samples long enough to tell, function words:
/// English ones that French, Spanish, German, Italian and Portuguese do not share ("the", "of", "and"; not "a",
/// "in", "on" or "was") must make a share of the words and outnumber each of those languages' own ("le", "der",
/// "el", "della", "não"…). A declared language other than English is taken at its word, and a text without a single
/// letter (punctuation, numbers) is no article at all. Scoring such text would produce confident but meaningless
/// "none" scores; it is rejected with the reason instead. Runs on every article without allocating: up to three
/// samples of <see cref="SampleWords"/> words, from the beginning, the middle and the end, so an English lead over
/// a foreign body is caught and a long article costs no more than a short one.
/// </summary>
public static class LanguageCheck
{
    /// <summary>Words with letters read per sample: enough to tell the language.</summary>
    public const int SampleWords = 600;

    /// <summary>Words read at most (three samples).</summary>
    public const int MaxWords = 3 * SampleWords;

    private const double MinLatinShare = 0.6;
    private const int MinWordsForStopwordTest = 40;
    private const double MinStopwordShare = 0.06;
    private const string TrimmedPunctuation = "\"',.;:!?()“”‘’";

    /// <summary>
    /// Common English function words that are not also common words of French, Spanish, German, Italian or
    /// Portuguese: "a" (à, a), "in" (German, Italian), "on" (French), "as" (Portuguese), "an", "was" and "will"
    /// (German) used to let those languages pass as English.
    /// </summary>
    private static readonly HashSet<string> EnglishFunctionWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "the", "of", "and", "to", "is", "that", "for", "with", "by", "it", "at", "from", "he", "she", "they", "his",
        "their", "be", "are", "were", "has", "have", "had", "not", "this", "said", "or", "but", "which", "who", "its",
        "after", "been", "would", "we", "our", "these", "than", "when", "there",
    };

    /// <summary>Languages written in Latin script that English text is most often confused with.</summary>
    private static readonly string[] ForeignLanguages = ["French", "Spanish", "German", "Italian", "Portuguese"];

    /// <summary>
    /// Each language's commonest function words, left out where English uses the same word ("a", "in", "die",
    /// "per", "no", "do", "al" as in "Al Jazeera"); index = position in <see cref="ForeignLanguages"/>.
    /// </summary>
    private static readonly Dictionary<string, int> ForeignFunctionWords = BuildForeign(
        ["le", "la", "les", "des", "du", "et", "est", "une", "dans", "pour", "que", "qui", "sur", "avec", "pas", "au", "aux", "par", "sont", "ont", "été", "cette", "il", "ils", "elle", "leur", "mais", "ou", "se", "ne"],
        ["el", "los", "las", "del", "y", "en", "es", "una", "por", "con", "para", "su", "sus", "lo", "como", "más", "fue", "han", "pero", "entre", "sobre", "está", "ser", "muy", "también"],
        ["der", "das", "und", "ist", "nicht", "mit", "dem", "ein", "eine", "zu", "von", "auf", "für", "sich", "im", "auch", "wurde", "werden", "sie", "nach", "bei", "aus", "oder", "wie", "einer"],
        ["il", "gli", "di", "che", "è", "e", "della", "delle", "degli", "non", "sono", "nel", "nella", "alla", "anche", "ha", "hanno", "dei", "questo", "più", "stato", "dalla", "tra"],
        ["o", "os", "da", "dos", "das", "em", "um", "uma", "não", "é", "na", "foi", "pelo", "pela", "ao", "aos", "mais", "são", "nos", "seu", "sua", "também", "até"]);

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> FunctionWordLookup =
        EnglishFunctionWords.GetAlternateLookup<ReadOnlySpan<char>>();

    private static readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> ForeignLookup =
        ForeignFunctionWords.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Bit mask per word: a word common to two languages ("la", "que", "da") counts for both.</summary>
    private static Dictionary<string, int> BuildForeign(params string[][] languages)
    {
        var words = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var language = 0; language < languages.Length; language++)
        {
            foreach (var word in languages[language])
            {
                words[word] = words.GetValueOrDefault(word) | (1 << language);
            }
        }

        return words;
    }

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

        var span = text.AsSpan();
        var opening = Measure(span, 0, out var end);
        if (opening.Letters == 0)
        {
            // The first sample runs until it has its words, so no letters there means none in the whole text.
            return "no words: the text holds no letters";
        }

        var openingReason = Judge(opening, "its opening", isOpening: true);
        if (openingReason is not null || end >= span.Length)
        {
            return openingReason;
        }

        // Where the opening sample ended tells how many characters a sample spans in this text.
        var sampleChars = end;
        var middle = Measure(span, Math.Max(end, (span.Length - sampleChars) / 2), out _);
        if (Judge(middle, "its middle") is { } middleReason)
        {
            return middleReason;
        }

        return Judge(Measure(span, Math.Max(end, span.Length - sampleChars), out _), "its end");
    }

    /// <summary>What one sample of the text holds: letters by script, words, English and foreign function words.</summary>
    private struct Sample
    {
        public int Letters;
        public int Words;
        public int English;
        public int French;
        public int Spanish;
        public int German;
        public int Italian;
        public int Portuguese;
        public int Latin;
        public int MainScript;
        public int MainScriptLetters;

        public readonly int Foreign(int language) => language switch
        {
            0 => French,
            1 => Spanish,
            2 => German,
            3 => Italian,
            _ => Portuguese,
        };
    }

    /// <summary>
    /// Reads <see cref="SampleWords"/> words with letters from the first word boundary at or after
    /// <paramref name="from"/> (tokens without letters, numbers and punctuation, do not use up the sample).
    /// </summary>
    private static Sample Measure(ReadOnlySpan<char> span, int from, out int end)
    {
        Span<int> scripts = stackalloc int[ScriptNames.Length];
        var sample = default(Sample);
        var i = from;
        if (i > 0)
        {
            // Start on a word, not inside one.
            while (i < span.Length && !char.IsWhiteSpace(span[i]))
            {
                i++;
            }
        }

        while (i < span.Length && sample.Words < SampleWords)
        {
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

            sample.Letters += tokenLetters;
            if (tokenLetters > 0)
            {
                // Trimming takes only punctuation, so a token with a letter stays a word.
                sample.Words++;
                var word = span[start..i].Trim(TrimmedPunctuation);
                sample.English += FunctionWordLookup.Contains(word) ? 1 : 0;
                if (ForeignLookup.TryGetValue(word, out var languages))
                {
                    sample.French += languages & 1;
                    sample.Spanish += (languages >> 1) & 1;
                    sample.German += (languages >> 2) & 1;
                    sample.Italian += (languages >> 3) & 1;
                    sample.Portuguese += (languages >> 4) & 1;
                }
            }
        }

        end = i;
        sample.Latin = scripts[(int)Script.Latin];
        var main = Script.Greek;
        for (var s = Script.Greek; s <= Script.Other; s++)
        {
            main = scripts[(int)s] > scripts[(int)main] ? s : main;
        }

        sample.MainScript = (int)main;
        sample.MainScriptLetters = scripts[(int)main];
        return sample;
    }

    /// <summary>
    /// Script and foreign function words for every sample; the share of English function words only for the
    /// opening: a closing list of names or links (honours lists, pardons) has few function words of any language
    /// and is still English, but a body in another language brings its own function words.
    /// </summary>
    private static string? Judge(Sample sample, string where, bool isOpening = false)
    {
        if (sample.Letters == 0)
        {
            return null;
        }

        if (sample.Latin < MinLatinShare * sample.Letters)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"not English: {100.0 * sample.MainScriptLetters / sample.Letters:F0}% of the letters{(isOpening ? "" : " in " + where)} are {ScriptNames[sample.MainScript]} (the models read English only)");
        }

        if (sample.Words < MinWordsForStopwordTest)
        {
            return null;
        }

        var foreign = 0;
        for (var language = 1; language < ForeignLanguages.Length; language++)
        {
            foreign = sample.Foreign(language) > sample.Foreign(foreign) ? language : foreign;
        }

        if (sample.Foreign(foreign) > sample.English && sample.Foreign(foreign) >= MinStopwordShare * sample.Words)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"not English: {ForeignLanguages[foreign]} function words ({sample.Foreign(foreign)}) outnumber English ones such as \"the\" or \"and\" ({sample.English}) in {where} (the models read English only)");
        }

        var share = sample.English / (double)sample.Words;
        return isOpening && share < MinStopwordShare
            ? string.Create(CultureInfo.InvariantCulture,
                $"not English: only {100 * share:F1}% of {sample.Words} words in {where} are common English words such as \"the\" or \"and\" (the models read English only)")
            : null;
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
