using System.Globalization;
using System.Text;
using Microsoft.ML.Tokenizers;
using ThreatScorer.Core.Models;

namespace ThreatScorer.Encoders;

/// <summary>
/// A sentence as word-piece ids with the target mention's tokens located: <c>Ids[TargetStart..TargetEnd)</c> are the
/// mention's pieces. Ids start with [CLS] and end with [SEP].
/// </summary>
public sealed record TargetTokens(int[] Ids, int TargetStart, int TargetEnd)
{
    /// <summary>Number of word pieces, [CLS] and [SEP] included.</summary>
    public int Length => Ids.Length;
}

/// <summary>Aligns a character-offset target with the encoder's word pieces.</summary>
public static class TargetAlignment
{
    /// <summary>
    /// Tokenises the left context, the mention and the right context separately and joins them, so the target's
    /// pieces are known exactly (the tokenizer's own offsets refer to its normalised text, not ours). Whitespace,
    /// control and format characters become spaces first: the tokenizer deletes them, which glues words together.
    /// Inputs longer than <see cref="MiniLmEncoder.MaxTokens"/> are clipped around the target.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The span is empty or not inside the sentence.</exception>
    public static TargetTokens Align(BertTokenizer tokenizer, string sentence, int from, int to, bool maskTarget = false)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        TextFeatures.ValidateSpan(sentence, from, to);

        var left = Ids(tokenizer, sentence[..from]);
        // Masked: a neutral stand-in, so the pooled target states carry no prior for the name.
        var mention = Ids(tokenizer, maskTarget ? Placeholder : sentence[from..to]);
        var right = Ids(tokenizer, sentence[to..]);
        if (mention.Count == 0)
        {
            // A mention of only punctuation-like characters the tokenizer drops: let the nearest piece stand in.
            mention = [tokenizer.UnknownTokenId];
        }

        var budget = MiniLmEncoder.MaxTokens - 2;
        if (mention.Count > budget)
        {
            mention = mention.Take(budget).ToList();
        }

        var room = budget - mention.Count;
        var keepLeft = Math.Min(left.Count, Math.Max(room / 2, room - right.Count));
        var keepRight = Math.Min(right.Count, room - keepLeft);
        var ids = new int[keepLeft + mention.Count + keepRight + 2];
        ids[0] = tokenizer.ClassificationTokenId;
        var at = 1;
        for (var i = left.Count - keepLeft; i < left.Count; i++)
        {
            ids[at++] = left[i];
        }

        var start = at;
        foreach (var id in mention)
        {
            ids[at++] = id;
        }

        var end = at;
        for (var i = 0; i < keepRight; i++)
        {
            ids[at++] = right[i];
        }

        ids[at] = tokenizer.SeparatorTokenId;
        return new TargetTokens(ids, start, end);
    }

    /// <summary>What a masked target is replaced by.</summary>
    public const string Placeholder = "someone";

    internal static string Clean(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            var category = char.GetUnicodeCategory(c);
            builder.Append(char.IsWhiteSpace(c) || char.IsControl(c) || category == UnicodeCategory.Format ? ' ' : c);
        }

        return builder.ToString();
    }

    internal static List<int> Ids(BertTokenizer tokenizer, string text) =>
        string.IsNullOrWhiteSpace(text) ? [] : tokenizer.EncodeToIds(Clean(text), addSpecialTokens: false).ToList();
}
