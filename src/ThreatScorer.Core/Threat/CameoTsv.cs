using System.Globalization;
using ThreatScorer.Core.Models;

namespace ThreatScorer.Core.Threat;

/// <summary>
/// Reads CAMEO-style evaluation files: one sentence, a tab, and its class 0–4 (statement, verbal cooperation,
/// material cooperation, verbal conflict, material conflict). Evaluation only: such text is never trained on.
/// </summary>
public static class CameoTsv
{
    public static async Task<List<(string Text, string Label)>> ReadAsync(string path, CancellationToken cancellationToken)
    {
        var rows = new List<(string, string)>();
        var lineNumber = 0;
        foreach (var line in await File.ReadAllLinesAsync(path, cancellationToken))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var tab = line.LastIndexOf('\t');
            if (tab < 0 || !int.TryParse(line.AsSpan(tab + 1), NumberStyles.Integer, CultureInfo.InvariantCulture, out var code)
                || code < 0 || code >= ThreatLabels.Interactions.Count)
            {
                throw new InputFormatException(path, lineNumber, "expected \"sentence<TAB>class 0-4\"");
            }

            rows.Add((line[..tab], ThreatLabels.Interactions[code]));
        }

        return rows;
    }

}
