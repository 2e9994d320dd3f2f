using System.Globalization;

namespace ThreatScorer.Core.Models;

/// <summary>
/// The on-disk layout of trained models: <c>&lt;root&gt;/&lt;task&gt;/&lt;version&gt;/{model.zip, model-card.md,
/// metrics.json}</c> and <c>&lt;root&gt;/&lt;task&gt;/ACTIVE</c> holding the active version folder name.
/// </summary>
public static class ModelRegistry
{
    public const string ModelFileName = "model.zip";
    public const string CardFileName = "model-card.md";
    public const string MetricsFileName = "metrics.json";
    public const string ActiveFileName = "ACTIVE";

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
    public static void Activate(string modelsRoot, string task, string version)
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
        var temp = activeFile + ".tmp";
        File.WriteAllText(temp, version + "\n");
        File.Move(temp, activeFile, overwrite: true);
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
