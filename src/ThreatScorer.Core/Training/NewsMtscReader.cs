using System.Text.Json;
using ThreatScorer.Core.Models;

namespace ThreatScorer.Core.Training;

/// <summary>One NewsMTSC line: a mention <c>sentence[From..To)</c> with polarity −1/0/1.</summary>
public sealed record NewsMtscRecord(string Id, string Sentence, string Mention, int From, int To, int Polarity)
{
    /// <summary>The polarity as a <see cref="PolarityLabels"/> label.</summary>
    public string Label => PolarityLabels.FromNewsMtsc(Polarity);
}

/// <summary>Reads NewsMTSC JSONL (<c>{"mention","polarity","from","to","sentence","id"}</c>), strictly.</summary>
public static class NewsMtscReader
{
    /// <summary>Reads every line of a file.</summary>
    /// <exception cref="InputFormatException">A malformed line (file, 1-based line and reason).</exception>
    public static async Task<IReadOnlyList<NewsMtscRecord>> ReadAsync(string path, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        using var reader = new StreamReader(path);
        return await ReadAsync(reader, path, cancellationToken);
    }

    /// <summary>Reads every line from a reader; <paramref name="sourceName"/> names it in errors. Blank lines are skipped.</summary>
    /// <exception cref="InputFormatException">A malformed line (file, 1-based line and reason).</exception>
    public static async Task<IReadOnlyList<NewsMtscRecord>> ReadAsync(TextReader reader, string sourceName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var records = new List<NewsMtscRecord>();
        var lineNumber = 0;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            try
            {
                records.Add(Parse(line));
            }
            catch (JsonException ex)
            {
                throw new InputFormatException(sourceName, lineNumber, $"invalid JSON ({ex.Message})", ex);
            }
            catch (FormatException ex)
            {
                throw new InputFormatException(sourceName, lineNumber, ex.Message, ex);
            }
        }

        return records;
    }

    private static NewsMtscRecord Parse(string line)
    {
        using var doc = JsonDocument.Parse(line);
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("expected a JSON object");
        }

        var sentence = JsonLineFields.RequiredString(root, "sentence");
        var mention = JsonLineFields.RequiredString(root, "mention");
        var from = JsonLineFields.RequiredInt(root, "from");
        var to = JsonLineFields.RequiredInt(root, "to");
        var polarity = JsonLineFields.RequiredInt(root, "polarity");
        if (!root.TryGetProperty("id", out var idElement) || idElement.ValueKind is not (JsonValueKind.String or JsonValueKind.Number))
        {
            throw new FormatException("missing field \"id\" (a string or a number)");
        }

        if (from < 0 || to > sentence.Length || from >= to)
        {
            throw new FormatException($"from/to [{from}, {to}) out of range for a sentence of {sentence.Length} characters");
        }

        if (polarity is < -1 or > 1)
        {
            throw new FormatException($"polarity must be -1, 0 or 1, not {polarity}");
        }

        if (!sentence.AsSpan(from, to - from).SequenceEqual(mention))
        {
            throw new FormatException($"sentence[{from}..{to}) is \"{sentence[from..to]}\", not the mention \"{mention}\"");
        }

        var id = idElement.ValueKind == JsonValueKind.String ? idElement.GetString()! : idElement.GetRawText();
        return new NewsMtscRecord(id, sentence, mention, from, to, polarity);
    }
}
