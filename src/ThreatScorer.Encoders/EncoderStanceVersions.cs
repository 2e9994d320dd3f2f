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
    /// <summary>Publishes the stance version and returns its folder; <paramref name="activate"/> makes it ACTIVE.</summary>
    /// <exception cref="ModelLoadException">The teacher folder is missing, not a stance teacher, or its files are unreadable.</exception>
    public static async Task<string> FromTeacherAsync(string teacherDirectory, string modelsRoot, bool activate, CancellationToken cancellationToken)
    {
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
            var card = Path.Combine(source, ModelRegistry.CardFileName);
            var teacherCard = File.Exists(card) ? await File.ReadAllTextAsync(card, cancellationToken) : string.Empty;
            await File.WriteAllTextAsync(
                Path.Combine(staging, ModelRegistry.CardFileName),
                $"# Model card: stance (encoder) — `{version}`\n\n"
                + $"The stance teacher `{teacherVersion}` served as a stance model of kind `{EncoderStanceModel.Kind}` (the same head, "
                + "byte for byte, over the same encoder; see docs/stance-encoder.md). Its card follows.\n\n"
                + teacherCard.Replace("Not loaded by the worker.", "Loaded by the worker when this version is ACTIVE.", StringComparison.Ordinal),
                cancellationToken);
            return ModelRegistry.Publish(modelsRoot, ModelTasks.Stance, version, staging, activate);
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
