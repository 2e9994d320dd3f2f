using System.Text.Json;

namespace ThreatScorer.Core.Models;

/// <summary>
/// Loads a stance version folder by the kind its metrics.json names (<c>"kind"</c>; absent = <see cref="NgramKind"/>),
/// so the registry's ACTIVE pointer chooses the kind: promote, rollback and evaluate work the same for every kind.
/// Kinds other than n-gram live in assemblies Core does not reference (the MiniLM encoder in ThreatScorer.Encoders);
/// the hosts that carry them register their <see cref="IStanceModelKind"/> here.
/// </summary>
public sealed class StanceModelLoader
{
    /// <summary>The kind of the ML.NET n-gram model (<see cref="StanceModel"/>).</summary>
    public const string NgramKind = "ngram";

    private readonly Dictionary<string, IStanceModelKind> _kinds;

    public StanceModelLoader(IEnumerable<IStanceModelKind> kinds)
    {
        ArgumentNullException.ThrowIfNull(kinds);
        _kinds = kinds.ToDictionary(k => k.Kind, StringComparer.Ordinal);
        if (_kinds.ContainsKey(NgramKind))
        {
            throw new ArgumentException($"The '{NgramKind}' kind is built in.", nameof(kinds));
        }
    }

    /// <summary>A loader for processes without other kinds: an encoder version fails to load with a message saying so.</summary>
    public static StanceModelLoader NgramOnly { get; } = new([]);

    /// <summary>The kinds this loader reads, n-gram first.</summary>
    public IEnumerable<string> Kinds => _kinds.Keys.Prepend(NgramKind);

    /// <summary>The kind named by a version folder's metrics.json (n-gram when it names none).</summary>
    /// <exception cref="ModelLoadException">metrics.json is missing, not JSON, or its <c>kind</c> is not a string.</exception>
    public static string KindOf(string modelDirectory) => KindOf(ModelFolder.Open(modelDirectory, ModelTasks.Stance).Metadata, modelDirectory);

    internal static string KindOf(JsonElement metadata, string modelDirectory)
    {
        if (!metadata.TryGetProperty("kind", out var kind))
        {
            return NgramKind;
        }

        return kind.ValueKind == JsonValueKind.String && kind.GetString() is { Length: > 0 } name
            ? name
            : throw new ModelLoadException(Path.Combine(Path.GetFullPath(modelDirectory), ModelRegistry.MetricsFileName), "'kind' must be a non-empty string");
    }

    /// <summary>Loads a stance version folder of any registered kind.</summary>
    /// <param name="modelDirectory">The version folder.</param>
    /// <param name="gazetteerPath">For n-gram models that read the target type; null = the one of the folder's models root.</param>
    /// <exception cref="ModelLoadException">Missing, corrupt, or of a kind this process cannot load; the message names the path.</exception>
    public IStanceModel Load(string modelDirectory, string? gazetteerPath = null)
    {
        var (_, _, metadata) = ModelFolder.Open(modelDirectory, ModelTasks.Stance);
        var kind = KindOf(metadata, modelDirectory);
        if (kind == NgramKind)
        {
            return StanceModel.Load(modelDirectory, gazetteerPath);
        }

        return _kinds.TryGetValue(kind, out var loader)
            ? loader.Load(Path.GetFullPath(modelDirectory), metadata)
            : throw new ModelLoadException(
                Path.GetFullPath(modelDirectory),
                $"a '{kind}' stance model, which this program cannot load (it loads: {string.Join(", ", Kinds)})");
    }

    /// <summary>Loads the ACTIVE stance version under a models root.</summary>
    public IStanceModel LoadActive(string modelsRoot) =>
        Load(ModelRegistry.ResolveActiveDirectory(modelsRoot, ModelTasks.Stance), Path.Combine(modelsRoot, Scoring.ScoringModels.GazetteerRelativePath));
}
