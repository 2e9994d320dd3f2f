using System.Globalization;
using ThreatScorer.Core.Models;

namespace ThreatScorer.Core.Training;

/// <summary>Candidate and baseline macro-F1 on one part of the data (see <see cref="EvaluationPart"/>).</summary>
public sealed record PartComparison(string Name, int Count, double Candidate, double Baseline)
{
    public double Delta => Candidate - Baseline;
}

/// <summary>A candidate measured against a baseline on the same data.</summary>
public sealed record ModelComparison(TaskEvaluation Candidate, TaskEvaluation Baseline, double Tolerance)
{
    public double MacroF1Delta => Candidate.Report.MacroF1 - Baseline.Report.MacroF1;

    /// <summary>Macro-F1 of both per part (threat, interaction: team dev and each real-text dev part).</summary>
    public IReadOnlyList<PartComparison> Parts => Candidate.Parts
        .Join(Baseline.Parts, c => c.Name, b => b.Name, (c, b) => new PartComparison(c.Name, c.Report.Count, c.Report.MacroF1, b.Report.MacroF1))
        .ToList();

    /// <summary>
    /// Parts with fewer examples are reported but do not gate: on a dozen examples one flipped prediction moves
    /// macro-F1 by more than any small tolerance (default 30).
    /// </summary>
    public int MinimumGatedPartExamples { get; init; } = DefaultMinimumGatedPartExamples;

    /// <summary>The default of <see cref="MinimumGatedPartExamples"/>.</summary>
    public const int DefaultMinimumGatedPartExamples = 30;

    /// <summary>Whether a part is large enough to gate (<see cref="MinimumGatedPartExamples"/>).</summary>
    public bool Gates(PartComparison part)
    {
        ArgumentNullException.ThrowIfNull(part);
        return part.Count >= MinimumGatedPartExamples;
    }

    /// <summary>
    /// The gating parts (<see cref="Gates"/>) on which the candidate's macro-F1 is below the baseline's by more than
    /// the tolerance.
    /// </summary>
    public IReadOnlyList<PartComparison> WorseParts => Parts.Where(p => Gates(p) && p.Delta < -Tolerance).ToList();

    /// <summary>
    /// The candidate is not worse: its macro-F1 is at least the baseline's minus the tolerance on the pooled data
    /// and on every part of it large enough to gate.
    /// </summary>
    public bool CandidateIsNotWorse => MacroF1Delta >= -Tolerance && WorseParts.Count == 0;

    public string Verdict => CandidateIsNotWorse
        ? MacroF1Delta > 0 ? "candidate is better" : "candidate is as good (within tolerance)"
        : WorseParts.Count > 0 ? $"candidate is worse on {string.Join(", ", WorseParts.Select(p => p.Name))}" : "candidate is worse";

    /// <summary>Why the candidate is worse, naming the pooled data and each worse part with both macro-F1s.</summary>
    public string WorseBecause()
    {
        var reasons = new List<string>();
        if (MacroF1Delta < -Tolerance)
        {
            reasons.Add(string.Create(CultureInfo.InvariantCulture, $"pooled macro-F1 {Candidate.Report.MacroF1:F4} vs {Baseline.Report.MacroF1:F4}"));
        }

        reasons.AddRange(WorseParts.Select(p => string.Create(
            CultureInfo.InvariantCulture, $"{p.Name} dev ({p.Count} examples) macro-F1 {p.Candidate:F4} vs {p.Baseline:F4}")));
        return string.Join("; ", reasons);
    }
}

/// <summary>What a promotion did.</summary>
public sealed record PromotionResult(bool Promoted, string? PreviousVersion, string Version, ModelComparison? Comparison, string Message);

/// <summary>
/// Compare, promote and roll back model versions. A promotion copies the candidate into the registry (staging
/// folder named after its process, then rename) and switches ACTIVE with an atomic rename after loading the model
/// as the worker would, so a crash at any point leaves the old model active and the registry readable; a later
/// promotion removes the staging folders of processes that are gone.
/// </summary>
public static class ModelPromotion
{
    public static async Task<ModelComparison> CompareAsync(
        EvaluationRequest candidate, string baselineDirectory, double tolerance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        var candidateEval = await TaskEvaluator.EvaluateAsync(candidate, cancellationToken);
        var baselineEval = await TaskEvaluator.EvaluateAsync(candidate with { ModelDirectory = baselineDirectory }, cancellationToken);
        return new ModelComparison(candidateEval, baselineEval, tolerance);
    }

    /// <summary>
    /// Makes <paramref name="candidate"/>'s model the active one for its task under <paramref name="modelsRoot"/>,
    /// unless it is worse than the active model on the request's data and <paramref name="force"/> is false.
    /// </summary>
    public static async Task<PromotionResult> PromoteAsync(
        string modelsRoot, EvaluationRequest candidate, double tolerance, bool force, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        var version = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(candidate.ModelDirectory)));
        var previous = ModelRegistry.ActiveVersion(modelsRoot, candidate.Task);
        ModelComparison? comparison = null;
        if (previous is not null && candidate.DataFiles.Count > 0)
        {
            var baseline = ModelRegistry.ResolveActiveDirectory(modelsRoot, candidate.Task);
            comparison = await CompareAsync(candidate, baseline, tolerance, cancellationToken);
            if (!comparison.CandidateIsNotWorse && !force)
            {
                return new PromotionResult(false, previous, version, comparison,
                    $"refused: {version} is worse than the active {previous} ({comparison.WorseBecause()}; tolerance {comparison.Tolerance.ToString(CultureInfo.InvariantCulture)}); use --force to promote anyway");
            }
        }
        else if (previous is not null && !force)
        {
            return new PromotionResult(false, previous, version, null,
                "refused: give --data to compare the candidate with the active model, or --force to promote without comparing");
        }

        var taskDir = Path.GetFullPath(Path.Combine(modelsRoot, candidate.Task));
        ModelRegistry.RemoveAbandonedStaging(taskDir);
        var target = Path.Combine(taskDir, version);
        var copied = false;
        if (!string.Equals(Path.GetFullPath(candidate.ModelDirectory).TrimEnd(Path.DirectorySeparatorChar), target, StringComparison.Ordinal))
        {
            copied = CopyIntoRegistry(candidate.ModelDirectory, target);
        }

        try
        {
            // Loads the version as the worker would (with --force too): one that cannot load never becomes active.
            var metrics = comparison is null
                ? null
                : string.Create(CultureInfo.InvariantCulture, $"macro-F1 {comparison.Candidate.Report.MacroF1:F4} vs {comparison.Baseline.Report.MacroF1:F4}");
            ModelRegistry.Activate(modelsRoot, candidate.Task, version, time, candidate.StanceLoader, new ActivationNote("promote", force, metrics));
        }
        catch (ModelLoadException) when (copied)
        {
            Directory.Delete(target, recursive: true);
            throw;
        }

        return new PromotionResult(true, previous, version, comparison, $"promoted {version} (was {previous ?? "none"})");
    }

    /// <summary>Copies a version folder in unless it is there already; true when this call copied it.</summary>
    private static bool CopyIntoRegistry(string source, string target)
    {
        if (Directory.Exists(target))
        {
            // Versions are immutable: a different build under a name the registry already holds is not activated in its place.
            return ModelRegistry.SameModelFiles(source, target)
                ? false
                : throw new InvalidOperationException(
                    $"{target} already exists with different model files; versions are never overwritten (retrain or publish it under a new version).");
        }

        var staging = ModelRegistry.NewStagingDirectory(Path.GetDirectoryName(target)!, Path.GetFileName(target));
        Directory.CreateDirectory(staging);
        try
        {
            foreach (var file in Directory.EnumerateFiles(source))
            {
                File.Copy(file, Path.Combine(staging, Path.GetFileName(file)));
            }

            Directory.Move(staging, target);
            return true;
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
