using ThreatScorer.Core.Models;
using ThreatScorer.Core.Threat;
using ThreatScorer.Tests.TestSupport;

namespace ThreatScorer.Tests.Threat;

public sealed class ThreatCorpusReaderTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Read_TeamCorpus_MeetsCoverageTargets()
    {
        var corpus = await ThreatCorpusReader.ReadAsync([Path.Combine(RepoPaths.Seeds, "training", "threat")], new Dictionary<string, string>(), CancellationToken.None);

        var texts = corpus.Examples.Count + corpus.UnresolvedReferences;
        Assert.True(texts >= 4000, $"{texts} labelled items");
        foreach (var level in ThreatLabels.Levels)
        {
            Assert.True(corpus.Examples.Count(e => e.Level == level) >= 300, $"level {level}");
        }

        foreach (var interaction in ThreatLabels.Interactions)
        {
            Assert.True(corpus.Examples.Count(e => e.Interaction == interaction) >= 300, $"interaction {interaction}");
        }

        foreach (var kind in ThreatLabels.Kinds)
        {
            Assert.True(corpus.Examples.Count(e => e.Kinds.Contains(kind)) >= 200, $"kind {kind}");
        }

        Assert.All(corpus.Examples.Where(e => e.Level == ThreatLabels.None), e => Assert.Empty(e.Kinds));
        Assert.Equal(corpus.Examples.Count, corpus.Examples.Select(e => e.Id).Distinct().Count());
    }

    [Fact]
    public async Task Read_SplitByGroup_NoGroupOnBothSides()
    {
        var corpus = await ThreatCorpusReader.ReadAsync([Path.Combine(RepoPaths.Seeds, "training", "threat")], new Dictionary<string, string>(), CancellationToken.None);

        var devGroups = corpus.Examples.Where(ThreatCorpusReader.IsDev).Select(e => e.Group).ToHashSet();
        var trainGroups = corpus.Examples.Where(e => !ThreatCorpusReader.IsDev(e)).Select(e => e.Group).ToHashSet();
        Assert.Empty(devGroups.Intersect(trainGroups));
        Assert.InRange(devGroups.Count / (double)(devGroups.Count + trainGroups.Count), 0.1, 0.3);
    }

    [Fact]
    public async Task Read_MalformedLine_NamesFileLineAndField()
    {
        var file = _dir.Write("bad.jsonl", """
            {"id":"t1","text":"Rebels shelled the town.","threat_level":"high","kinds":["armed_conflict"],"interaction":"material_conflict","group":"g1"}
            {"id":"t2","text":"Calm day.","threat_level":"severe","kinds":[],"interaction":"statement","group":"g1"}
            """);

        var error = await Assert.ThrowsAsync<InputFormatException>(() =>
            ThreatCorpusReader.ReadAsync([file], new Dictionary<string, string>(), CancellationToken.None));

        Assert.Equal(2, error.Line);
        Assert.Contains("threat_level", error.Message, StringComparison.Ordinal);
        Assert.Contains("bad.jsonl", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_Reference_IsJoinedWhenDatasetGivenAndCountedOtherwise()
    {
        var dataset = Directory.CreateDirectory(_dir.File("newsmtsc")).FullName;
        File.WriteAllText(Path.Combine(dataset, "train.jsonl"),
            """{"mention":"Police","polarity":0,"from":0,"to":6,"sentence":"Police arrested two suspects after the shooting.","id":"s-1"}""" + "\n");
        var file = _dir.Write("refs.jsonl",
            """{"id":"r1","ref":{"dataset":"newsmtsc","file":"train.jsonl","id":"s-1"},"threat_level":"elevated","kinds":["crime"],"interaction":"material_conflict","group":"g9","provenance":"newsmtsc-relabel"}""" + "\n");

        var joined = await ThreatCorpusReader.ReadAsync([file], new Dictionary<string, string> { ["newsmtsc"] = dataset }, CancellationToken.None);
        var alone = await ThreatCorpusReader.ReadAsync([file], new Dictionary<string, string>(), CancellationToken.None);

        Assert.Equal("Police arrested two suspects after the shooting.", Assert.Single(joined.Examples).Text);
        Assert.Empty(alone.Examples);
        Assert.Equal(1, alone.UnresolvedReferences);
    }
}
