using System.Text.Json;
using System.Text.Json.Serialization;

namespace ThreatScorer.Encoders;

/// <summary>
/// The exported classification head (head.json): what a C# dense head needs over the fine-tuned encoder's
/// <c>last_hidden_state</c>, with no torch at serving time. Pooling: [mean over every token ([CLS]…[SEP]) ; mean over
/// the target's word pieces], then logits = W · pooled + b, softmax over <see cref="Labels"/>.
/// </summary>
public sealed record StanceHead(
    [property: JsonPropertyName("labels")] string[] Labels,
    [property: JsonPropertyName("pooling")] string Pooling,
    [property: JsonPropertyName("hidden")] int Hidden,
    [property: JsonPropertyName("weight")] float[][] Weight,
    [property: JsonPropertyName("bias")] float[] Bias)
{
    /// <summary>Pooled blocks: sentence mean, target mean.</summary>
    public const int Pools = 2;

    public const string PoolingDescription = "concat(mean over all tokens [CLS]..[SEP], mean over the target's word pieces)";

    public static readonly string[] StanceLabels = ["negative", "neutral", "positive"];

    private static readonly JsonSerializerOptions Options = new() { WriteIndented = false };

    public static StanceHead FromFlat(float[] weight, float[] bias, int hidden)
    {
        ArgumentNullException.ThrowIfNull(weight);
        var width = Pools * hidden;
        var rows = Enumerable.Range(0, bias.Length).Select(r => weight.AsSpan(r * width, width).ToArray()).ToArray();
        return new StanceHead(StanceLabels, PoolingDescription, hidden, rows, bias);
    }

    public string ToJson() => JsonSerializer.Serialize(this, Options);

    /// <exception cref="InvalidDataException">Not a head file, or its shapes do not agree (the field is named).</exception>
    public static StanceHead Parse(string json, string sourceName)
    {
        StanceHead? head;
        try
        {
            head = JsonSerializer.Deserialize<StanceHead>(json, Options);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{sourceName}: invalid JSON ({ex.Message})", ex);
        }

        if (head?.Labels is null || head.Weight is null || head.Bias is null)
        {
            throw new InvalidDataException($"{sourceName}: needs \"labels\", \"weight\" and \"bias\"");
        }

        if (head.Weight.Length != head.Labels.Length || head.Bias.Length != head.Labels.Length)
        {
            throw new InvalidDataException($"{sourceName}: \"weight\" has {head.Weight.Length} rows and \"bias\" {head.Bias.Length} values for {head.Labels.Length} labels");
        }

        var bad = Array.FindIndex(head.Weight, row => row is null || row.Length != Pools * head.Hidden);
        if (bad >= 0)
        {
            throw new InvalidDataException($"{sourceName}: \"weight\" row {bad} is not {Pools} × hidden ({Pools * head.Hidden}) long");
        }

        return head;
    }

    /// <summary>Logits for one target from one sentence's row-major [tokens × hidden] states.</summary>
    public float[] Logits(ReadOnlySpan<float> states, int tokens, int targetStart, int targetEnd)
    {
        if (states.Length < tokens * Hidden || targetStart < 0 || targetEnd > tokens || targetStart >= targetEnd)
        {
            throw new ArgumentException($"states of {states.Length} floats, {tokens} tokens, target [{targetStart}, {targetEnd}) do not agree");
        }

        var pooled = new float[Pools * Hidden];
        for (var t = 0; t < tokens; t++)
        {
            var row = states.Slice(t * Hidden, Hidden);
            for (var d = 0; d < Hidden; d++)
            {
                pooled[d] += row[d] / tokens;
                if (t >= targetStart && t < targetEnd)
                {
                    pooled[Hidden + d] += row[d] / (targetEnd - targetStart);
                }
            }
        }

        var logits = new float[Labels.Length];
        for (var c = 0; c < logits.Length; c++)
        {
            var sum = (double)Bias[c];
            for (var i = 0; i < pooled.Length; i++)
            {
                sum += (double)Weight[c][i] * pooled[i];
            }

            logits[c] = (float)sum;
        }

        return logits;
    }
}
