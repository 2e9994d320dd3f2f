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
}
