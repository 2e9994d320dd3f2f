using System.Text.Json;

namespace ThreatScorer.Core.Models;

/// <summary>
/// One task for <see cref="BatchPredictor"/> (stance, sentiment; later threat, interaction): how to read an input
/// line and how to predict a batch of them.
/// </summary>
public interface IBatchPredictionTask
{
    /// <summary>The task name used on the command line (<c>--task</c>).</summary>
    string Task { get; }

    /// <summary>Validates one JSON object and returns the task's input.</summary>
    /// <exception cref="FormatException">The line is unusable; the message is the reason shown to the user.</exception>
    object ParseInput(JsonElement line);

    /// <summary>Predicts parsed inputs (as returned by <see cref="ParseInput"/>), in order.</summary>
    IReadOnlyList<object> PredictBatch(IReadOnlyList<object> inputs, CancellationToken cancellationToken);

    /// <summary>Writes the fields of one prediction (after <c>"id"</c>) into the output line.</summary>
    void WritePrediction(Utf8JsonWriter json, object prediction);
}

/// <summary>Helpers for reading typed fields of a JSON line with user-facing reasons.</summary>
public static class JsonLineFields
{
    /// <summary>A required string field.</summary>
    /// <exception cref="FormatException">The field is missing or not a string.</exception>
    public static string RequiredString(JsonElement line, string name)
    {
        if (!line.TryGetProperty(name, out var value))
        {
            throw new FormatException($"missing field \"{name}\"");
        }

        return value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new FormatException($"field \"{name}\" must be a string, not {Kind(value)}");
    }

    /// <summary>A required integer field.</summary>
    /// <exception cref="FormatException">The field is missing or not an integer.</exception>
    public static int RequiredInt(JsonElement line, string name)
    {
        if (!line.TryGetProperty(name, out var value))
        {
            throw new FormatException($"missing field \"{name}\"");
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var i)
            ? i
            : throw new FormatException($"field \"{name}\" must be an integer, not {Kind(value)} {value.GetRawText()}");
    }

    /// <summary>The first present field among <paramref name="names"/>, required to be a string.</summary>
    /// <exception cref="FormatException">None is present, or the present one is not a string.</exception>
    public static string RequiredStringOneOf(JsonElement line, params string[] names)
    {
        ArgumentNullException.ThrowIfNull(names);
        foreach (var name in names)
        {
            if (line.TryGetProperty(name, out _))
            {
                return RequiredString(line, name);
            }
        }

        throw new FormatException($"missing field \"{string.Join("\" or \"", names)}\"");
    }

    internal static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => value.ValueKind.ToString(),
    };
}

/// <summary>Batch stance: lines <c>{"id","sentence" (or "text"),"from","to"}</c>, <c>to</c> exclusive (NewsMTSC works).</summary>
public sealed class StanceBatchTask(Func<IStanceModel> model) : IBatchPredictionTask
{
    private readonly Lazy<IStanceModel> _model = new(model);

    /// <inheritdoc />
    public string Task => ModelTasks.Stance;

    /// <inheritdoc />
    public object ParseInput(JsonElement line)
    {
        var sentence = JsonLineFields.RequiredStringOneOf(line, "sentence", "text");
        var from = JsonLineFields.RequiredInt(line, "from");
        var to = JsonLineFields.RequiredInt(line, "to");
        if (from < 0 || to > sentence.Length || from >= to)
        {
            throw new FormatException(
                $"from/to [{from}, {to}) out of range for a sentence of {sentence.Length} characters (need 0 <= from < to <= length)");
        }

        return new StanceInput(sentence, from, to);
    }

    /// <inheritdoc />
    public IReadOnlyList<object> PredictBatch(IReadOnlyList<object> inputs, CancellationToken cancellationToken) =>
        [.. _model.Value.PredictBatch(inputs.Cast<StanceInput>().ToList(), cancellationToken)];

    /// <inheritdoc />
    public void WritePrediction(Utf8JsonWriter json, object prediction) => ClassPredictionJson.Write(json, (ClassPrediction)prediction);
}

/// <summary>Writes <c>"label"</c> and <c>"probabilities"</c> (in the task's own label order).</summary>
public static class ClassPredictionJson
{
    public static void Write(Utf8JsonWriter json, ClassPrediction prediction)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(prediction);
        json.WriteString("label", prediction.Label);
        json.WriteStartObject("probabilities");
        foreach (var (label, p) in prediction.Probabilities)
        {
            json.WriteNumber(label, p);
        }

        json.WriteEndObject();
    }
}

/// <summary>Batch sentiment: lines <c>{"id","text"}</c>.</summary>
public sealed class SentimentBatchTask(Func<SentimentModel> model) : IBatchPredictionTask
{
    private readonly Lazy<SentimentModel> _model = new(model);

    /// <inheritdoc />
    public string Task => ModelTasks.Sentiment;

    /// <inheritdoc />
    public object ParseInput(JsonElement line) => JsonLineFields.RequiredString(line, "text");

    /// <inheritdoc />
    public IReadOnlyList<object> PredictBatch(IReadOnlyList<object> inputs, CancellationToken cancellationToken) =>
        [.. _model.Value.PredictBatch(inputs.Cast<string>().ToList(), cancellationToken)];

    /// <inheritdoc />
    public void WritePrediction(Utf8JsonWriter json, object prediction) => ClassPredictionJson.Write(json, (ClassPrediction)prediction);
}
