using System.Diagnostics;
using ThreatScorer.Tests.TestSupport;

namespace ThreatScorer.Tests.FineTune;

/// <summary>scripts/training-env.sh refuses clearly where it cannot build its environment (no network, nothing built).</summary>
public sealed class TrainingEnvironmentScriptTests
{
    [RootOnOldLibstdcxxFact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void Check_AsAnUnprivilegedUserWithoutARootFilesystem_RefusesAndSaysWhy()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"no-trixie-{Guid.NewGuid():N}");
        // A world-readable copy: the repository may sit where the unprivileged user cannot read (/root).
        var copy = Path.Combine(Path.GetTempPath(), $"training-env-{Guid.NewGuid():N}.sh");
        File.Copy(Script, copy);
        File.SetUnixFileMode(copy, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        int exitCode;
        string text;
        try
        {
            (exitCode, text) = Run("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "bash", copy, "check"], missing);
        }
        finally
        {
            File.Delete(copy);
        }

        Assert.Equal(3, exitCode);
        Assert.Contains(missing, text, StringComparison.Ordinal);
        Assert.Contains("needs root", text, StringComparison.Ordinal);
        Assert.False(Directory.Exists(missing));
    }

    [Fact]
    public void UnknownCommand_PrintsTheUsage()
    {
        var (exitCode, text) = Run("bash", [Script, "frobnicate"], Path.Combine(Path.GetTempPath(), "unused"));

        Assert.Equal(2, exitCode);
        Assert.Contains("usage:", text, StringComparison.Ordinal);
    }

    private static string Script => Path.Combine(RepoPaths.Root, "scripts", "training-env.sh");

    private static (int, string) Run(string file, string[] args, string rootfs)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetTempPath() };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["THREATSCORER_TRIXIE_DIR"] = rootfs;
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout + stderr.GetAwaiter().GetResult());
    }
}

/// <summary>Runs as root (to drop to another user) on a host whose libstdc++ lacks GLIBCXX_3.4.32 (so the root filesystem matters).</summary>
public sealed class RootOnOldLibstdcxxFactAttribute : FactAttribute
{
    public RootOnOldLibstdcxxFactAttribute()
    {
        const string lib = "/usr/lib/x86_64-linux-gnu/libstdc++.so.6";
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
        {
            Skip = "needs root on Linux (it runs the script as another user); skipped.";
        }
        else if (!File.Exists(lib) || File.ReadAllText(lib, System.Text.Encoding.Latin1).Contains("GLIBCXX_3.4.32", StringComparison.Ordinal))
        {
            Skip = "this host's libstdc++ runs TorchSharp directly, so no root filesystem is needed; skipped.";
        }
    }
}
