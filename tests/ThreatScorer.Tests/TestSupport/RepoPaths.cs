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
