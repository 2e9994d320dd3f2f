using Microsoft.ML.Tokenizers;
using ThreatScorer.Core.Training;
using ThreatScorer.Encoders;

namespace ThreatScorer.FineTune.Training;

/// <summary>A tokenised (sentence, target) pair: ids from [CLS] to [SEP], the target's pieces [start, end), class 0/1/2.</summary>
public sealed record StanceExample(string Id, int[] Ids, int TargetStart, int TargetEnd, int Label);

public static class StanceExamples
{
    /// <summary>Reads NewsMTSC-format JSONL files (NewsMTSC itself, the team's stance files) into tokenised examples.</summary>
    /// <exception cref="ThreatScorer.Core.Models.InputFormatException">A malformed line (file and line named).</exception>
    public static async Task<List<StanceExample>> ReadAsync(IEnumerable<string> files, BertTokenizer tokenizer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(files);
        var examples = new List<StanceExample>();
        foreach (var file in files)
        {
            var records = await NewsMtscReader.ReadAsync(file, cancellationToken);
            examples.AddRange(records.Select(r => From(tokenizer, r)));
        }

        return examples;
    }

    public static StanceExample From(BertTokenizer tokenizer, NewsMtscRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        // Tokenising the contexts and the mention apart locates the target's pieces exactly (see TargetAlignment).
        var tokens = TargetAlignment.Align(tokenizer, record.Sentence, record.From, record.To);
        return new StanceExample(record.Id, tokens.Ids, tokens.TargetStart, tokens.TargetEnd, record.Polarity + 1);
    }
}
