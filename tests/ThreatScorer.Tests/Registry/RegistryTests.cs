using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ThreatScorer.Core.Models;
using ThreatScorer.Core.Training;
using ThreatScorer.Tests.TestSupport;

namespace ThreatScorer.Tests.Registry;

/// <summary>Registry operations on a copy of the shipped stance models (real model files, temp folder).</summary>
public sealed class RegistryTests : IDisposable
{
    private const string Current = "stance-20261128-b247e224";
    private const string Older = "stance-20261128-f89b35fb";
    private readonly TempDirectory _dir = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
    private readonly string _root;

    public RegistryTests()
    {
        _root = _dir.File("models");
        foreach (var version in new[] { Current, Older })
        {
            var target = Directory.CreateDirectory(Path.Combine(_root, "stance", version)).FullName;
            foreach (var file in Directory.EnumerateFiles(Path.Combine(RepoPaths.Models, "stance", version)))
            {
                File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
            }
        }

        ModelRegistry.Activate(_root, "stance", Current, _time);
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void ListVersions_ShowsEveryVersionAndTheActiveOne()
    {
        var versions = ModelRegistry.ListVersions(_root, "stance");

        Assert.Equal([Current, Older], versions.Select(v => v.Version).Order(StringComparer.Ordinal));
        Assert.Equal(Current, Assert.Single(versions, v => v.IsActive).Version);
    }

    [Fact]
    public void Activate_ThenRollback_RestoresThePreviousVersion()
    {
        ModelRegistry.Activate(_root, "stance", Older, _time);

        var (from, to) = ModelRegistry.Rollback(_root, "stance", _time);

        Assert.Equal((Older, Current), (from, to));
        Assert.Equal(Current, ModelRegistry.ActiveVersion(_root, "stance"));
    }

    [Fact]
    public void Rollback_WithNoEarlierActivation_Throws()
    {
        var error = Assert.Throws<InvalidOperationException>(() => ModelRegistry.Rollback(_root, "stance", _time));

        Assert.Contains("roll back", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Promote_InterruptedBeforeTheRename_LeavesTheOldModelActive()
    {
        // A crash after writing ACTIVE.tmp but before the rename: the old pointer is intact and still loads.
        File.WriteAllText(Path.Combine(_root, "stance", "ACTIVE.tmp"), "stance-half-written");

        Assert.Equal(Current, ModelRegistry.ActiveVersion(_root, "stance"));
        Assert.Equal(Current, StanceModel.LoadActive(_root).Version);

        // The next promotion simply overwrites the stale temp file.
        ModelRegistry.Activate(_root, "stance", Older, _time);
        Assert.Equal(Older, ModelRegistry.ActiveVersion(_root, "stance"));
    }

    [Fact]
    public void Promote_InterruptedWhileCopying_LeavesNoVersionAndTheOldModelActive()
    {
        // A crash while copying a candidate into the registry leaves only a hidden staging folder.
        Directory.CreateDirectory(Path.Combine(_root, "stance", ".staging-stance-20990101-deadbeef-0001"));

        Assert.DoesNotContain(ModelRegistry.ListVersions(_root, "stance"), v => v.Version.Contains("deadbeef", StringComparison.Ordinal));
        Assert.Equal(Current, StanceModel.LoadActive(_root).Version);
    }

    [SharedDataFact("newsmtsc/dev-rw.jsonl")]
    public async Task Promote_WorseCandidate_IsRefusedWithNumbersUnlessForced()
    {
        // On NewsMTSC dev-rw the older NewsMTSC-only model is better, so demote-by-promotion of a worse one is the test:
        ModelRegistry.Activate(_root, "stance", Older, _time);
        var request = new EvaluationRequest("stance", Path.Combine(_root, "stance", Current), [Path.Combine(RepoPaths.SharedData, "newsmtsc", "dev-rw.jsonl")]);

        var refused = await ModelPromotion.PromoteAsync(_root, request, 0, force: false, _time, CancellationToken.None);
        var forced = await ModelPromotion.PromoteAsync(_root, request, 0, force: true, _time, CancellationToken.None);

        Assert.False(refused.Promoted);
        Assert.Contains("refused", refused.Message, StringComparison.Ordinal);
        Assert.True(refused.Comparison!.MacroF1Delta < 0);
        Assert.True(forced.Promoted);
        Assert.Equal(Current, ModelRegistry.ActiveVersion(_root, "stance"));
        var recorded = ModelRegistry.History(_root, "stance")[^1];
        Assert.Equal((Older, Current, "promote", true), (recorded.From, recorded.To, recorded.Action, recorded.Forced));
        Assert.Equal(string.Create(
            System.Globalization.CultureInfo.InvariantCulture,
            $"macro-F1 {forced.Comparison!.Candidate.Report.MacroF1:F4} vs {forced.Comparison.Baseline.Report.MacroF1:F4}"), recorded.Metrics);
    }

    [Fact]
    public async Task Promote_CandidateOutsideTheRegistry_IsCopiedInAndActivated()
    {
        var outside = Directory.CreateDirectory(_dir.File("elsewhere/stance-20990101-feedface")).FullName;
        foreach (var file in Directory.EnumerateFiles(Path.Combine(_root, "stance", Older)))
        {
            File.Copy(file, Path.Combine(outside, Path.GetFileName(file)));
        }

        var result = await ModelPromotion.PromoteAsync(_root, new EvaluationRequest("stance", outside, []), 0, force: true, _time, CancellationToken.None);

        Assert.True(result.Promoted);
        Assert.True(File.Exists(Path.Combine(_root, "stance", "stance-20990101-feedface", "model.zip")));
        Assert.Equal("stance-20990101-feedface", ModelRegistry.ActiveVersion(_root, "stance"));
    }

    [Fact]
    public async Task Promote_ForcedWithAModelThatCannotLoad_IsRefusedNamingTheFileAndLeavesTheOldModelActive()
    {
        // metrics.json from a real version beside random bytes: the worker would exit 3 on its next start.
        var outside = Directory.CreateDirectory(_dir.File("elsewhere/stance-20990101-badc0ffe")).FullName;
        File.Copy(Path.Combine(_root, "stance", Older, "metrics.json"), Path.Combine(outside, "metrics.json"));
        File.WriteAllBytes(Path.Combine(outside, "model.zip"), RandomBytes(4096));

        var error = await Assert.ThrowsAsync<ModelLoadException>(() =>
            ModelPromotion.PromoteAsync(_root, new EvaluationRequest("stance", outside, []), 0, force: true, _time, CancellationToken.None));

        Assert.Contains("model.zip", error.Message, StringComparison.Ordinal);
        Assert.Equal(Current, ModelRegistry.ActiveVersion(_root, "stance"));
        Assert.False(Directory.Exists(Path.Combine(_root, "stance", "stance-20990101-badc0ffe")));
        Assert.Equal(Current, StanceModel.LoadActive(_root).Version);
    }

    [Fact]
    public void Rollback_ToAVersionThatNoLongerLoads_ThrowsAndKeepsTheCurrentOne()
    {
        ModelRegistry.Activate(_root, "stance", Older, _time);
        File.WriteAllBytes(Path.Combine(_root, "stance", Current, "model.zip"), RandomBytes(4096));

        var error = Assert.Throws<ModelLoadException>(() => ModelRegistry.Rollback(_root, "stance", _time));

        Assert.Contains(Path.Combine(Current, "model.zip"), error.Message, StringComparison.Ordinal);
        Assert.Equal(Older, ModelRegistry.ActiveVersion(_root, "stance"));
    }

    [Fact]
    public void Activate_CrashBetweenHistoryAndActive_LeavesAConsistentRegistryWhoseRollbackStillWorks()
    {
        var crash = new IOException("simulated crash");
        Assert.Same(crash, Assert.Throws<IOException>(() =>
            ModelRegistry.Activate(_root, "stance", Older, _time, betweenHistoryAndActive: () => throw crash)));

        // Nothing moved, and the half-done activation is not taken for a real one.
        Assert.Equal(Current, ModelRegistry.ActiveVersion(_root, "stance"));
        Assert.Throws<InvalidOperationException>(() => ModelRegistry.Rollback(_root, "stance", _time));

        // Done again to the end, the rollback step is there and HISTORY holds only what really happened.
        ModelRegistry.Activate(_root, "stance", Older, _time);
        Assert.Equal((Older, Current), ModelRegistry.Rollback(_root, "stance", _time));
        var history = File.ReadAllLines(Path.Combine(_root, "stance", ModelRegistry.HistoryFileName));
        Assert.Equal([$"{Current}\t{Older}", $"{Older}\t{Current}"], history.Select(l => string.Join('\t', l.Split('\t')[1..3])));
    }

    [Fact]
    public async Task Promote_AfterAPromotionWasKilled_RemovesItsStagingFolderButNotOneOfALiveProcess()
    {
        var deadOwner = await FinishedProcessIdAsync();
        var taskDir = Path.Combine(_root, "stance");
        var abandoned = Directory.CreateDirectory(Path.Combine(taskDir, $".staging-{deadOwner}-stance-20990101-deadbeef-0001")).FullName;
        File.WriteAllBytes(Path.Combine(abandoned, "model.zip"), new byte[1024]);
        var live = Directory.CreateDirectory(Path.Combine(taskDir, $".staging-{Environment.ProcessId}-stance-20990101-cafe0001-0002")).FullName;
        var foreign = Directory.CreateDirectory(Path.Combine(taskDir, ".staging-not-a-process-id")).FullName;

        var outside = Directory.CreateDirectory(_dir.File("elsewhere/stance-20990101-0dd0beef")).FullName;
        foreach (var file in Directory.EnumerateFiles(Path.Combine(taskDir, Older)))
        {
            File.Copy(file, Path.Combine(outside, Path.GetFileName(file)));
        }

        var result = await ModelPromotion.PromoteAsync(_root, new EvaluationRequest("stance", outside, []), 0, force: true, _time, CancellationToken.None);

        Assert.True(result.Promoted);
        Assert.False(Directory.Exists(abandoned));
        Assert.True(Directory.Exists(live));
        Assert.True(Directory.Exists(foreign));
        Assert.DoesNotContain(Directory.EnumerateDirectories(taskDir, ".staging-*"), d => d.Contains("0dd0beef", StringComparison.Ordinal));
    }

    private static byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        new Random(13).NextBytes(bytes);
        return bytes;
    }

    /// <summary>The id of a process that has run and ended (so no process owns it, unless the id is reused).</summary>
    private static async Task<int> FinishedProcessIdAsync()
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("true") { UseShellExecute = false })!;
        await process.WaitForExitAsync();
        return process.Id;
    }

    [Fact]
    public async Task WorkerStart_RemovesStagingFoldersOfProcessesThatAreGone()
    {
        var models = _dir.File("full-models");
        foreach (var file in Directory.EnumerateFiles(RepoPaths.Models, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(models, Path.GetRelativePath(RepoPaths.Models, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        var abandoned = Directory.CreateDirectory(Path.Combine(models, "threat", $".staging-{await FinishedProcessIdAsync()}-threat-20990101-deadbeef-0001")).FullName;
        var live = Directory.CreateDirectory(Path.Combine(models, "threat", $".staging-{Environment.ProcessId}-threat-20990101-cafe0001-0002")).FullName;
        using var host = ThreatScorer.Worker.ThreatScorerHost.CreateBuilder(
            [$"--ThreatScorer:Inbox:Folders:0={_dir.File("no-inbox")}", $"--ThreatScorer:Store:SqlitePath={_dir.File("start.db")}", $"--ThreatScorer:Models:Root={models}"]).Build();

        await host.Services.GetRequiredService<ThreatScorer.Core.Configuration.StartupTasks>().RunAsync(CancellationToken.None);

        Assert.False(Directory.Exists(abandoned));
        Assert.True(Directory.Exists(live));
    }
}
