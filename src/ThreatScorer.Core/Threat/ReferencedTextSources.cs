using System.Text.Json;
using ThreatScorer.Core.Training;

namespace ThreatScorer.Core.Threat;

/// <summary>
/// Where the text of a labelled item stored by reference lives: one loader per third-party dataset, each
/// reading one file of that dataset into an id → text map. The ids and text fields are documented in
/// seeds/training/threat/GUIDE.md (real-text items) and SOURCES.md.
/// </summary>
public static class ReferencedTextSources
{
    /// <summary>NewsMTSC JSONL: id → sentence.</summary>
    public const string NewsMtsc = "newsmtsc";

    /// <summary>White House statements JSONL {id,title,text,…}: id → text.</summary>
    public const string WhiteHouse = "whitehouse";

    /// <summary>OneStopEnglish articles JSONL {id,title,text,…}: id → text.</summary>
    public const string OneStopEnglish = "onestopenglish";

    /// <summary>WikiTimes Current Events Portal (wikitimes_CEP.json, a JSON array): id → description.</summary>
    public const string WikiTimesCep = "wikitimes-cep-2015-09";

    /// <summary>ISAF press releases JSONL (conversation records): 1-based line number → the press release (human turn, "PRESS RELEASE TEXT: " removed).</summary>
    public const string IsafPressReleases = "isaf-press-releases";

    /// <summary>UCDP GED GeoJSON: feature property id → source_headline (the ';'-joined headlines, verbatim).</summary>
    public const string UcdpGed = "ucdp-ged-car";

    /// <summary>PLOVER gold-standard records (PLOVER_GSR_CAMEO.json, a JSON array): id → text.</summary>
    public const string PloverGsr = "plover-gsr";

    /// <summary>The prefix ISAF's human turn puts before the press release.</summary>
    public const string IsafTextPrefix = "PRESS RELEASE TEXT: ";

    /// <summary>
    /// The folder a dataset's files are in: the configured path itself, or its folder when the configured path is
    /// a file (e.g. whitehouse=../shared/data/whitehouse/statements.jsonl).
    /// </summary>
    public static string Folder(string configuredPath)
    {
        ArgumentNullException.ThrowIfNull(configuredPath);
        return File.Exists(configuredPath) ? Path.GetDirectoryName(Path.GetFullPath(configuredPath))! : configuredPath;
    }

    /// <summary>Reads <paramref name="path"/> as a file of <paramref name="dataset"/> into an id → text map.</summary>
    /// <exception cref="FormatException">The file is not in the dataset's format.</exception>
    public static async Task<IReadOnlyDictionary<string, string>> LoadAsync(string dataset, string path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return dataset switch
        {
            NewsMtsc => await LoadNewsMtscAsync(path, cancellationToken),
            WikiTimesCep => await LoadJsonArrayAsync(path, static e => e, "id", "description", cancellationToken),
            PloverGsr => await LoadJsonArrayAsync(path, static e => e, "id", "text", cancellationToken),
            UcdpGed => await LoadGeoJsonAsync(path, cancellationToken),
            IsafPressReleases => await LoadIsafAsync(path, cancellationToken),
            _ => await LoadIdTextLinesAsync(path, cancellationToken),
        };
    }

    private static async Task<IReadOnlyDictionary<string, string>> LoadNewsMtscAsync(string path, CancellationToken cancellationToken)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var record in await NewsMtscReader.ReadAsync(path, cancellationToken))
        {
            map.TryAdd(record.Id, record.Sentence);
        }

        return map;
    }

    /// <summary>JSONL, one {"id":…,"text":…} object a line (White House, OneStopEnglish, any article JSONL).</summary>
    private static Task<IReadOnlyDictionary<string, string>> LoadIdTextLinesAsync(string path, CancellationToken cancellationToken) =>
        LoadJsonLinesAsync(path, (root, lineNumber) =>
            IdOf(root, "id") is { } id && TextOf(root, "text") is { } text
                ? (id, text)
                : throw new FormatException($"{path}:{lineNumber}: expected an object with string fields \"id\" and \"text\""),
            cancellationToken);

    /// <summary>Every non-blank JSONL line of a dataset file as an (id, text) entry; the first of a repeated id wins.</summary>
    private static async Task<IReadOnlyDictionary<string, string>> LoadJsonLinesAsync(
        string path, Func<JsonElement, int, (string Id, string Text)> entry, CancellationToken cancellationToken)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        var lineNumber = 0;
        foreach (var line in await File.ReadAllLinesAsync(path, cancellationToken))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            using var doc = ParseLine(line, path, lineNumber);
            var (id, text) = entry(doc.RootElement, lineNumber);
            map.TryAdd(id, text);
        }

        return map;
    }

    private static async Task<IReadOnlyDictionary<string, string>> LoadJsonArrayAsync(
        string path, Func<JsonElement, JsonElement> record, string idField, string textField, CancellationToken cancellationToken)
    {
        using var doc = await ParseFileAsync(path, cancellationToken);
        if (doc.RootElement.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException($"{path}: expected a JSON array of records");
        }

        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var element in doc.RootElement.EnumerateArray())
        {
            var item = record(element);
            if (IdOf(item, idField) is { } id && TextOf(item, textField) is { } text)
            {
                map.TryAdd(id, text);
            }
        }

        return map;
    }

    private static async Task<IReadOnlyDictionary<string, string>> LoadGeoJsonAsync(string path, CancellationToken cancellationToken)
    {
        using var doc = await ParseFileAsync(path, cancellationToken);
        if (!doc.RootElement.TryGetProperty("features", out var features) || features.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException($"{path}: expected a GeoJSON FeatureCollection with \"features\"");
        }

        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var feature in features.EnumerateArray())
        {
            if (feature.TryGetProperty("properties", out var properties)
                && IdOf(properties, "id") is { } id
                && TextOf(properties, "source_headline") is { } text)
            {
                map.TryAdd(id, text);
            }
        }

        return map;
    }

    private static Task<IReadOnlyDictionary<string, string>> LoadIsafAsync(string path, CancellationToken cancellationToken) =>
        LoadJsonLinesAsync(path, (root, lineNumber) =>
        {
            string? text = null;
            if (root.TryGetProperty("conversations", out var turns) && turns.ValueKind == JsonValueKind.Array)
            {
                foreach (var turn in turns.EnumerateArray())
                {
                    if (TextOf(turn, "from") == "human" && TextOf(turn, "value") is { } value)
                    {
                        text = value.StartsWith(IsafTextPrefix, StringComparison.Ordinal) ? value[IsafTextPrefix.Length..] : value;
                        break;
                    }
                }
            }

            // ISAF records carry no id: the 1-based line number is the id.
            return (lineNumber.ToString(System.Globalization.CultureInfo.InvariantCulture),
                text ?? throw new FormatException($"{path}:{lineNumber}: expected \"conversations\" with a \"human\" turn"));
        }, cancellationToken);

    /// <summary>One JSONL line of a dataset file; malformed JSON names the dataset file and line.</summary>
    private static JsonDocument ParseLine(string line, string path, int lineNumber)
    {
        try
        {
            return JsonDocument.Parse(line);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"{path}:{lineNumber}: invalid JSON ({ex.Message})", ex);
        }
    }

    /// <summary>A whole-file JSON dataset; malformed JSON names the dataset file.</summary>
    private static async Task<JsonDocument> ParseFileAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        try
        {
            return await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"{path}: invalid JSON ({ex.Message})", ex);
        }
    }

    private static string? IdOf(JsonElement record, string field) =>
        record.ValueKind == JsonValueKind.Object && record.TryGetProperty(field, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number => value.GetRawText(),
                _ => null,
            }
            : null;

    private static string? TextOf(JsonElement record, string field) =>
        record.ValueKind == JsonValueKind.Object && record.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
