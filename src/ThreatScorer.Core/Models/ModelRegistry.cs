using System.Globalization;

namespace ThreatScorer.Core.Models;

/// <summary>
/// The on-disk layout of trained models: <c>&lt;root&gt;/&lt;task&gt;/&lt;version&gt;/{model.zip, model-card.md,
/// metrics.json}</c>, <c>&lt;root&gt;/&lt;task&gt;/ACTIVE</c> holding the active version folder name, and
/// <c>&lt;root&gt;/&lt;task&gt;/HISTORY</c>, one tab-separated line per activation: time, previous version, new version,
/// then (since registry history) user, action, forced and the headline metrics it was decided on; old three-field
/// lines still read.
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

        // Each model class checks its own files on load (threat has several zips, the others model.zip, a stance kind
        // its own files).
        if (!HasModelFiles(versionDir))
        {
            throw new ModelLoadException(Path.Combine(versionDir, ModelFileName), "model file is missing");
        }

        return versionDir;
    }

    /// <summary>
    /// Whether a version folder holds a model: an ML.NET zip, or a metrics.json that names a <c>"kind"</c> (a stance
    /// kind such as a fine-tuned encoder with head.json and encoder.onnx; its loader checks those files and names the
    /// missing one).
    /// </summary>
    internal static bool HasModelFiles(string versionDir)
    {
        if (Directory.EnumerateFiles(versionDir, "*.zip").Any())
        {
            return true;
        }

        try
        {
            using var metrics = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(versionDir, MetricsFileName)));
            return metrics.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object
                && metrics.RootElement.TryGetProperty("kind", out var kind) && kind.ValueKind == System.Text.Json.JsonValueKind.String;
        }
        catch (Exception ex) when (ex is IOException or System.Text.Json.JsonException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>
    /// Makes <paramref name="version"/> the active version of <paramref name="task"/> (atomic replace), once the
    /// version loads as the worker would load it: a model that cannot load never becomes active. The stance check
    /// goes through <paramref name="stanceLoader"/> (the kinds this process loads; null: n-gram only), so an encoder
    /// version is checked too.
    /// </summary>
    /// <exception cref="ModelLoadException">A file of the version is missing or does not load; the message names it.</exception>
    public static void Activate(
        string modelsRoot, string task, string version, TimeProvider? time = null, StanceModelLoader? stanceLoader = null, ActivationNote? note = null) =>
        Activate(modelsRoot, task, version, time, betweenHistoryAndActive: null, stanceLoader, note);

    /// <summary>
    /// <see cref="Activate(string, string, string, TimeProvider?, StanceModelLoader?, ActivationNote?)"/> with a hook run after HISTORY records the
    /// activation and before ACTIVE moves: tests throw from it to stand in for a crash at that point.
    /// </summary>
    internal static void Activate(
        string modelsRoot, string task, string version, TimeProvider? time, Action? betweenHistoryAndActive, StanceModelLoader? stanceLoader = null,
        ActivationNote? note = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelsRoot);
        ArgumentException.ThrowIfNullOrWhiteSpace(task);
        ArgumentException.ThrowIfNullOrWhiteSpace(version);
        var taskDir = Path.Combine(modelsRoot, task);
        // Every task's version folder has metrics.json and at least one ML.NET zip (threat has one per sub-model), or
        // names a stance kind whose loader checks its own files.
        var versionDir = Path.Combine(taskDir, version);
        if (!File.Exists(Path.Combine(versionDir, MetricsFileName))
            || !Directory.Exists(versionDir) || !HasModelFiles(versionDir))
        {
            throw new ModelLoadException(versionDir, "cannot activate: no model file in this version folder");
        }

        ModelLoadCheck.Load(modelsRoot, task, versionDir, stanceLoader);
        var previous = ActiveVersionRecovered(taskDir);

        // HISTORY first, as the intent; ACTIVE second, by write-then-rename. A crash in between leaves the old
        // ACTIVE and a last HISTORY line naming a version that is not active, which every reader drops
        // (RecoverHistory); the other order lost the rollback step when the crash came after the rename.
        if (!string.IsNullOrEmpty(previous) && previous != version)
        {
            File.AppendAllText(
                Path.Combine(taskDir, HistoryFileName),
                HistoryLine((time ?? TimeProvider.System).GetUtcNow(), previous, version, note ?? new ActivationNote("activate")));
        }

        betweenHistoryAndActive?.Invoke();
        var activeFile = Path.Combine(taskDir, ActiveFileName);
        var temp = activeFile + ".tmp";
        File.WriteAllText(temp, version + "\n");
        File.Move(temp, activeFile, overwrite: true);
    }

    /// <summary>
    /// The active version, after dropping a last HISTORY line left by an activation that crashed before ACTIVE
    /// moved (its previous version is still the active one, its new version is not).
    /// </summary>
    private static string? ActiveVersionRecovered(string taskDir)
    {
        var activeFile = Path.Combine(taskDir, ActiveFileName);
        var active = File.Exists(activeFile) ? File.ReadAllText(activeFile).Trim() : null;
        var history = Path.Combine(taskDir, HistoryFileName);
        if (string.IsNullOrEmpty(active) || !File.Exists(history))
        {
            return active;
        }

        var lines = File.ReadAllLines(history).Where(l => l.Length > 0).ToList();
        if (lines.Count > 0 && lines[^1].Split('\t') is [_, var from, var to, ..] && from == active && to != active)
        {
            var temp = history + ".tmp";
            File.WriteAllLines(temp, lines.Take(lines.Count - 1));
            File.Move(temp, history, overwrite: true);
        }

        return active;
    }

    /// <summary>The prefix of staging folders (hidden: <see cref="ListVersions"/> skips names starting with a dot).</summary>
    public const string StagingPrefix = ".staging-";

    /// <summary>
    /// A new staging folder path for <paramref name="version"/> in <paramref name="taskDir"/>. The name carries
    /// this process's id so that a later promotion can tell a folder abandoned by a killed process (its owner
    /// gone) from one another process is still writing.
    /// </summary>
    public static string NewStagingDirectory(string taskDir, string version) =>
        Path.Combine(taskDir, string.Create(CultureInfo.InvariantCulture, $"{StagingPrefix}{Environment.ProcessId}-{version}-{Guid.NewGuid():N}"));

    /// <summary>
    /// Deletes the staging folders in <paramref name="taskDir"/> whose owning process no longer runs (a promotion
    /// or training killed while copying); returns them. Folders of a live process, and names without a process
    /// id (not made by <see cref="NewStagingDirectory"/>), are left alone. A process id reused by an unrelated
    /// process keeps its folder until that process ends: the safe side.
    /// </summary>
    public static IReadOnlyList<string> RemoveAbandonedStaging(string taskDir)
    {
        var removed = new List<string>();
        if (!Directory.Exists(taskDir))
        {
            return removed;
        }

        foreach (var dir in Directory.EnumerateDirectories(taskDir, StagingPrefix + "*"))
        {
            var rest = Path.GetFileName(dir).AsSpan(StagingPrefix.Length);
            var dash = rest.IndexOf('-');
            if (dash <= 0 || !int.TryParse(rest[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var owner) || IsRunning(owner))
            {
                continue;
            }

            try
            {
                Directory.Delete(dir, recursive: true);
                removed.Add(dir);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Another promotion removed it first, or it is not ours to remove: either way nothing to do.
            }
        }

        return removed;
    }

    private static bool IsRunning(int processId)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    private static string HistoryLine(DateTimeOffset time, string previous, string version, ActivationNote note)
    {
        static string Clean(string? value) => (value ?? string.Empty).Replace('\t', ' ').Replace('\n', ' ').Replace('\r', ' ');
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{time:O}\t{previous}\t{version}\t{Clean(Environment.UserName)}\t{Clean(note.Action)}\t{(note.Forced ? "forced" : "-")}\t{Clean(note.Metrics)}\n");
    }

    /// <summary>
    /// The activations of a task recorded in HISTORY, oldest first, after dropping a last line left by an
    /// activation that crashed before ACTIVE moved. Old three-field lines read with no user, action or metrics.
    /// </summary>
    public static IReadOnlyList<HistoryEntry> History(string modelsRoot, string task)
    {
        var taskDir = Path.Combine(modelsRoot, task);
        ActiveVersionRecovered(taskDir);
        var history = Path.Combine(taskDir, HistoryFileName);
        if (!File.Exists(history))
        {
            return [];
        }

        var entries = new List<HistoryEntry>();
        foreach (var line in File.ReadAllLines(history))
        {
            var f = line.Split('\t');
            if (f.Length < 3 || f[1].Length == 0 || f[2].Length == 0)
            {
                continue;
            }

            DateTimeOffset? time = DateTimeOffset.TryParse(f[0], CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var t) ? t : null;
            string? Field(int i) => f.Length > i && f[i].Length > 0 ? f[i] : null;
            entries.Add(new HistoryEntry(time, f[1], f[2], Field(3), Field(4), f.Length > 5 && f[5] == "forced", Field(6)));
        }

        return entries;
    }

    /// <summary>
    /// The versions active before the current one, nearest last: every activation pushes the version it replaced,
    /// and a rollback pops back to the version it returned to, so rolling back twice goes two steps back rather
    /// than toggling between the last two. (Rollbacks written before HISTORY named its actions count as activations.)
    /// </summary>
    public static IReadOnlyList<string> PreviousVersions(string modelsRoot, string task)
    {
        var stack = new List<string>();
        foreach (var entry in History(modelsRoot, task))
        {
            var at = entry.Action == RollbackAction ? stack.LastIndexOf(entry.To) : -1;
            if (at >= 0)
            {
                stack.RemoveRange(at, stack.Count - at);
            }
            else
            {
                stack.Add(entry.From);
            }
        }

        return stack;
    }

    /// <summary>The action HISTORY records for a rollback.</summary>
    public const string RollbackAction = "rollback";

    /// <summary>
    /// Makes the version that was active before the current one active again (from HISTORY), and records the
    /// rollback itself in HISTORY. Returns (from, to).
    /// </summary>
    /// <exception cref="InvalidOperationException">There is no earlier activation to go back to.</exception>
    public static (string From, string To) Rollback(string modelsRoot, string task, TimeProvider? time = null, StanceModelLoader? stanceLoader = null) =>
        Rollback(modelsRoot, task, steps: 1, to: null, time, stanceLoader);

    /// <summary>
    /// Rolls back <paramref name="steps"/> activations along <see cref="PreviousVersions"/>, or to the version
    /// <paramref name="to"/> (one that was active before), loading it first; records the rollback. Returns (from, to).
    /// </summary>
    /// <exception cref="InvalidOperationException">Not that many earlier activations, or <paramref name="to"/> was never active.</exception>
    /// <exception cref="ModelLoadException">The version to go back to does not load; ACTIVE stays.</exception>
    public static (string From, string To) Rollback(
        string modelsRoot, string task, int steps, string? to, TimeProvider? time = null, StanceModelLoader? stanceLoader = null)
    {
        var taskDir = Path.Combine(modelsRoot, task);
        var current = ActiveVersionRecovered(taskDir)
            ?? throw new InvalidOperationException($"No active {task} model under {Path.GetFullPath(taskDir)}.");
        var chain = PreviousVersions(modelsRoot, task);
        string target;
        if (to is not null)
        {
            if (to == current)
            {
                throw new InvalidOperationException($"{to} is already the active {task} version.");
            }

            if (!History(modelsRoot, task).Any(e => e.From == to || e.To == to))
            {
                throw new InvalidOperationException($"Cannot roll back {task} to {to}: HISTORY has no activation of it (it was never active); promote it instead.");
            }

            target = to;
        }
        else
        {
            if (steps < 1)
            {
                throw new InvalidOperationException($"Cannot roll back {steps} steps: give 1 or more.");
            }

            if (chain.Count < steps)
            {
                throw new InvalidOperationException(chain.Count == 0
                    ? $"No earlier {task} version to roll back to (HISTORY has no activation before {current})."
                    : $"Cannot roll back {task} {steps} steps: only {chain.Count} earlier version(s) in HISTORY ({string.Join(" <- ", chain.Reverse())}).");
            }

            target = chain[^steps];
        }

        Activate(modelsRoot, task, target, time, stanceLoader, new ActivationNote(RollbackAction));
        return (current, target);
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
    /// <see cref="PublishVersion"/>, returning only the version folder (its name is the version id published).
    /// </summary>
    public static string Publish(
        string modelsRoot, string task, string version, string stagingDirectory, bool activate, StanceModelLoader? stanceLoader = null) =>
        PublishVersion(modelsRoot, task, version, stagingDirectory, activate, stanceLoader).Directory;

    /// <summary>
    /// Moves a finished staging folder to <c>&lt;root&gt;/&lt;task&gt;/&lt;version&gt;</c> and, if asked, makes it
    /// active. A version folder that exists is never overwritten: when its model files (every file but
    /// metrics.json and model-card.md, which carry timings) are byte-identical to the staged ones, publishing is a
    /// no-op (<see cref="PublishResult.AlreadyPresent"/>, staging removed); when they differ, the build is published
    /// as <c>&lt;version&gt;-&lt;8 hex of a SHA-256 over its model files&gt;</c>, deterministic for identical bytes.
    /// </summary>
    public static PublishResult PublishVersion(
        string modelsRoot, string task, string version, string stagingDirectory, bool activate, StanceModelLoader? stanceLoader = null)
    {
        var taskDir = Path.GetFullPath(Path.Combine(modelsRoot, task));
        RemoveAbandonedStaging(taskDir);
        var finalVersion = version;
        var versionDir = Path.Combine(taskDir, version);
        if (Directory.Exists(versionDir) && !SameModelFiles(versionDir, stagingDirectory))
        {
            finalVersion = version + "-" + ContentHash(stagingDirectory);
            versionDir = Path.Combine(taskDir, finalVersion);
            if (Directory.Exists(versionDir) && !SameModelFiles(versionDir, stagingDirectory))
            {
                throw new IOException($"Version folder {versionDir} exists with different model files; refusing to overwrite it.");
            }
        }

        var alreadyPresent = Directory.Exists(versionDir);
        if (alreadyPresent)
        {
            Directory.Delete(stagingDirectory, recursive: true);
        }
        else
        {
            Directory.Move(stagingDirectory, versionDir);
        }

        if (activate)
        {
            Activate(modelsRoot, task, finalVersion, time: null, stanceLoader, new ActivationNote("publish --activate"));
        }

        return new PublishResult(finalVersion, versionDir, alreadyPresent);
    }

    private static bool IsModelFile(string relative) =>
        relative is not (MetricsFileName or CardFileName);

    private static List<string> ModelFiles(string dir) =>
        [.. Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(dir, f).Replace('\\', '/'))
            .Where(IsModelFile)
            .Order(StringComparer.Ordinal)];

    /// <summary>Whether two version folders hold the same model files (all but metrics.json and model-card.md), byte for byte.</summary>
    internal static bool SameModelFiles(string a, string b)
    {
        var filesA = ModelFiles(a);
        var filesB = ModelFiles(b);
        return filesA.SequenceEqual(filesB, StringComparer.Ordinal)
            && filesA.All(f => File.ReadAllBytes(Path.Combine(a, f)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(b, f))));
    }

    /// <summary>8 hex digits of a SHA-256 over the model files' relative paths and bytes, in ordinal path order.</summary>
    public static string ContentHash(string dir)
    {
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        foreach (var file in ModelFiles(dir))
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(file + "\n"));
            hash.AppendData(File.ReadAllBytes(Path.Combine(dir, file)));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset())[..8];
    }
}

/// <summary>What HISTORY records about an activation besides time and versions: the action (promote, rollback, publish
/// --activate, ...), whether it was forced, and the headline metrics it was decided on (null: none).</summary>
public sealed record ActivationNote(string Action, bool Forced = false, string? Metrics = null);

/// <summary>One HISTORY line; <see cref="User"/>, <see cref="Action"/> and <see cref="Metrics"/> are null on old three-field lines.</summary>
public sealed record HistoryEntry(DateTimeOffset? Time, string From, string To, string? User, string? Action, bool Forced, string? Metrics);

/// <summary>What <see cref="ModelRegistry.PublishVersion"/> did: the version id and folder, and whether an identical build was already there.</summary>
public sealed record PublishResult(string Version, string Directory, bool AlreadyPresent);

/// <summary>One version folder of a task, with its metrics.json.</summary>
public sealed record ModelVersionInfo(string Task, string Version, string Directory, bool IsActive, System.Text.Json.JsonElement Metrics);
