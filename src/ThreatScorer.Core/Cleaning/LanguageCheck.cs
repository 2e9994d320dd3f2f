using System.Globalization;
using System.Text;

namespace ThreatScorer.Core.Cleaning;

/// <summary>
/// Whether a cleaned text is English enough for the English-only models. Two cheap signals: the share of letters
/// in Latin script (Chinese, Arabic, Cyrillic… text is not), and for texts long enough to tell, the share of words
/// that are the commonest English function words (French or German written in Latin script is not English either).
/// A declared language other than English is taken at its word. Scoring such text would produce confident but
/// meaningless "none" scores; it is rejected with the reason instead.
/// </summary>
public static class LanguageCheck
{
    private const double MinLatinShare = 0.6;
    private const int MinWordsForStopwordTest = 40;
    private const double MinStopwordShare = 0.06;

    private static readonly HashSet<string> EnglishFunctionWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "the", "of", "and", "to", "in", "a", "is", "that", "for", "on", "with", "as", "was", "by", "it", "at", "from",
        "he", "she", "they", "his", "her", "their", "be", "are", "were", "has", "have", "had", "not", "this", "said",
        "an", "or", "but", "will", "which", "who", "its", "after", "been",
    };

    /// <summary>Null when the text reads as English; otherwise why it does not.</summary>
    public static string? WhyNotEnglish(string text, string? declaredLanguage)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (declaredLanguage is { Length: > 0 } declared && !IsEnglishTag(declared))
        {
            return $"not English: the article declares language '{declared}' (the models read English only)";
        }

        int letters = 0, latin = 0;
        var scripts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var rune in text.EnumerateRunes())
        {
            if (!Rune.IsLetter(rune))
            {
                continue;
            }

            letters++;
            var script = Script(rune);
            if (script == "Latin")
            {
                latin++;
            }
            else
            {
                scripts[script] = scripts.GetValueOrDefault(script) + 1;
            }
        }

        if (letters > 0 && latin < MinLatinShare * letters)
        {
            var main = scripts.OrderByDescending(s => s.Value).First();
            return string.Create(CultureInfo.InvariantCulture,
                $"not English: {100.0 * main.Value / letters:F0}% of the letters are {main.Key} (the models read English only)");
        }

        var words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
            .Select(w => w.Trim('"', '\'', ',', '.', ';', ':', '!', '?', '(', ')', '“', '”', '‘', '’'))
            .Where(w => w.Length > 0 && w.Any(char.IsLetter))
            .ToList();
        if (words.Count >= MinWordsForStopwordTest)
        {
            var share = words.Count(EnglishFunctionWords.Contains) / (double)words.Count;
            if (share < MinStopwordShare)
            {
                return string.Create(CultureInfo.InvariantCulture,
                    $"not English: only {100 * share:F1}% of {words.Count} words are common English words such as \"the\" or \"and\" (the models read English only)");
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

    private static string Script(Rune rune) => rune.Value switch
    {
        < 0x0250 => "Latin",
        >= 0x1E00 and < 0x1F00 => "Latin", // Latin Extended Additional
        >= 0x0370 and < 0x0400 => "Greek",
        >= 0x0400 and < 0x0530 => "Cyrillic",
        >= 0x0530 and < 0x0590 => "Armenian",
        >= 0x0590 and < 0x0600 => "Hebrew",
        >= 0x0600 and < 0x0780 => "Arabic",
        >= 0x0900 and < 0x0E00 => "Indic",
        >= 0x0E00 and < 0x0E80 => "Thai",
        >= 0x10A0 and < 0x1100 => "Georgian",
        >= 0x1100 and < 0x1200 => "Hangul",
        >= 0x3040 and < 0x3100 => "Japanese kana",
        >= 0x3400 and < 0xA000 => "CJK",
        >= 0xAC00 and < 0xD7B0 => "Hangul",
        >= 0xFB50 and < 0xFE00 => "Arabic",
        >= 0xFF00 and < 0xFFF0 => "Latin", // full-width forms
        _ => "another script",
    };
}
