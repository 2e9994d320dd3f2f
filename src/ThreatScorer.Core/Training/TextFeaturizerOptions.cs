using Microsoft.ML.Transforms.Text;

namespace ThreatScorer.Core.Training;

/// <summary>The text featurisation every n-gram model here uses: lower-cased, no diacritics, punctuation and numbers kept.</summary>
internal static class TextFeaturizerOptions
{
    /// <summary>Word 1..<paramref name="wordNgrams"/>-grams and char <paramref name="charNgrams"/>-grams (0 = none).</summary>
    public static TextFeaturizingEstimator.Options Create(int wordNgrams, int charNgrams, int maxNgrams) => new()
    {
        CaseMode = TextNormalizingEstimator.CaseMode.Lower,
        KeepDiacritics = false,
        KeepPunctuations = true,
        KeepNumbers = true,
        WordFeatureExtractor = new WordBagEstimator.Options
        {
            NgramLength = wordNgrams,
            UseAllLengths = true,
            MaximumNgramsCount = [maxNgrams],
        },
        CharFeatureExtractor = charNgrams > 0
            ? new WordBagEstimator.Options { NgramLength = charNgrams, UseAllLengths = false, MaximumNgramsCount = [maxNgrams] }
            : null,
    };
}
