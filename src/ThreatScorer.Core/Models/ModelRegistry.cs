using System.Globalization;

namespace ThreatScorer.Core.Models;

/// <summary>
/// The on-disk layout of trained models: <c>&lt;root&gt;/&lt;task&gt;/&lt;version&gt;/{model.zip, model-card.md,
/// metrics.json}</c>, <c>&lt;root&gt;/&lt;task&gt;/ACTIVE</c> holding the active version folder name, and
/// <c>&lt;root&gt;/&lt;task&gt;/HISTORY</c>, one line per activation (time, previous version, new version).
/// </summary>
public static class ModelRegistry
{
    public const string ModelFileName = "model.zip";
    public const string CardFileName = "model-card.md";
    public const string MetricsFileName = "metrics.json";
    public const string ActiveFileName = "ACTIVE";
    public const string HistoryFileName = "HISTORY";

    /// <summary>Builds a version folder name such as <c>stance-20261128-1a2b3c4d</c>.</summary>
    public static string VersionName(string task, DateTimeOffset date, string fingerprintHex)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(task);
        ArgumentException.ThrowIfNullOrWhiteSpace(fingerprintHex);
        if (fingerprintHex.Length < 8)
        {
            throw new ArgumentException("The fingerprint needs at least 8 hex characters.", nameof(fingerprintHex));
        }

        return string.Create(
            CultureInfo.InvariantCulture,
            $"{task}-{date.UtcDateTime:yyyyMMdd}-{fingerprintHex[..8].ToLowerInvariant()}");
    }

    /// <summary>The version folder named by <c>&lt;root&gt;/&lt;task&gt;/ACTIVE</c>, checked to exist with a model.</summary>
    /// <exception cref="ModelLoadException">The task folder, ACTIVE file, version folder or model file is missing.</exception>
    public static string ResolveActiveDirectory(string modelsRoot, string task)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelsRoot);
        ArgumentException.ThrowIfNullOrWhiteSpace(task);
        var taskDir = Path.GetFullPath(Path.Combine(modelsRoot, task));
        if (!Directory.Exists(taskDir))
        {
            throw new ModelLoadException(taskDir, $"no folder for task '{task}' under the models root");
        }

        var activeFile = Path.Combine(taskDir, ActiveFileName);
        if (!File.Exists(activeFile))
        {
            throw new ModelLoadException(activeFile, "the ACTIVE file is missing (it names the active version folder)");
        }

        var version = File.ReadAllText(activeFile).Trim();
        if (version.Length == 0)
        {
            throw new ModelLoadException(activeFile, "the ACTIVE file is empty");
        }

        if (version.IndexOfAny(['/', '\\']) >= 0 || version is "." or "..")
        {
            throw new ModelLoadException(activeFile, $"'{version}' is not a version folder name");
        }

        var versionDir = Path.Combine(taskDir, version);
        if (!Directory.Exists(versionDir))
        {
            throw new ModelLoadException(versionDir, $"the version folder named by {activeFile} does not exist");
        }

        // Each model class checks its own files on load (threat has several zips, the others model.zip).
        if (!Directory.EnumerateFiles(versionDir, "*.zip").Any())
        {
            throw new ModelLoadException(Path.Combine(versionDir, ModelFileName), "model file is missing");
        }

        return versionDir;
    }

    /// <summary>Makes <paramref name="version"/> the active version of <paramref name="task"/> (atomic replace).</summary>
    public static void Activate(string modelsRoot, string task, string version, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelsRoot);
        ArgumentException.ThrowIfNullOrWhiteSpace(task);
        ArgumentException.ThrowIfNullOrWhiteSpace(version);
        var taskDir = Path.Combine(modelsRoot, task);
        // Every task's version folder has metrics.json and at least one ML.NET zip (threat has one per sub-model).
        var versionDir = Path.Combine(taskDir, version);
        if (!File.Exists(Path.Combine(versionDir, MetricsFileName))
            || !Directory.Exists(versionDir) || !Directory.EnumerateFiles(versionDir, "*.zip").Any())
        {
            throw new ModelLoadException(versionDir, "cannot activate: no model file in this version folder");
        }

        var activeFile = Path.Combine(taskDir, ActiveFileName);
        var previous = File.Exists(activeFile) ? File.ReadAllText(activeFile).Trim() : null;

        // Write-then-rename: a crash leaves either the old ACTIVE or the new one, never half a file.
        var temp = activeFile + ".tmp";
        File.WriteAllText(temp, version + "\n");
        File.Move(temp, activeFile, overwrite: true);
        if (!string.IsNullOrEmpty(previous) && previous != version)
        {
            File.AppendAllText(
                Path.Combine(taskDir, HistoryFileName),
                string.Create(CultureInfo.InvariantCulture, $"{(time ?? TimeProvider.System).GetUtcNow():O}\t{previous}\t{version}\n"));
        }
    }

    /// <summary>
    /// Makes the version that was active before the current one active again (from HISTORY), and records the
    /// rollback itself in HISTORY. Returns (from, to).
    /// </summary>
    /// <exception cref="InvalidOperationException">There is no earlier activation to go back to.</exception>
    public static (string From, string To) Rollback(string modelsRoot, string task, TimeProvider? time = null)
    {
        var taskDir = Path.Combine(modelsRoot, task);
        var current = ActiveVersion(modelsRoot, task)
            ?? throw new InvalidOperationException($"No active {task} model under {Path.GetFullPath(taskDir)}.");
        var history = Path.Combine(taskDir, HistoryFileName);
        var entries = File.Exists(history)
            ? File.ReadAllLines(history).Select(l => l.Split('\t')).Where(f => f.Length == 3).ToList()
            : [];
        var last = entries.LastOrDefault(f => f[2] == current)
            ?? throw new InvalidOperationException($"No earlier {task} version to roll back to (HISTORY has no activation of {current}).");
        Activate(modelsRoot, task, last[1], time);
        return (current, last[1]);
    }

    /// <summary>The active version name of a task, or null when none is active.</summary>
    public static string? ActiveVersion(string modelsRoot, string task)
    {
        var activeFile = Path.Combine(modelsRoot, task, ActiveFileName);
        return File.Exists(activeFile) && File.ReadAllText(activeFile).Trim() is { Length: > 0 } version ? version : null;
    }

    /// <summary>Every version folder of a task (name, folder, metrics.json root), oldest name first.</summary>
    public static IReadOnlyList<ModelVersionInfo> ListVersions(string modelsRoot, string task)
    {
        var taskDir = Path.Combine(modelsRoot, task);
        if (!Directory.Exists(taskDir))
        {
            return [];
        }

        var active = ActiveVersion(modelsRoot, task);
        var versions = new List<ModelVersionInfo>();
        foreach (var dir in Directory.EnumerateDirectories(taskDir).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(dir);
            var metricsPath = Path.Combine(dir, MetricsFileName);
            if (name.StartsWith('.') || !File.Exists(metricsPath))
            {
                continue;
            }

            System.Text.Json.JsonElement metrics;
            try
            {
                using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(metricsPath));
                metrics = doc.RootElement.Clone();
            }
            catch (System.Text.Json.JsonException)
            {
                continue;
            }

            versions.Add(new ModelVersionInfo(task, name, dir, name == active, metrics));
        }

        return versions;
    }

    /// <summary>
    /// Moves a finished staging folder to <c>&lt;root&gt;/&lt;task&gt;/&lt;version&gt;</c> (replacing an earlier
    /// build of the same version) and, if asked, makes it active. Returns the version folder.
    /// </summary>
    public static string Publish(string modelsRoot, string task, string version, string stagingDirectory, bool activate)
    {
        var versionDir = Path.Combine(Path.GetFullPath(Path.Combine(modelsRoot, task)), version);
        if (Directory.Exists(versionDir))
        {
            Directory.Delete(versionDir, recursive: true);
        }

        Directory.Move(stagingDirectory, versionDir);
        if (activate)
        {
            Activate(modelsRoot, task, version);
        }

        return versionDir;
    }
}

/// <summary>One version folder of a task, with its metrics.json.</summary>
public sealed record ModelVersionInfo(string Task, string Version, string Directory, bool IsActive, System.Text.Json.JsonElement Metrics);
