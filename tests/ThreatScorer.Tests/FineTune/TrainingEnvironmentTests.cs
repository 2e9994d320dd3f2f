using System.Diagnostics;
using System.Text.RegularExpressions;
using ThreatScorer.Tests.TestSupport;
using Xunit.Abstractions;

namespace ThreatScorer.Tests.FineTune;

/// <summary>
/// The checks that need libtorch, which does not load on Debian 12: scripts/training-env.sh builds (or reuses) the
/// cached Debian 13 root filesystem, publishes the fine-tuning tool and runs its <c>self-check</c> there; each test
/// asserts one of its lines. Skipped, with the reason, where the script says it cannot run (not root and no finished
/// root filesystem, no debootstrap and no apt-get, no Debian mirror, no x86_64) or when THREATSCORER_SKIP_FINETUNE=1.
/// </summary>
public sealed partial class TrainingEnvironmentTests(SelfCheckRun run, ITestOutputHelper output) : IClassFixture<SelfCheckRun>
{
    [TrainingEnvironmentFact]
    public void OnnxReader_InsideTheEnvironment_MapsAll148Initializers()
    {
        var detail = run.Passed("onnx-initializers", output);

        Assert.StartsWith("148 initializers: 103 parameters, 1 buffer, 44 graph constants", detail, StringComparison.Ordinal);
    }

    [TrainingEnvironmentFact]
    public void TorchSharpPort_ReproducesTheShippedEncodersHiddenStates_Within1e4()
    {
        var detail = run.Passed("port-matches-onnx", output);

        Assert.True(MaxDelta(detail) <= 1e-4, detail);
        Assert.Contains("over 20 sentences", detail, StringComparison.Ordinal);
    }

    [TrainingEnvironmentFact]
    public void FewStepFineTune_OnATwoLayerEncoder_LowersTheLoss()
    {
        var detail = run.Passed("tiny-finetune-lowers-loss", output);

        var losses = LossPattern().Match(detail);
        Assert.True(losses.Success, detail);
        Assert.True(double.Parse(losses.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture)
            < double.Parse(losses.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), detail);
    }

    [TrainingEnvironmentFact]
    public void ExportedOnnxAndHead_UnderOnnxRuntime_GiveTorchSharpsLogits()
    {
        var detail = run.Passed("export-matches-torch", output);

        Assert.True(MaxDelta(detail) <= 1e-4, detail);
    }

    private static double MaxDelta(string detail)
    {
        var match = DeltaPattern().Match(detail);
        Assert.True(match.Success, detail);
        return double.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"= ([0-9.E+-]+)")]
    private static partial Regex DeltaPattern();

    [GeneratedRegex(@"loss ([0-9.]+) → ([0-9.]+)")]
    private static partial Regex LossPattern();
}

/// <summary>Runs <c>scripts/training-env.sh run self-check</c> once for the class (about 2–3 minutes on a fresh machine).</summary>
public sealed class SelfCheckRun
{
    private readonly Lazy<(int ExitCode, string Output)> _result = new(Execute);

    /// <summary>The detail of check <paramref name="name"/>, asserting it ran and passed; the whole output goes to the test log.</summary>
    public string Passed(string name, ITestOutputHelper output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var (exitCode, text) = _result.Value;
        output.WriteLine(text);
        var line = text.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith($"check {name}: ", StringComparison.Ordinal));
        Assert.True(line is not null, $"self-check printed no line for {name} (exit {exitCode}); its output:\n{text}");
        Assert.True(line.Contains(": PASS ", StringComparison.Ordinal), line);
        if (name == "export-matches-torch")
        {
            ProofLog.Write(output, "fine-tuning self-check (TorchSharp in the Debian 13 environment):\n" + string.Join('\n', text.Split('\n').Where(l => l.StartsWith("check ", StringComparison.Ordinal))));
        }

        return line[(line.IndexOf(": PASS ", StringComparison.Ordinal) + ": PASS ".Length)..];
    }

    private static (int, string) Execute()
    {
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepoPaths.Root,
        };
        start.ArgumentList.Add(Path.Combine(RepoPaths.Root, "scripts", "training-env.sh"));
        start.ArgumentList.Add("run");
        start.ArgumentList.Add("self-check");
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        // A guard against a hung child only (debootstrap + publish + checks take minutes), not a speed assertion.
        if (!process.WaitForExit(TimeSpan.FromMinutes(30)))
        {
            process.Kill(entireProcessTree: true);
        }

        return (process.HasExited ? process.ExitCode : -1, stdout + stderr.GetAwaiter().GetResult());
    }
}

/// <summary>Skips, with the script's own reason, where scripts/training-env.sh cannot run.</summary>
public sealed class TrainingEnvironmentFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> SkipReason = new(FindSkipReason);

    public TrainingEnvironmentFactAttribute()
    {
        Skip = SkipReason.Value;
    }

    private static string? FindSkipReason()
    {
        if (Environment.GetEnvironmentVariable("THREATSCORER_SKIP_FINETUNE") == "1")
        {
            return "THREATSCORER_SKIP_FINETUNE=1; the TorchSharp checks are skipped.";
        }

        if (!OperatingSystem.IsLinux())
        {
            return "the TorchSharp checks run on Linux only; skipped.";
        }

        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(RepoPaths.Root, "scripts", "training-env.sh"));
        start.ArgumentList.Add("check");
        using var process = Process.Start(start)!;
        var text = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? null : $"scripts/training-env.sh cannot run here: {text.Trim()}; skipped.";
    }
}
