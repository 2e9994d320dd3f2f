using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ThreatScorer.Core.Training;

/// <summary>
/// metrics.json of a version folder, as every trainer writes it: the header the loaders need (task, version, date,
/// seed, fingerprint, hyperparameters) first, the measurements added after evaluation.
/// </summary>
internal static class ModelMetrics
{
    /// <summary>camelCase, indented: metrics.json, and the hyperparameters as hashed into fingerprints.</summary>
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
    };

    public static JsonObject Header(string task, string version, DateTimeOffset created, int seed, string fingerprint, JsonNode? hyperparameters) => new()
    {
        ["task"] = task,
        ["version"] = version,
        ["createdUtc"] = created.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        ["seed"] = seed,
        ["fingerprint"] = fingerprint,
        ["hyperparameters"] = hyperparameters,
    };

    public static Task WriteAsync(string path, JsonObject metrics, CancellationToken cancellationToken) =>
        File.WriteAllTextAsync(path, metrics.ToJsonString(Json) + "\n", cancellationToken);
}
