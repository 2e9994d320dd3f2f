using Microsoft.Extensions.Time.Testing;
using ThreatScorer.Core.Models;
using ThreatScorer.Tests.TestSupport;

namespace ThreatScorer.Tests.Registry;

/// <summary>Immutable version folders, and HISTORY as a chain of activations to walk back along.</summary>
public sealed class RegistryHistoryTests : IDisposable
{
    private const string Current = "stance-20261128-b247e224";
    private const string Older = "stance-20261128-f89b35fb";
    private const string Third = "stance-20261128-3a3a3a3a";
    private readonly TempDirectory _dir = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
    private readonly string _root;

    public RegistryHistoryTests()
    {
        _root = _dir.File("models");
        foreach (var (version, source) in new[] { (Current, Current), (Older, Older), (Third, Current) })
        {
            var target = Directory.CreateDirectory(Path.Combine(_root, "stance", version)).FullName;
            foreach (var file in Directory.EnumerateFiles(Path.Combine(RepoPaths.Models, "stance", source)))
            {
                File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
            }
        }

        ModelRegistry.Activate(_root, "stance", Current, _time);
    }

    public void Dispose() => _dir.Dispose();

    private string Stage(byte[] model, string metrics = "{}")
    {
        var staging = Directory.CreateDirectory(ModelRegistry.NewStagingDirectory(Path.Combine(_root, "polarity"), "x")).FullName;
        File.WriteAllBytes(Path.Combine(staging, ModelRegistry.ModelFileName), model);
        File.WriteAllText(Path.Combine(staging, ModelRegistry.MetricsFileName), metrics);
        return staging;
    }

    [Fact]
    public void Publish_IdenticalRetrain_KeepsTheIdAndLeavesTheFolderUntouched()
    {
        var first = ModelRegistry.PublishVersion(_root, "polarity", "polarity-20261201-abcdef01", Stage([1, 2, 3], """{"a":1}"""), activate: false);
        var metrics = Path.Combine(first.Directory, ModelRegistry.MetricsFileName);
        var written = File.GetLastWriteTimeUtc(metrics);

        var again = ModelRegistry.PublishVersion(_root, "polarity", "polarity-20261201-abcdef01", Stage([1, 2, 3], """{"a":2}"""), activate: false);

        Assert.False(first.AlreadyPresent);
        Assert.True(again.AlreadyPresent);
        Assert.Equal(("polarity-20261201-abcdef01", first.Directory), (again.Version, again.Directory));
        Assert.Equal("""{"a":1}""", File.ReadAllText(metrics));
        Assert.Equal(written, File.GetLastWriteTimeUtc(metrics));
        Assert.Single(Directory.EnumerateDirectories(Path.Combine(_root, "polarity")));
    }

    [Fact]
    public void Publish_DifferentBytesSameRecipe_GetsANewDeterministicIdAndLeavesTheOldFolder()
    {
        var first = ModelRegistry.PublishVersion(_root, "polarity", "polarity-20261201-abcdef01", Stage([1, 2, 3]), activate: false);

        var second = ModelRegistry.PublishVersion(_root, "polarity", "polarity-20261201-abcdef01", Stage([9, 9, 9]), activate: false);
        var third = ModelRegistry.PublishVersion(_root, "polarity", "polarity-20261201-abcdef01", Stage([9, 9, 9]), activate: false);

        Assert.NotEqual(first.Version, second.Version);
        Assert.StartsWith("polarity-20261201-abcdef01-", second.Version, StringComparison.Ordinal);
        Assert.Equal([1, 2, 3], File.ReadAllBytes(Path.Combine(first.Directory, ModelRegistry.ModelFileName)));
        Assert.Equal([9, 9, 9], File.ReadAllBytes(Path.Combine(second.Directory, ModelRegistry.ModelFileName)));
        Assert.Equal((second.Version, true), (third.Version, third.AlreadyPresent));
        Assert.Equal(2, Directory.EnumerateDirectories(Path.Combine(_root, "polarity")).Count());
    }

    [Fact]
    public void Rollback_Twice_GoesTwoStepsBackInsteadOfToggling()
    {
        ModelRegistry.Activate(_root, "stance", Older, _time);
        ModelRegistry.Activate(_root, "stance", Third, _time);

        Assert.Equal((Third, Older), ModelRegistry.Rollback(_root, "stance", _time));
        Assert.Equal((Older, Current), ModelRegistry.Rollback(_root, "stance", _time));
        Assert.Equal(Current, ModelRegistry.ActiveVersion(_root, "stance"));
        Assert.Throws<InvalidOperationException>(() => ModelRegistry.Rollback(_root, "stance", _time));
    }

    [Fact]
    public void Rollback_Steps_And_To_WalkTheChain()
    {
        ModelRegistry.Activate(_root, "stance", Older, _time);
        ModelRegistry.Activate(_root, "stance", Third, _time);

        Assert.Equal((Third, Current), ModelRegistry.Rollback(_root, "stance", steps: 2, to: null, _time));
        ModelRegistry.Activate(_root, "stance", Third, _time);
        Assert.Equal((Third, Older), ModelRegistry.Rollback(_root, "stance", steps: 1, to: Older, _time));

        var history = ModelRegistry.History(_root, "stance");
        Assert.Equal(ModelRegistry.RollbackAction, history[^1].Action);
        Assert.Equal(Environment.UserName, history[^1].User);
    }

    [Fact]
    public void Rollback_ToAVersionNeverActive_IsRefusedClearly()
    {
        ModelRegistry.Activate(_root, "stance", Older, _time);

        var error = Assert.Throws<InvalidOperationException>(() => ModelRegistry.Rollback(_root, "stance", steps: 1, to: Third, _time));

        Assert.Contains("never active", error.Message, StringComparison.Ordinal);
        Assert.Equal(Older, ModelRegistry.ActiveVersion(_root, "stance"));
    }

    [Fact]
    public void Rollback_StepsBackToAVersionThatNoLongerLoads_ThrowsAndKeepsTheCurrentOne()
    {
        ModelRegistry.Activate(_root, "stance", Older, _time);
        ModelRegistry.Activate(_root, "stance", Third, _time);
        File.WriteAllBytes(Path.Combine(_root, "stance", Current, ModelRegistry.ModelFileName), [1, 2, 3, 4]);

        Assert.Throws<ModelLoadException>(() => ModelRegistry.Rollback(_root, "stance", steps: 2, to: null, _time));

        Assert.Equal(Third, ModelRegistry.ActiveVersion(_root, "stance"));
    }

    [Fact]
    public void History_RecordsUserActionForcedAndMetrics_AndStillReadsOldLines()
    {
        var history = Path.Combine(_root, "stance", ModelRegistry.HistoryFileName);
        File.WriteAllText(history, $"2026-11-01T00:00:00.0000000+00:00\t{Older}\t{Current}\n");
        ModelRegistry.Activate(_root, "stance", Third, _time, note: new ActivationNote("promote", Forced: true, Metrics: "macro-F1 0.7000 vs 0.7500"));

        var entries = ModelRegistry.History(_root, "stance");

        Assert.Equal(2, entries.Count);
        Assert.Equal((Older, Current, null, null, false), (entries[0].From, entries[0].To, entries[0].User, entries[0].Action, entries[0].Forced));
        Assert.Equal(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), entries[0].Time);
        Assert.Equal((Current, Third, "promote", true, "macro-F1 0.7000 vs 0.7500"), (entries[1].From, entries[1].To, entries[1].Action, entries[1].Forced, entries[1].Metrics));
        Assert.Equal(Environment.UserName, entries[1].User);

        // The old line is still a step to walk back along.
        Assert.Equal((Third, Older), ModelRegistry.Rollback(_root, "stance", steps: 2, to: null, _time));
    }

    [Fact]
    public async Task Promote_ADifferentBuildUnderAnExistingVersionName_IsRefusedAndNothingMoves()
    {
        var outside = Directory.CreateDirectory(_dir.File(Path.Combine("candidates", Third))).FullName;
        foreach (var file in Directory.EnumerateFiles(Path.Combine(_root, "stance", Older)))
        {
            File.Copy(file, Path.Combine(outside, Path.GetFileName(file)));
        }

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            ThreatScorer.Core.Training.ModelPromotion.PromoteAsync(
                _root, new ThreatScorer.Core.Training.EvaluationRequest("stance", outside, []), 0, force: true, _time, CancellationToken.None));

        Assert.Contains("never overwritten", error.Message, StringComparison.Ordinal);
        Assert.Equal(Current, ModelRegistry.ActiveVersion(_root, "stance"));
        Assert.Equal(
            File.ReadAllBytes(Path.Combine(RepoPaths.Models, "stance", Current, ModelRegistry.ModelFileName)),
            File.ReadAllBytes(Path.Combine(_root, "stance", Third, ModelRegistry.ModelFileName)));
    }

    [Fact]
    public void History_CrashBetweenHistoryAndActive_DropsTheIntentLine()
    {
        Assert.Throws<IOException>(() => ModelRegistry.Activate(
            _root, "stance", Older, _time, betweenHistoryAndActive: () => throw new IOException("crash"), note: new ActivationNote("promote")));

        Assert.Empty(ModelRegistry.History(_root, "stance"));
        Assert.Empty(ModelRegistry.PreviousVersions(_root, "stance"));
    }
}
