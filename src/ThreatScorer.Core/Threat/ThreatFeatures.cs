using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Text;
using ThreatScorer.Core.Actors;
using ThreatScorer.Core.Cleaning;

namespace ThreatScorer.Core.Threat;

/// <summary>Featurisation and learner settings for the threat and interaction models (part of the fingerprint).</summary>
public sealed record ThreatHyperparameters
{
    public static ThreatHyperparameters Default { get; } = new();

    /// <summary>Word n-gram length (1..n).</summary>
    public int WordNgramLength { get; init; } = 2;

    /// <summary>Char n-gram length (exactly n); 0 disables them.</summary>
    public int CharNgramLength { get; init; } = 4;

    /// <summary>At most this many n-grams per column.</summary>
    public int MaxNgramsPerColumn { get; init; } = 100_000;

    /// <summary>L2 of the multiclass LbfgsMaximumEntropy (level, interaction).</summary>
    public float L2 { get; init; } = 0.1f;

    /// <summary>L2 of the per-kind LbfgsLogisticRegression (0.003: kinds macro-F1 0.628 → 0.659 on dev over 0.1, ECE still ≤ 0.06).</summary>
    public float KindL2 { get; init; } = 0.003f;

    /// <summary>Add actor-type tokens from the gazetteer (an armed group as subject raises terrorism/armed conflict).</summary>
    public bool ActorFeatures { get; init; } = true;
}

/// <summary>An ML.NET row for the multiclass threat models (level, interaction).</summary>
internal sealed class ThreatTextRow
{
    public string Text { get; set; } = string.Empty;

    public string Actors { get; set; } = string.Empty;

    public string Label { get; set; } = string.Empty;
}

/// <summary>
/// The ML.NET training row of the threat models: text and actor tags (featurised once, shared by every head),
/// the level, and one boolean column per kind.
/// </summary>
internal sealed class ThreatTrainRow
{
    public string Text { get; set; } = string.Empty;

    public string Actors { get; set; } = string.Empty;

    public string Label { get; set; } = string.Empty;

    [ColumnName("kind_armed_conflict")]
    public bool ArmedConflict { get; set; }

    [ColumnName("kind_terrorism")]
    public bool Terrorism { get; set; }

    [ColumnName("kind_civil_unrest")]
    public bool CivilUnrest { get; set; }

    [ColumnName("kind_crime")]
    public bool Crime { get; set; }

    [ColumnName("kind_cyber")]
    public bool Cyber { get; set; }

    [ColumnName("kind_political_instability")]
    public bool PoliticalInstability { get; set; }

    [ColumnName("kind_disaster")]
    public bool Disaster { get; set; }

    public static string KindColumn(string kind) => "kind_" + kind;

    public static ThreatTrainRow From(ThreatExample example, ThreatInput input) => new()
    {
        Text = input.Text,
        Actors = input.ActorTags,
        Label = example.Level,
        ArmedConflict = example.Kinds.Contains("armed_conflict"),
        Terrorism = example.Kinds.Contains("terrorism"),
        CivilUnrest = example.Kinds.Contains("civil_unrest"),
        Crime = example.Kinds.Contains("crime"),
        Cyber = example.Kinds.Contains("cyber"),
        PoliticalInstability = example.Kinds.Contains("political_instability"),
        Disaster = example.Kinds.Contains("disaster"),
    };
}

internal sealed class MulticlassScore
{
    [ColumnName("Score")]
    public float[] Score { get; set; } = [];
}

internal sealed class BinaryScore
{
    [ColumnName("Probability")]
    public float Probability { get; set; }
}

internal sealed class LabelKey
{
    public string Label { get; set; } = string.Empty;
}

/// <summary>Turns text into the inputs of the threat models; shared by training and prediction.</summary>
internal static class ThreatFeatures
{
    /// <summary>
    /// Actor-type tokens for a text: which kinds of actor it names, and the kind of the first one (usually the
    /// grammatical subject in news style).
    /// </summary>
    public static string ActorTags(ActorRecognizer? recognizer, string text)
    {
        if (recognizer is null || text.Length == 0)
        {
            return string.Empty;
        }

        var mentions = recognizer.Recognize(text, [new Sentence(0, 0, text.Length, 0, text)]);
        return ActorTags(mentions);
    }

    /// <summary>Actor-type tokens from mentions already found (sorted by position).</summary>
    public static string ActorTags(IEnumerable<ActorMention> mentions)
    {
        var tags = new SortedSet<string>(StringComparer.Ordinal);
        ActorMention? first = null;
        foreach (var mention in mentions)
        {
            if (first is null || mention.Start < first.Start)
            {
                first = mention;
            }

            tags.Add("xxactor" + mention.Type.ToString().ToLowerInvariant());
        }

        if (first is not null)
        {
            tags.Add("xxsubject" + first.Type.ToString().ToLowerInvariant());
        }

        return string.Join(' ', tags);
    }

    public static IEstimator<ITransformer> Featurize(MLContext ml, ThreatHyperparameters hp)
    {
        var text = ml.Transforms.Text.FeaturizeText(
            "TextFeatures", Training.TextFeaturizerOptions.Create(hp.WordNgramLength, hp.CharNgramLength, hp.MaxNgramsPerColumn), "Text");
        var actors = ml.Transforms.Text.FeaturizeText("ActorFeatures", new TextFeaturizingEstimator.Options
        {
            CaseMode = TextNormalizingEstimator.CaseMode.Lower,
            WordFeatureExtractor = new WordBagEstimator.Options { NgramLength = 1 },
            CharFeatureExtractor = null,
            Norm = TextFeaturizingEstimator.NormFunction.None,
        }, "Actors");
        return text.Append(actors).Append(ml.Transforms.Concatenate("Features", "TextFeatures", "ActorFeatures"));
    }

    /// <summary>Maps string labels to keys in exactly <paramref name="labels"/> order (so Score slot i is labels[i]).</summary>
    public static IEstimator<ITransformer> LabelToKey(MLContext ml, IReadOnlyList<string> labels) =>
        ml.Transforms.Conversion.MapValueToKey("Label", "Label",
            keyData: ml.Data.LoadFromEnumerable(labels.Select(l => new LabelKey { Label = l })));
}
