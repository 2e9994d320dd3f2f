using Microsoft.ML.Data;

namespace ThreatScorer.Core.Models;

/// <summary>The ML.NET row for stance: the sentence with the target marked, its context windows and the mention.</summary>
internal sealed class StanceRow
{
    public string Marked { get; set; } = string.Empty;

    public string Left { get; set; } = string.Empty;

    public string Right { get; set; } = string.Empty;

    public string Mention { get; set; } = string.Empty;

    /// <summary>A <see cref="PolarityLabels"/> label; empty at prediction time.</summary>
    public string Label { get; set; } = string.Empty;

    public float Weight { get; set; } = 1f;
}

/// <summary>The ML.NET row for sentence-level sentiment.</summary>
internal sealed class SentimentRow
{
    public string Text { get; set; } = string.Empty;

    public string Label { get; set; } = string.Empty;

    public float Weight { get; set; } = 1f;
}

/// <summary>The class scores (probabilities) a multiclass ML.NET model outputs, in key order.</summary>
internal sealed class ScoreRow
{
    [ColumnName("Score")]
    public float[] Score { get; set; } = [];
}

/// <summary>
/// How a stance input becomes features; saved with the model (metrics.json hyperparameters) so prediction
/// featurises exactly as training did.
/// </summary>
/// <param name="WindowWords">Context words on each side of the target, each side its own column.</param>
/// <param name="MarkedWindowWords">Words kept around the target in the marked sentence (0 = whole sentence).</param>
/// <param name="MaskTarget">
/// Replace the target's words by a placeholder, so the model judges how the sentence treats the target rather
/// than learning a prior for each name (which made "Russia" negative whatever the sentence said).
/// </param>
/// <param name="TargetType">Add the target's actor type as a token to the mention column.</param>
internal sealed record StanceFeatures(int WindowWords, int MarkedWindowWords, bool MaskTarget, bool TargetType = false);

/// <summary>Turns raw inputs into rows; shared by training and prediction so both see the same features.</summary>
internal static class TextFeatures
{
    // Marker words survive FeaturizeText's tokenisation and lower-casing, unlike "<t>" punctuation.
    public const string TargetStart = "xxtgtstart";
    public const string TargetEnd = "xxtgtend";

    /// <summary>Stands in for the target's own words when <see cref="StanceFeatures.MaskTarget"/> is set.</summary>
    public const string TargetPlaceholder = "xxtarget";

    public static StanceRow Stance(StanceInput input, StanceFeatures settings)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(settings);
        var row = Stance(input.Sentence, input.From, input.To, settings);
        if (settings.TargetType)
        {
            row.Mention = string.Concat(row.Mention, " ", TypeToken(input.TargetType));
        }

        return row;
    }

    /// <summary>The word the target-type feature adds, e.g. <c>xxtypearmedgroup</c> (built once per type: it is on the scoring path).</summary>
    public static string TypeToken(Actors.ActorType? type) => TypeTokens[(int)(type ?? Actors.ActorType.Unknown)];

    private static readonly string[] TypeTokens = Enum.GetValues<Actors.ActorType>()
        .Select(t => "xxtype" + t.ToString().ToLowerInvariant())
        .ToArray();

    public static StanceRow Stance(string sentence, int from, int to, StanceFeatures settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ValidateSpan(sentence, from, to);
        var left = sentence[..from];
        var mention = settings.MaskTarget && !IsPronoun(sentence.AsSpan(from, to - from)) ? TargetPlaceholder : sentence[from..to];
        var right = sentence[to..];
        var markedLeft = settings.MarkedWindowWords > 0 ? LastWords(left, settings.MarkedWindowWords) : left;
        var markedRight = settings.MarkedWindowWords > 0 ? FirstWords(right, settings.MarkedWindowWords) : right;
        return new StanceRow
        {
            Marked = string.Concat(markedLeft, " ", TargetStart, " ", mention, " ", TargetEnd, " ", markedRight),
            Left = LastWords(left, settings.WindowWords),
            Right = FirstWords(right, settings.WindowWords),
            Mention = mention,
        };
    }

    // Pronoun targets stay as they are: they carry who is meant ("she" vs "they"), not a prior for a name.
    private static readonly HashSet<string> Pronouns = new(
        ["he", "him", "his", "she", "her", "hers", "they", "them", "their", "theirs", "it", "its", "we", "us", "our", "i", "me", "my", "you", "your", "himself", "herself", "themselves", "itself"],
        StringComparer.OrdinalIgnoreCase);

    private static bool IsPronoun(ReadOnlySpan<char> mention) =>
        Pronouns.GetAlternateLookup<ReadOnlySpan<char>>().Contains(mention.Trim());

    public static void ValidateSpan(string sentence, int from, int to)
    {
        ArgumentNullException.ThrowIfNull(sentence);
        if (from < 0 || to > sentence.Length || from >= to)
        {
            throw new ArgumentOutOfRangeException(
                nameof(from),
                $"The target span [{from}, {to}) is not inside the sentence of length {sentence.Length} (need 0 <= from < to <= length).");
        }
    }

    public static ClassPrediction ToPrediction(float[] scores)
    {
        var labels = PolarityLabels.All;
        if (scores.Length != labels.Count)
        {
            throw new InvalidOperationException($"The model returned {scores.Length} class scores; expected {labels.Count}.");
        }

        var probabilities = new Dictionary<string, float>(labels.Count, StringComparer.Ordinal);
        var best = 0;
        for (var i = 0; i < labels.Count; i++)
        {
            probabilities[labels[i]] = scores[i];
            if (scores[i] > scores[best])
            {
                best = i;
            }
        }

        return new ClassPrediction(labels[best], probabilities);
    }

    private static string LastWords(string text, int count)
    {
        var words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return string.Join(' ', words.Skip(Math.Max(0, words.Length - count)));
    }

    private static string FirstWords(string text, int count)
    {
        var words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return string.Join(' ', words.Take(count));
    }
}
