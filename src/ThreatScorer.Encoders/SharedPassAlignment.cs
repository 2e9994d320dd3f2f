using Microsoft.ML.Tokenizers;
using ThreatScorer.Core.Models;

namespace ThreatScorer.Encoders;

/// <summary>
/// Plans one encoder pass per distinct sentence for many targets: the sentence is cut at every target boundary, each
/// piece tokenised on its own and the pieces joined, so every target's word pieces are known by position without
/// changing the text. Where the cuts fall between words or at punctuation (actor mentions do) the joined ids are the
/// ones <see cref="TargetAlignment.Align"/> gives for each target alone, so the pooled vectors are the teacher's.
/// </summary>
internal static class SharedPassAlignment
{
    /// <summary>The encoder inputs (one per sentence that fits, else one per target) and, per target, its input and pieces.</summary>
    public sealed record Plan(IReadOnlyList<int[]> Inputs, IReadOnlyList<int> InputOf, IReadOnlyList<TargetTokens> Targets);

    /// <exception cref="ArgumentOutOfRangeException">A span is empty or not inside its sentence.</exception>
    public static Plan Build(BertTokenizer tokenizer, IReadOnlyList<StanceInput> targets)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(targets);
        var inputs = new List<int[]>();
        var inputOf = new int[targets.Count];
        var aligned = new TargetTokens[targets.Count];
        foreach (var group in Enumerable.Range(0, targets.Count).GroupBy(i => targets[i].Sentence, StringComparer.Ordinal))
        {
            var sentence = group.Key;
            foreach (var i in group)
            {
                TextFeatures.ValidateSpan(sentence, targets[i].From, targets[i].To);
            }

            var cuts = group.SelectMany(i => new[] { targets[i].From, targets[i].To }).Append(0).Append(sentence.Length)
                .Distinct().Order().ToArray();
            // start[k] = position (after [CLS]) of the first piece of the segment that starts at cuts[k].
            var ids = new List<int>(sentence.Length / 3 + 2) { tokenizer.ClassificationTokenId };
            var start = new Dictionary<int, int>(cuts.Length);
            for (var k = 0; k < cuts.Length; k++)
            {
                start[cuts[k]] = ids.Count;
                if (k + 1 < cuts.Length)
                {
                    ids.AddRange(TargetAlignment.Ids(tokenizer, sentence[cuts[k]..cuts[k + 1]]));
                }
            }

            ids.Add(tokenizer.SeparatorTokenId);
            var shared = ids.Count <= MiniLmEncoder.MaxTokens ? ids.ToArray() : null;
            var sharedIndex = -1;
            foreach (var i in group)
            {
                var (from, to) = (start[targets[i].From], start[targets[i].To]);
                if (shared is not null && to > from)
                {
                    if (sharedIndex < 0)
                    {
                        sharedIndex = inputs.Count;
                        inputs.Add(shared);
                    }

                    inputOf[i] = sharedIndex;
                    aligned[i] = new TargetTokens(shared, from, to);
                }
                else
                {
                    // Too long for one pass (clipped around each target instead) or a target with no pieces of its own:
                    // exactly the teacher's alignment, at the cost of a pass for this target.
                    var own = TargetAlignment.Align(tokenizer, sentence, targets[i].From, targets[i].To);
                    inputOf[i] = inputs.Count;
                    inputs.Add(own.Ids);
                    aligned[i] = own;
                }
            }
        }

        return new Plan(inputs, inputOf, aligned);
    }
}
