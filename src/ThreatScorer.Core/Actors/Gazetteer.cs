using System.Text.Json;
using System.Text.Json.Serialization;

namespace ThreatScorer.Core.Actors;

/// <summary>Where part of a gazetteer came from: a file, its SHA-256 and the licence it is used under.</summary>
public sealed record GazetteerSource(string Name, string File, string Sha256, string Licence);

/// <summary>
/// The actor gazetteer: every actor the recogniser knows, with its aliases, plus a header naming the sources and
/// their licences. Built by <see cref="GazetteerBuilder"/>, saved as compact JSON (models/actors/gazetteer.json) and
/// loaded once at worker start.
/// </summary>
public sealed class Gazetteer
{
    /// <summary>The format tag written in the file header; a file with another tag is rejected.</summary>
    public const string FormatTag = "threatscorer-gazetteer/1";

    private readonly Dictionary<string, Actor> _byId;

    public Gazetteer(IReadOnlyList<Actor> actors, IReadOnlyList<GazetteerSource> sources)
    {
        ArgumentNullException.ThrowIfNull(actors);
        ArgumentNullException.ThrowIfNull(sources);
        Actors = actors;
        Sources = sources;
        _byId = new Dictionary<string, Actor>(actors.Count, StringComparer.Ordinal);
        foreach (var actor in actors)
        {
            if (!_byId.TryAdd(actor.Id, actor))
            {
                throw new ArgumentException($"Duplicate actor id '{actor.Id}'.", nameof(actors));
            }
        }
    }

    public IReadOnlyList<Actor> Actors { get; }

    public IReadOnlyList<GazetteerSource> Sources { get; }

    /// <summary>The actor with this id, or null.</summary>
    public Actor? Find(string id) => _byId.GetValueOrDefault(id);

    /// <summary>Counts of actors and aliases (name included) per type, for reports.</summary>
    public GazetteerSummary Summarise(long fileBytes = 0)
    {
        var actors = new Dictionary<ActorType, int>();
        var aliases = new Dictionary<ActorType, int>();
        foreach (var actor in Actors)
        {
            actors[actor.Type] = actors.GetValueOrDefault(actor.Type) + 1;
            aliases[actor.Type] = aliases.GetValueOrDefault(actor.Type) + 1 + actor.Aliases.Count;
        }

        return new GazetteerSummary(Actors.Count, aliases.Values.Sum(), actors, aliases, fileBytes);
    }

    /// <summary>Writes the gazetteer as compact UTF-8 JSON (one actor per line, so diffs stay readable).</summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        using var stream = File.Create(path);
        using var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(false));
        var header = new GazetteerHeader(FormatTag, [.. Sources]);
        writer.Write("{\"header\":");
        writer.Write(JsonSerializer.Serialize(header, GazetteerJsonContext.Relaxed.GazetteerHeader));
        writer.Write(",\n\"actors\":[");
        for (var i = 0; i < Actors.Count; i++)
        {
            var a = Actors[i];
            var entry = new ActorEntry(a.Id, a.Name, a.Type, a.Country, a.Aliases.Count == 0 ? null : [.. a.Aliases]);
            writer.Write(i == 0 ? "\n" : ",\n");
            writer.Write(JsonSerializer.Serialize(entry, GazetteerJsonContext.Relaxed.ActorEntry));
        }

        writer.Write("\n]}\n");
    }

    /// <summary>
    /// Loads a gazetteer saved by <see cref="Save"/>. A missing file throws <see cref="FileNotFoundException"/> and a
    /// corrupt one <see cref="InvalidDataException"/>; both messages name the path and the reason.
    /// </summary>
    public static Gazetteer Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Actor gazetteer not found at '{Path.GetFullPath(path)}'.", path);
        }

        GazetteerDocument? document;
        try
        {
            using var stream = File.OpenRead(path);
            document = JsonSerializer.Deserialize(stream, GazetteerJsonContext.Default.GazetteerDocument);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"Actor gazetteer '{path}' is corrupt: {ex.Message}", ex);
        }

        if (document?.Header is null || document.Actors is null)
        {
            throw new InvalidDataException($"Actor gazetteer '{path}' is corrupt: header or actors missing.");
        }

        if (document.Header.Format != FormatTag)
        {
            throw new InvalidDataException(
                $"Actor gazetteer '{path}' has format '{document.Header.Format}', expected '{FormatTag}'.");
        }

        var actors = new Actor[document.Actors.Count];
        for (var i = 0; i < actors.Length; i++)
        {
            var e = document.Actors[i];
            if (e is null || string.IsNullOrWhiteSpace(e.Id) || string.IsNullOrWhiteSpace(e.Name))
            {
                throw new InvalidDataException($"Actor gazetteer '{path}' is corrupt: actor #{i} has no id or name.");
            }

            actors[i] = new Actor(e.Id, e.Name, e.Type, e.Country, e.Aliases is null ? [] : e.Aliases);
        }

        try
        {
            return new Gazetteer(actors, document.Header.Sources ?? []);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidDataException($"Actor gazetteer '{path}' is corrupt: {ex.Message}", ex);
        }
    }
}

/// <summary>Size of a gazetteer: actors and aliases per type, and the file size when known.</summary>
public sealed record GazetteerSummary(
    int ActorCount,
    int AliasCount,
    IReadOnlyDictionary<ActorType, int> ActorsByType,
    IReadOnlyDictionary<ActorType, int> AliasesByType,
    long FileBytes)
{
    public override string ToString()
    {
        var types = string.Join(", ", ActorsByType.OrderBy(p => p.Key).Select(
            p => $"{p.Key} {p.Value} actors/{AliasesByType.GetValueOrDefault(p.Key)} names"));
        return $"{ActorCount} actors, {AliasCount} names ({types}); {FileBytes / 1024.0:F0} KiB";
    }
}

internal sealed record GazetteerHeader(string Format, List<GazetteerSource>? Sources);

internal sealed record ActorEntry(
    string Id,
    string Name,
    ActorType Type,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Country,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] List<string>? Aliases);

internal sealed record GazetteerDocument(GazetteerHeader? Header, List<ActorEntry?>? Actors);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true)]
[JsonSerializable(typeof(GazetteerDocument))]
[JsonSerializable(typeof(GazetteerHeader))]
[JsonSerializable(typeof(ActorEntry))]
internal sealed partial class GazetteerJsonContext : JsonSerializerContext
{
    /// <summary>Writes names as they are ("Côte d'Ivoire", not "C\u00F4te d\u0027Ivoire"); the file is never embedded in HTML.</summary>
    public static GazetteerJsonContext Relaxed { get; } = new(new JsonSerializerOptions
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter<ActorType>() },
    });
}
