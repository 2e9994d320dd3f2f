using ThreatScorer.Core.Training;

namespace ThreatScorer.Core.Threat;

/// <summary>
/// The level thresholds of the keyword baseline: a text's level is the number of thresholds its keyword rate is
/// above (none 0 … high 3). Chosen on train groups only (<see cref="ThreatKeywordBaseline.Fit"/>).
/// </summary>
/// <param name="Low">Rate above which a text is at least low.</param>
/// <param name="Elevated">Rate above which a text is at least elevated.</param>
/// <param name="High">Rate above which a text is high.</param>
/// <param name="TrainExamples">How many train examples the thresholds were chosen on.</param>
public sealed record ThreatKeywordThresholds(double Low, double Elevated, double High, int TrainExamples)
{
    /// <summary>The level of a keyword rate.</summary>
    public string Level(double rate) =>
        ThreatLabels.Levels[(rate > Low ? 1 : 0) + (rate > Elevated ? 1 : 0) + (rate > High ? 1 : 0)];
}

/// <summary>
/// A keyword-count baseline for threat framing, so an evaluation shows whether a model beats counting violent
/// words: the rate of tokens that start with one of <see cref="Stems"/> (lower-cased runs of letters), mapped to a
/// level by thresholds chosen on train data (<see cref="Fit"/>), and ranked against the gold threat-vs-not label
/// (level elevated or high) by ROC AUC.
/// </summary>
public static class ThreatKeywordBaseline
{
    /// <summary>
    /// The fixed list of 30 violence word stems; a token counts when it starts with one (e.g. "kill" matches killed,
    /// killings). Fixed so numbers stay comparable across versions: do not tune it on dev data.
    /// </summary>
    public static IReadOnlyList<string> Stems { get; } =
    [
        "kill", "dead", "death", "attack", "bomb", "explos", "shoot", "shot", "gunm", "gunfire", "wound", "injur",
        "violen", "terror", "militant", "insurg", "rebel", "clash", "fight", "massacre", "murder", "assassin",
        "hostage", "kidnap", "airstrike", "raid", "riot", "casualt", "troops", "missile",
    ];

    /// <summary>Candidate threshold values tried per level when fitting (quantiles of the train rates).</summary>
    private const int Candidates = 30;

    /// <summary>Keyword tokens per token (0 for a text without letters).</summary>
    public static double Rate(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var tokens = 0;
        var hits = 0;
        var i = 0;
        while (i < text.Length)
        {
            if (!char.IsLetter(text[i]))
            {
                i++;
                continue;
            }

            var start = i;
            while (i < text.Length && char.IsLetter(text[i]))
            {
                i++;
            }

            tokens++;
            var token = text.AsSpan(start, i - start);
            foreach (var stem in Stems)
            {
                if (token.StartsWith(stem, StringComparison.OrdinalIgnoreCase))
                {
                    hits++;
                    break;
                }
            }
        }

        return tokens == 0 ? 0 : (double)hits / tokens;
    }

    /// <summary>
    /// The thresholds (t_low ≤ t_elevated ≤ t_high, each one of up to 30 quantiles of the train rates, or below all
    /// of them) that give the highest level macro-F1 on <paramref name="train"/>; ties go to the first found in
    /// ascending order, so the fit is deterministic. Null when the train data has fewer than two levels.
    /// </summary>
    public static ThreatKeywordThresholds? Fit(IReadOnlyList<ThreatExample> train)
    {
        ArgumentNullException.ThrowIfNull(train);
        if (train.Select(e => e.Level).Distinct(StringComparer.Ordinal).Count() < 2)
        {
            return null;
        }

        var rates = train.Select(e => Rate(e.Text)).ToList();
        var gold = train.Select(e => e.Level).ToList();
        var sorted = rates.Distinct().Order().ToList();
        var candidates = new List<double> { -1 };
        if (sorted.Count <= Candidates)
        {
            candidates.AddRange(sorted);
        }
        else
        {
            candidates.AddRange(Enumerable.Range(0, Candidates).Select(k => sorted[k * (sorted.Count - 1) / (Candidates - 1)]).Distinct());
        }

        var best = (F1: -1.0, Low: 0.0, Elevated: 0.0, High: 0.0);
        for (var a = 0; a < candidates.Count; a++)
        {
            for (var b = a; b < candidates.Count; b++)
            {
                for (var c = b; c < candidates.Count; c++)
                {
                    var t = new ThreatKeywordThresholds(candidates[a], candidates[b], candidates[c], train.Count);
                    var f1 = Evaluator.Evaluate(gold, rates.ConvertAll(t.Level), ThreatLabels.Levels).MacroF1;
                    if (f1 > best.F1)
                    {
                        best = (f1, t.Low, t.Elevated, t.High);
                    }
                }
            }
        }

        return new ThreatKeywordThresholds(best.Low, best.Elevated, best.High, train.Count);
    }

    /// <summary>
    /// ROC AUC of <paramref name="scores"/> for <paramref name="positive"/> (Mann–Whitney, ties count half); null
    /// when either class is absent.
    /// </summary>
    public static double? Auc(IReadOnlyList<double> scores, IReadOnlyList<bool> positive)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(positive);
        if (scores.Count != positive.Count)
        {
            throw new ArgumentException($"{scores.Count} scores but {positive.Count} labels.", nameof(positive));
        }

        var order = Enumerable.Range(0, scores.Count).OrderBy(i => scores[i]).ToList();
        var ranks = new double[scores.Count];
        for (var i = 0; i < order.Count;)
        {
            var j = i;
            while (j + 1 < order.Count && scores[order[j + 1]] == scores[order[i]])
            {
                j++;
            }

            for (var k = i; k <= j; k++)
            {
                ranks[order[k]] = (i + j) / 2.0 + 1;
            }

            i = j + 1;
        }

        long positives = positive.Count(p => p);
        long negatives = positive.Count - positives;
        if (positives == 0 || negatives == 0)
        {
            return null;
        }

        var rankSum = Enumerable.Range(0, ranks.Length).Where(i => positive[i]).Sum(i => ranks[i]);
        return (rankSum - positives * (positives + 1) / 2.0) / (positives * (double)negatives);
    }
}
