using System.Text.Json;
using System.Text.Json.Nodes;
using ThreatScorer.Core.Models;

namespace ThreatScorer.Core.Training;

/// <summary>Applies <c>name=value</c> overrides (as given to <c>threatscorer train --set</c>) to a task's defaults.</summary>
public static class Hyperparameters
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The task's defaults with the overrides applied; null when there are no overrides.</summary>
    /// <exception cref="FormatException">An override is not <c>name=value</c>, names no setting, or has a bad value.</exception>
    public static TextClassifierHyperparameters? Override(string task, IReadOnlyList<string> overrides)
    {
        ArgumentNullException.ThrowIfNull(overrides);
        if (overrides.Count == 0 || task is ModelTasks.Threat or ModelTasks.Interaction)
        {
            return null;
        }

        var defaults = task switch
        {
            ModelTasks.Stance => TextClassifierHyperparameters.StanceDefault,
            ModelTasks.Sentiment => TextClassifierHyperparameters.SentimentDefault,
            ModelTasks.StanceTeacher => TextClassifierHyperparameters.StanceTeacherDefault,
            _ => throw new FormatException($"--set is not supported for task '{task}'"),
        };
        return Apply(defaults, overrides);
    }

    /// <summary>Threat and interaction settings with the overrides applied; null when there are none or the task is another.</summary>
    /// <exception cref="FormatException">An override is not <c>name=value</c>, names no setting, or has a bad value.</exception>
    public static Threat.ThreatHyperparameters? OverrideThreat(string task, IReadOnlyList<string> overrides)
    {
        ArgumentNullException.ThrowIfNull(overrides);
        return overrides.Count == 0 || task is not (ModelTasks.Threat or ModelTasks.Interaction)
            ? null
            : Apply(Threat.ThreatHyperparameters.Default, overrides);
    }

    private static T Apply<T>(T defaults, IReadOnlyList<string> overrides)
    {
        var node = JsonSerializer.SerializeToNode(defaults, Json)!.AsObject();
        // Settings left out of the JSON while unset (null) are still settable; static members (the defaults) are not settings.
        var known = node.Select(p => p.Key)
            .Concat(typeof(T).GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance)
                .Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name)))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        foreach (var item in overrides)
        {
            var eq = item.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new FormatException($"--set {item}: expected name=value");
            }

            var name = item[..eq].Trim();
            var key = known.FirstOrDefault(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase))
                ?? throw new FormatException($"--set {item}: unknown setting '{name}'; known: {string.Join(", ", known)}");
            var value = item[(eq + 1)..].Trim();
            CheckType<T>(item, key, value);
            node[key] = double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var number)
                ? JsonValue.Create(number)
                : bool.TryParse(value, out var flag) ? JsonValue.Create(flag) : JsonValue.Create(value);
        }

        try
        {
            return node.Deserialize<T>(Json)!;
        }
        catch (JsonException ex)
        {
            throw new FormatException($"--set: a value has the wrong type ({ex.Message})", ex);
        }
    }

    /// <summary>Names the setting and the kind of value it takes when <paramref name="value"/> cannot be one.</summary>
    private static void CheckType<T>(string item, string key, string value)
    {
        var property = typeof(T).GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance)
            .FirstOrDefault(p => string.Equals(JsonNamingPolicy.CamelCase.ConvertName(p.Name), key, StringComparison.Ordinal));
        if (property is null)
        {
            return;
        }

        var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        var isWhole = type == typeof(int) || type == typeof(long);
        if (isWhole || type == typeof(double) || type == typeof(float))
        {
            if (!double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var number))
            {
                throw new FormatException($"--set {item}: '{key}' takes a number, not '{value}'");
            }

            if (isWhole && number != Math.Floor(number))
            {
                throw new FormatException($"--set {item}: '{key}' takes a whole number, not '{value}'");
            }
        }

        if (type == typeof(bool) && !bool.TryParse(value, out _))
        {
            throw new FormatException($"--set {item}: '{key}' takes true or false, not '{value}'");
        }
    }
}
