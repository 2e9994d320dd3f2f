namespace ThreatScorer.Tests.TestSupport;

/// <summary>Finds the repository root and the ../shared data folder beside it.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Seeds => Path.Combine(Root, "seeds");

    public static string Models => Path.Combine(Root, "models");

    public static string SeedArticle => Path.Combine(Seeds, "000_1635b998671e721d.txt");

    /// <summary>../shared/data beside the repository (override with THREATSCORER_SHARED_DATA).</summary>
    public static string SharedData =>
        Environment.GetEnvironmentVariable("THREATSCORER_SHARED_DATA") is { Length: > 0 } overridden
            ? overridden
            : Path.GetFullPath(Path.Combine(Root, "..", "shared", "data"));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ThreatScorer.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"ThreatScorer.sln not found above {AppContext.BaseDirectory}.");
    }
}

/// <summary>
/// A fact that needs a file under ../shared/data; it is skipped with a clear message when the file is absent
/// (a clone without the shared data still builds and runs every other test).
/// </summary>
public sealed class SharedDataFactAttribute : FactAttribute
{
    public SharedDataFactAttribute(string relativePath)
    {
        var full = Path.Combine(RepoPaths.SharedData, relativePath);
        if (!File.Exists(full) && !Directory.Exists(full))
        {
            Skip = $"needs ../shared/data/{relativePath} (not found at {full}); skipped.";
        }
    }
}

/// <summary>
/// The shipped models (<see cref="RepoPaths.Models"/>) loaded as the worker loads them: the ACTIVE stance version of any
/// kind, encoder ones over one encoder shared by every test in the process.
/// </summary>
public static class ShippedModels
{
    public static ThreatScorer.Encoders.EncoderHub Hub { get; } = new();

    public static Core.Models.StanceModelLoader StanceLoader { get; } = ThreatScorer.Encoders.EncoderServices.StanceLoader(Hub);

    public static Core.Scoring.ScoringModels Load() => Core.Scoring.ScoringModels.Load(RepoPaths.Models, StanceLoader);
}
