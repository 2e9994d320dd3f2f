using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ThreatScorer.Core.Actors;
using ThreatScorer.Core.Articles;
using ThreatScorer.Core.Cleaning;
using ThreatScorer.Core.Models;

namespace ThreatScorer.Core.Training;

/// <summary>
/// An unlabelled actor mention in third-party text, stored by reference only: the dataset name, the item id, the
/// sentence's offsets in the item's cleaned text (or in the NewsMTSC sentence), the target's offsets inside the
/// sentence, and a short hash of the sentence so a changed source is caught instead of silently mislabelled.
/// </summary>
public sealed record PoolMention(string Dataset, string Id, int SentenceStart, int SentenceLength, int From, int To, string SentenceHash);

/// <summary>A teacher's label for a <see cref="PoolMention"/>: the label and its probabilities (negative, neutral, positive).</summary>
public sealed record PoolLabel(PoolMention Mention, string Label, float[] Probabilities)
{
    /// <summary>The teacher's probability of <see cref="Label"/>.</summary>
    public float Confidence => Probabilities[PolarityLabels.All.ToList().IndexOf(Label)];
}

/// <summary>
/// The distillation pool: real sentences with actor mentions (NewsMTSC sentences, and actor mentions the project's
/// <see cref="ActorRecognizer"/> finds in article datasets such as White House statements or OneStopEnglish), labelled by
/// a teacher and joined back to their text by reference at training time. No third-party text is written.
/// </summary>
public static class DistillationPool
{
    /// <summary>Dataset kind: NewsMTSC JSONL (<c>{"sentence","id",…}</c>); every other name is an article JSONL (<c>{"id","title","text"}</c>).</summary>
    public const string NewsMtsc = "newsmtsc";

    private const int MinWords = 5;
    private const int MaxWords = 60;

    /// <summary>
    /// Every actor mention found in the dataset's sentences (5–60 words), with its sentence text. For NewsMTSC: the
    /// actors the recognizer finds in its sentences that do not overlap a gold target.
    /// </summary>
    public static async Task<List<(PoolMention Mention, string Sentence)>> CollectAsync(
        string dataset, string path, ActorRecognizer recognizer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(recognizer);
        var found = new List<(PoolMention, string)>();
        if (dataset == NewsMtsc)
        {
            // Only the actors NewsMTSC did not label: its gold targets are already training data.
            var records = await NewsMtscReader.ReadAsync(path, cancellationToken);
            var gold = records.ToLookup(r => r.Sentence, r => (r.From, r.To), StringComparer.Ordinal);
            var seen = new HashSet<(string, int, int)>();
            foreach (var r in records)
            {
                var sentences = new[] { new Sentence(0, 0, r.Sentence.Length, 0, r.Sentence) };
                foreach (var m in recognizer.Recognize(r.Sentence, sentences))
                {
                    var (from, to) = (m.Start, m.Start + m.Length);
                    if (!gold[r.Sentence].Any(g => g.From < to && from < g.To) && seen.Add((r.Sentence, from, to)))
                    {
                        found.Add((new PoolMention(dataset, r.Id, 0, r.Sentence.Length, from, to, Hash(r.Sentence)), r.Sentence));
                    }
                }
            }

            return found;
        }

        var cleaner = new TextCleaner();
        foreach (var (id, article) in ReadArticles(path))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var cleaned = cleaner.Clean(article);
            foreach (var m in recognizer.Recognize(cleaned.Text, cleaned.Sentences))
            {
                var s = cleaned.Sentences[m.SentenceIndex];
                var words = s.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
                if (s.IsTitle || words < MinWords || words > MaxWords)
                {
                    continue;
                }

                var sentence = cleaned.Text.Substring(s.Start, s.Length);
                found.Add((new PoolMention(dataset, id, s.Start, s.Length, m.Start - s.Start, m.Start - s.Start + m.Length, Hash(sentence)), sentence));
            }
        }

        return found;
    }

    /// <summary>A deterministic sample of at most <paramref name="max"/> items (all when fewer).</summary>
    public static List<T> Sample<T>(IReadOnlyList<T> items, int max, int seed)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (items.Count <= max)
        {
            return [.. items];
        }

        var random = new Random(seed);
        var order = Enumerable.Range(0, items.Count).ToArray();
        random.Shuffle(order);
        return order.Take(max).Order().Select(i => items[i]).ToList();
    }

    /// <summary>Writes labels as JSONL, one reference per line (no text).</summary>
    public static async Task WriteLabelsAsync(string path, IEnumerable<PoolLabel> labels, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(labels);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        await using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false));
        writer.NewLine = "\n";
        foreach (var l in labels)
        {
            var m = l.Mention;
            await writer.WriteLineAsync(JsonSerializer.Serialize(new LabelLine(
                m.Dataset, m.Id, m.SentenceStart, m.SentenceLength, m.From, m.To, m.SentenceHash, l.Label,
                l.Probabilities.Select(p => Math.Round(p, 4)).ToArray()), Json).AsMemory(), cancellationToken);
        }
    }

    /// <summary>Reads a labels file written by <see cref="WriteLabelsAsync"/>.</summary>
    /// <exception cref="InputFormatException">A malformed line.</exception>
    public static async Task<List<PoolLabel>> ReadLabelsAsync(string path, CancellationToken cancellationToken)
    {
        var labels = new List<PoolLabel>();
        var lineNumber = 0;
        foreach (var line in await File.ReadAllLinesAsync(path, cancellationToken))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            try
            {
                var l = JsonSerializer.Deserialize<LabelLine>(line, Json) ?? throw new JsonException("null line");
                if (!PolarityLabels.All.Contains(l.Label) || l.P is not { Length: 3 })
                {
                    throw new JsonException($"label '{l.Label}' or probabilities invalid");
                }

                labels.Add(new PoolLabel(new PoolMention(l.Dataset, l.Id, l.SentenceStart, l.SentenceLength, l.From, l.To, l.Hash), l.Label, l.P.Select(p => (float)p).ToArray()));
            }
            catch (JsonException ex)
            {
                throw new InputFormatException(path, lineNumber, ex.Message, ex);
            }
        }

        return labels;
    }

    /// <summary>
    /// Joins labels with their text: each dataset named in <paramref name="datasets"/> (name → file) is read once;
    /// article datasets are cleaned again the same way, so the stored offsets find the same sentence.
    /// </summary>
    /// <exception cref="DistillationDataException">A dataset is not given, an id is missing, or a sentence's hash differs.</exception>
    public static async Task<List<(StanceInput Input, PoolLabel Label)>> ResolveAsync(
        IReadOnlyList<PoolLabel> labels, IReadOnlyDictionary<string, string> datasets, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(datasets);
        var resolved = new List<(StanceInput, PoolLabel)>(labels.Count);
        foreach (var group in labels.GroupBy(l => l.Mention.Dataset, StringComparer.Ordinal))
        {
            if (!datasets.TryGetValue(group.Key, out var path))
            {
                throw new DistillationDataException($"The distillation labels name dataset '{group.Key}'; give it with --dataset {group.Key}=PATH.");
            }

            var texts = await TextsAsync(group.Key, ResolveFile(group.Key, path), group.Select(l => l.Mention.Id).ToHashSet(StringComparer.Ordinal), cancellationToken);
            foreach (var label in group)
            {
                var m = label.Mention;
                if (!texts.TryGetValue(m.Id, out var text) || m.SentenceStart + m.SentenceLength > text.Length)
                {
                    throw new DistillationDataException($"{group.Key} item '{m.Id}' ({path}) is missing or shorter than the stored offsets.");
                }

                var sentence = text.Substring(m.SentenceStart, m.SentenceLength);
                if (Hash(sentence) != m.SentenceHash)
                {
                    throw new DistillationDataException($"{group.Key} item '{m.Id}' ({path}): the sentence at {m.SentenceStart} has changed (hash mismatch); relabel the pool.");
                }

                resolved.Add((new StanceInput(sentence, m.From, m.To), label));
            }
        }

        return resolved;
    }

    /// <summary>A folder given for a dataset means its one JSONL file (NewsMTSC: train.jsonl).</summary>
    public static string ResolveFile(string dataset, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!Directory.Exists(path))
        {
            return path;
        }

        if (dataset == NewsMtsc)
        {
            return Path.Combine(path, "train.jsonl");
        }

        return Directory.EnumerateFiles(path, "*.jsonl").Order(StringComparer.Ordinal).FirstOrDefault()
            ?? throw new DistillationDataException($"No .jsonl file in {path} for dataset '{dataset}'.");
    }

    internal static string Hash(string sentence) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sentence)))[..12];

    private static async Task<Dictionary<string, string>> TextsAsync(string dataset, string path, HashSet<string> ids, CancellationToken cancellationToken)
    {
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        if (dataset == NewsMtsc)
        {
            foreach (var r in await NewsMtscReader.ReadAsync(path, cancellationToken))
            {
                if (ids.Contains(r.Id))
                {
                    texts[r.Id] = r.Sentence;
                }
            }

            return texts;
        }

        var cleaner = new TextCleaner();
        foreach (var (id, article) in ReadArticles(path))
        {
            if (ids.Contains(id))
            {
                texts[id] = cleaner.Clean(article).Text;
            }
        }

        return texts;
    }

    private static IEnumerable<(string Id, RawArticle Article)> ReadArticles(string path)
    {
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            JsonDocument doc;
            try
            {
                doc = JsonDocument.Parse(line);
            }
            catch (JsonException ex)
            {
                throw new InputFormatException(path, lineNumber, $"invalid JSON ({ex.Message})", ex);
            }

            using (doc)
            {
                var root = doc.RootElement;
                if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("id", out var idElement)
                    || idElement.ValueKind is not (JsonValueKind.String or JsonValueKind.Number))
                {
                    throw new InputFormatException(path, lineNumber, "field \"id\": missing (an article JSONL line needs a string or number id)");
                }

                var title = root.TryGetProperty("title", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
                var text = root.TryGetProperty("text", out var x) && x.ValueKind == JsonValueKind.String ? x.GetString() ?? string.Empty : string.Empty;
                yield return (idElement.ToString(), new RawArticle { Title = title, Text = text, SourcePath = path });
            }
        }
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private sealed record LabelLine(string Dataset, string Id, int SentenceStart, int SentenceLength, int From, int To, string Hash, string Label, double[] P);
}
