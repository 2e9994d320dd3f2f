using System.Text.Json;
using Microsoft.ML;

namespace ThreatScorer.Core.Models;

/// <summary>Opening a version folder: metrics.json (task, version, hyperparameters) and ML.NET zips.</summary>
internal static class ModelFolder
{
    public static (MLContext Ml, string Version, JsonElement Metadata) Open(string modelDirectory, string task)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelDirectory);
        var dir = Path.GetFullPath(modelDirectory);
        if (!Directory.Exists(dir))
        {
            throw new ModelLoadException(dir, "model directory does not exist");
        }

        var metricsPath = Path.Combine(dir, ModelRegistry.MetricsFileName);
        if (!File.Exists(metricsPath))
        {
            throw new ModelLoadException(metricsPath, "metrics.json is missing (it carries the version and settings)");
        }

        JsonElement metadata;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(metricsPath));
            metadata = doc.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new ModelLoadException(metricsPath, $"metrics.json is not valid JSON ({ex.Message})", ex);
        }

        if (metadata.ValueKind != JsonValueKind.Object
            || !metadata.TryGetProperty("task", out var t) || t.ValueKind != JsonValueKind.String
            || !metadata.TryGetProperty("version", out var v) || v.ValueKind != JsonValueKind.String)
        {
            throw new ModelLoadException(metricsPath, "metrics.json lacks string fields 'task' and 'version'");
        }

        if (t.GetString() != task)
        {
            throw new ModelLoadException(dir, $"this is a '{t.GetString()}' model, not a '{task}' model");
        }

        return (new MLContext(seed: 1), v.GetString()!, metadata);
    }

    public static ITransformer LoadZip(MLContext ml, string path)
    {
        if (!File.Exists(path))
        {
            throw new ModelLoadException(Path.GetFullPath(path), "model file is missing");
        }

        try
        {
            using var stream = File.OpenRead(path);
            return ml.Model.Load(stream, out _);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new ModelLoadException(Path.GetFullPath(path), $"model file is corrupt or unreadable ({ex.GetType().Name}: {ex.Message})", ex);
        }
    }

    public static Dictionary<string, float> ToDistribution(float[] scores, IReadOnlyList<string> labels)
    {
        if (scores.Length != labels.Count)
        {
            throw new InvalidOperationException($"The model returned {scores.Length} class scores; expected {labels.Count}.");
        }

        var distribution = new Dictionary<string, float>(labels.Count, StringComparer.Ordinal);
        for (var i = 0; i < labels.Count; i++)
        {
            distribution[labels[i]] = scores[i];
        }

        return distribution;
    }

    /// <summary>Whether the model was trained with actor-type tokens (hyperparameter <c>actorFeatures</c>, default true).</summary>
    public static bool UsesActorFeatures(JsonElement metadata) =>
        !(metadata.TryGetProperty("hyperparameters", out var hp)
          && hp.TryGetProperty("actorFeatures", out var flag) && flag.ValueKind == JsonValueKind.False);

    /// <summary>
    /// Runs one prediction right after loading so a model that does not fit its input rows fails at start, with the
    /// folder in the message, not on the first article.
    /// </summary>
    public static T Checked<T>(T model, string modelDirectory, string task, Action<T> predictOnce)
    {
        try
        {
            predictOnce(model);
            return model;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new ModelLoadException(Path.GetFullPath(modelDirectory), $"the model does not match the {task} inputs ({ex.Message})", ex);
        }
    }
}
