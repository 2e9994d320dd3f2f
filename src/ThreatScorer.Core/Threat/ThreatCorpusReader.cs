using System.Text.Json;
using ThreatScorer.Core.Models;
using ThreatScorer.Core.Training;

namespace ThreatScorer.Core.Threat;

/// <summary>
/// Reads the team's threat corpus (JSONL files, or folders of them). Lines with a <c>ref</c> instead of
/// <c>text</c> point into a third-party dataset (e.g. <c>{"dataset":"newsmtsc","file":"train.jsonl","id":"…"}</c>);
/// they are joined with that dataset when its folder is given, and counted as unresolved otherwise.
/// </summary>
public static class ThreatCorpusReader
{
    /// <summary>What was read: the examples, and how many referenced items could not be joined.</summary>
    public sealed record Corpus(IReadOnlyList<ThreatExample> Examples, int UnresolvedReferences, IReadOnlyList<string> Files);

    /// <summary>Reads every <c>.jsonl</c> file in <paramref name="paths"/> (files or folders, folders not recursive).</summary>
    /// <param name="paths">Files or folders.</param>
    /// <param name="datasets">Dataset name → folder, for joining references (e.g. "newsmtsc" → ../shared/data/newsmtsc).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="InputFormatException">A malformed line (file, line, field).</exception>
    public static async Task<Corpus> ReadAsync(
        IEnumerable<string> paths, IReadOnlyDictionary<string, string> datasets, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(datasets);
        var files = ExpandFiles(paths);
        var lookups = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
        var examples = new List<ThreatExample>();
        var unresolved = 0;
        foreach (var file in files)
        {
            var lineNumber = 0;
            foreach (var line in await File.ReadAllLinesAsync(file, cancellationToken))
            {
                lineNumber++;
                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }

                try
                {
                    var example = await ParseAsync(line, file, datasets, lookups, cancellationToken);
                    if (example is null)
                    {
                        unresolved++;
                    }
                    else
                    {
                        examples.Add(example with { CorpusFile = Path.GetFileNameWithoutExtension(file) });
                    }
                }
                catch (JsonException ex)
                {
                    throw new InputFormatException(file, lineNumber, $"invalid JSON ({ex.Message})", ex);
                }
                catch (FormatException ex)
                {
                    throw new InputFormatException(file, lineNumber, ex.Message, ex);
                }
            }
        }

        return new Corpus(examples, unresolved, files);
    }

    /// <summary>The .jsonl files named by <paramref name="paths"/>, sorted so reading order (and the model) is stable.</summary>
    public static IReadOnlyList<string> ExpandFiles(IEnumerable<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var files = new List<string>();
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                files.AddRange(Directory.EnumerateFiles(path, "*.jsonl").Order(StringComparer.Ordinal));
            }
            else if (File.Exists(path))
            {
                files.Add(path);
            }
            else
            {
                throw new FileNotFoundException($"No such file or folder: {Path.GetFullPath(path)}", path);
            }
        }

        return files;
    }

    /// <summary>Deterministic train/dev split by source group: about one group in five goes to dev.</summary>
    public static bool IsDev(ThreatExample example)
    {
        ArgumentNullException.ThrowIfNull(example);
        return IsDevGroup(example.Group);
    }

    /// <summary>Group names of real-text items (third-party text with team labels, <c>r-*.jsonl</c>) start with this.</summary>
    public const string RealTextGroupPrefix = "r-";

    /// <summary>
    /// Whether a group name falls in the dev split, by a hash of the name: h = SHA-256("threat-split:" + group) in
    /// lower-case hex. Team groups: h starts with 0, 1 or 2 (3/16, about one group in five). Real-text groups
    /// (<see cref="RealTextGroupPrefix"/>): h's first two hex digits are below "33" (51/256, about 20 %), so
    /// every real source keeps a fixed dev part of roughly a fifth of its groups that is never trained on.
    /// </summary>
    public static bool IsDevGroup(string group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var hash = Storage.Hashing.Sha256Hex("threat-split:" + group);
        return group.StartsWith(RealTextGroupPrefix, StringComparison.Ordinal)
            ? string.CompareOrdinal(hash, 0, "33", 0, 2) < 0
            : hash[0] is '0' or '1' or '2';
    }

    /// <summary>The name team dev groups are reported under.</summary>
    public const string TeamPart = "team";

    /// <summary>
    /// The part of the corpus an example is reported under: real-text items (<see cref="RealTextGroupPrefix"/>
    /// groups) by their corpus file (e.g. <c>r-cep</c>; the group name up to its last <c>-g</c> when the file is
    /// unknown), every other item as <see cref="TeamPart"/>.
    /// </summary>
    public static string PartName(ThreatExample example)
    {
        ArgumentNullException.ThrowIfNull(example);
        if (!example.Group.StartsWith(RealTextGroupPrefix, StringComparison.Ordinal))
        {
            return TeamPart;
        }

        if (example.CorpusFile.Length > 0)
        {
            return example.CorpusFile;
        }

        var cut = example.Group.LastIndexOf("-g", StringComparison.Ordinal);
        return cut > 0 ? example.Group[..cut] : example.Group;
    }

    private static async Task<ThreatExample?> ParseAsync(
        string line,
        string file,
        IReadOnlyDictionary<string, string> datasets,
        Dictionary<string, IReadOnlyDictionary<string, string>> lookups,
        CancellationToken cancellationToken)
    {
        using var doc = JsonDocument.Parse(line);
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"expected a JSON object, got {JsonLineFields.Kind(root)}");
        }

        var id = JsonLineFields.RequiredString(root, "id");
        var level = Choice(JsonLineFields.RequiredString(root, "threat_level"), ThreatLabels.Levels, "threat_level");
        // Exported analyst corrections carry no interaction class (nobody judged it): "" = unknown, skipped by that model.
        var interaction = root.TryGetProperty("interaction", out var i) && i.ValueKind != JsonValueKind.Null
            ? Choice(JsonLineFields.RequiredString(root, "interaction"), ThreatLabels.Interactions, "interaction")
            : string.Empty;
        var group = JsonLineFields.RequiredString(root, "group");
        var provenance = root.TryGetProperty("provenance", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString()! : "team";
        if (!root.TryGetProperty("kinds", out var kindsElement) || kindsElement.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException("field \"kinds\" must be an array of kind names");
        }

        var kinds = new List<string>();
        foreach (var kind in kindsElement.EnumerateArray())
        {
            kinds.Add(Choice(kind.ValueKind == JsonValueKind.String ? kind.GetString()! : kind.GetRawText(), ThreatLabels.Kinds, "kinds"));
        }

        string text;
        string source;
        if (root.TryGetProperty("text", out _))
        {
            text = JsonLineFields.RequiredString(root, "text");
            source = Path.GetFileName(file);
        }
        else if (root.TryGetProperty("ref", out var reference) && reference.ValueKind == JsonValueKind.Object)
        {
            var dataset = JsonLineFields.RequiredString(reference, "dataset");
            var refFile = JsonLineFields.RequiredString(reference, "file");
            var refId = JsonLineFields.RequiredString(reference, "id");
            if (!datasets.TryGetValue(dataset, out var configured))
            {
                return null;
            }

            var path = Path.Combine(ReferencedTextSources.Folder(configured), refFile);
            if (!File.Exists(path))
            {
                // The dataset is not on this machine (a clone without the shared data): skipped, as an unmapped one.
                return null;
            }

            var key = dataset + "/" + Path.GetFullPath(path);
            if (!lookups.TryGetValue(key, out var lookup))
            {
                lookup = await ReferencedTextSources.LoadAsync(dataset, path, cancellationToken);
                lookups[key] = lookup;
            }

            var record = lookup.TryGetValue(refId, out var found)
                ? found
                : throw new FormatException($"field \"ref.id\": id \"{refId}\" is not in {path}");
            text = Span(record, reference, refId, path);
            source = $"{dataset}:{refFile}";
        }
        else
        {
            throw new FormatException("one of \"text\" or \"ref\" is required");
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            throw new FormatException("field \"text\" is empty");
        }

        return new ThreatExample(id, text, level, kinds, interaction, group, provenance, source);
    }

    /// <summary>
    /// The referenced part of a record: <c>ref.start</c>/<c>ref.length</c> in UTF-16 code units (C# string indexes;
    /// both absent = the whole record), checked against <c>ref.sha256</c> (the first 16 hex digits of the SHA-256 of
    /// the part's UTF-8 bytes) when that is given.
    /// </summary>
    private static string Span(string record, JsonElement reference, string refId, string path)
    {
        var hasStart = reference.TryGetProperty("start", out _);
        var hasLength = reference.TryGetProperty("length", out _);
        string text;
        if (!hasStart && !hasLength)
        {
            text = record;
        }
        else
        {
            var start = RequiredIntField(reference, "start");
            var length = RequiredIntField(reference, "length");
            if (start < 0 || length <= 0 || start > record.Length - length)
            {
                throw new FormatException(
                    $"field \"ref.start\"/\"ref.length\": span {start}+{length} is out of range for record \"{refId}\" in {path} ({record.Length} UTF-16 units)");
            }

            text = record.Substring(start, length);
        }

        if (reference.TryGetProperty("sha256", out var hashElement))
        {
            var expected = hashElement.ValueKind == JsonValueKind.String
                ? hashElement.GetString()!
                : throw new FormatException($"field \"ref.sha256\" must be a string, not {JsonLineFields.Kind(hashElement)}");
            var actual = Storage.Hashing.Sha256Hex(text)[..16];
            if (!string.Equals(expected, actual, StringComparison.OrdinalIgnoreCase))
            {
                throw new FormatException(
                    $"field \"ref.sha256\": \"{expected}\" does not match the referenced text of record \"{refId}\" in {path} (sha256 {actual}); the upstream file or the span changed");
            }
        }

        return text;
    }

    private static int RequiredIntField(JsonElement reference, string name)
    {
        try
        {
            return JsonLineFields.RequiredInt(reference, name);
        }
        catch (FormatException ex)
        {
            throw new FormatException($"field \"ref.{name}\": {ex.Message}", ex);
        }
    }

    private static string Choice(string value, IReadOnlyList<string> allowed, string field) =>
        allowed.IndexOf(value) >= 0
            ? value
            : throw new FormatException($"field \"{field}\": \"{value}\" is not one of {string.Join(", ", allowed)}");
}
