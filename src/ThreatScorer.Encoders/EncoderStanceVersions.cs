using System.Text.Json.Nodes;
using ThreatScorer.Core.Models;
using ThreatScorer.Core.Training;

namespace ThreatScorer.Encoders;

/// <summary>
/// Turns a trained stance-teacher folder (<c>models/stance-teacher/&lt;version&gt;</c>) into a stance version of kind
/// <c>encoder</c> (<c>models/stance/stance-&lt;date&gt;-&lt;fingerprint&gt;</c>, same date and fingerprint), so it is evaluated,
/// compared, promoted and rolled back like every stance model. The head is copied byte for byte; metrics.json keeps the
/// teacher's dev numbers and records where it came from.
/// </summary>
public static class EncoderStanceVersions
{
    /// <summary>
    /// Publishes the stance version and returns its folder; <paramref name="activate"/> makes it ACTIVE. With
    /// <paramref name="quantise"/> the version runs the int8 encoder (<see cref="EncoderQuantization"/>): another model, so
    /// another fingerprint, and the teacher's dev numbers are replaced by its own on <paramref name="devFiles"/> (dropped
    /// when none are given). Without it, dev files re-measure the served path beside the teacher's numbers.
    /// </summary>
    /// <exception cref="ModelLoadException">The teacher folder is missing, not a stance teacher, or its files are unreadable.</exception>
    public static async Task<string> FromTeacherAsync(
        string teacherDirectory, string modelsRoot, bool quantise, IReadOnlyList<string> devFiles, EncoderHub hub, bool activate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(devFiles);
        ArgumentNullException.ThrowIfNull(hub);
        ArgumentException.ThrowIfNullOrWhiteSpace(modelsRoot);
        var (_, teacherVersion, _) = ModelFolder.Open(teacherDirectory, ModelTasks.StanceTeacher);
        var source = Path.GetFullPath(teacherDirectory);
        var head = Path.Combine(source, ModelRegistry.ModelFileName);
        if (!File.Exists(head))
        {
            throw new ModelLoadException(head, "model file is missing");
        }

        var metricsPath = Path.Combine(source, ModelRegistry.MetricsFileName);
        var metrics = JsonNode.Parse(await File.ReadAllTextAsync(metricsPath, cancellationToken))!.AsObject();
        var fingerprint = metrics["fingerprint"]?.GetValue<string>() is { Length: >= 8 } f
            ? f
            : throw new ModelLoadException(metricsPath, "metrics.json lacks a 'fingerprint' of at least 8 hex characters");
        var created = metrics["createdUtc"]?.GetValue<DateTimeOffset>()
            ?? throw new ModelLoadException(metricsPath, "metrics.json lacks 'createdUtc'");
        if (quantise)
        {
            fingerprint = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
                System.Text.Encoding.UTF8.GetBytes($"{fingerprint}\nencoderQuantization={EncoderQuantization.Int8Setting}")));
            metrics["fingerprint"] = fingerprint;
            metrics["encoderQuantization"] = EncoderQuantization.Int8Setting;
            metrics.Remove("dev");
            metrics.Remove("batchPredictionsPerSecond");
        }

        var version = ModelRegistry.VersionName(ModelTasks.Stance, created, fingerprint);
        metrics["task"] = ModelTasks.Stance;
        metrics["version"] = version;
        metrics["kind"] = EncoderStanceModel.Kind;
        metrics["teacherVersion"] = teacherVersion;

        var taskDir = Path.GetFullPath(Path.Combine(modelsRoot, ModelTasks.Stance));
        Directory.CreateDirectory(taskDir);
        var staging = Path.Combine(taskDir, $".staging-{version}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging);
        try
        {
            File.Copy(head, Path.Combine(staging, ModelRegistry.ModelFileName));
            await ModelMetrics.WriteAsync(Path.Combine(staging, ModelRegistry.MetricsFileName), metrics, cancellationToken);
            if (devFiles.Count > 0)
            {
                var model = EncoderStanceModel.Load(staging, System.Text.Json.JsonDocument.Parse(metrics.ToJsonString()).RootElement, hub);
                var dev = new JsonObject();
                foreach (var file in devFiles)
                {
                    var records = await NewsMtscReader.ReadAsync(file, cancellationToken);
                    var predicted = model.PredictBatch(records.Select(r => new StanceInput(r.Sentence, r.From, r.To)).ToList(), cancellationToken);
                    var report = Evaluator.Evaluate(records.Select(r => r.Label).ToList(), predicted.Select(p => p.Label).ToList(), PolarityLabels.All);
                    dev[Path.GetFileName(file)] = System.Text.Json.JsonSerializer.SerializeToNode(report, ModelMetrics.Json);
                }

                metrics[quantise ? "dev" : "servedDev"] = dev;
                await ModelMetrics.WriteAsync(Path.Combine(staging, ModelRegistry.MetricsFileName), metrics, cancellationToken);
            }

            var card = Path.Combine(source, ModelRegistry.CardFileName);
            var teacherCard = File.Exists(card) ? await File.ReadAllTextAsync(card, cancellationToken) : string.Empty;
            await File.WriteAllTextAsync(
                Path.Combine(staging, ModelRegistry.CardFileName),
                $"# Model card: stance (encoder) — `{version}`\n\n"
                + $"The stance teacher `{teacherVersion}` served as a stance model of kind `{EncoderStanceModel.Kind}` (the same head, "
                + (quantise
                    ? "byte for byte, over the same encoder with its weight matrices quantised to int8 at load; its own dev numbers are in metrics.json, the teacher's below"
                    : "byte for byte, over the same encoder")
                + "; see docs/stance-encoder.md). The teacher's card follows.\n\n"
                + teacherCard.Replace("Not loaded by the worker.", "Loaded by the worker when this version is ACTIVE.", StringComparison.Ordinal),
                cancellationToken);
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
}
