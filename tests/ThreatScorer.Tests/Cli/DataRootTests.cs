using ThreatScorer.Cli.Commands;

namespace ThreatScorer.Tests.Cli;

public sealed class DataRootTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("ts-data-root-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Datasets_WithAConfiguredRoot_FindsEachDatasetWhereFetchDataPutsIt()
    {
        Directory.CreateDirectory(Path.Combine(_root, "newsmtsc"));
        Directory.CreateDirectory(Path.Combine(_root, "real-news", "plover-gsr"));
        Directory.CreateDirectory(Path.Combine(_root, "whitehouse"));
        File.WriteAllText(Path.Combine(_root, "whitehouse", "statements.jsonl"), "");

        var map = TrainCommand.Datasets([], _root);

        Assert.Equal(Path.Combine(_root, "newsmtsc"), map["newsmtsc"]);
        Assert.Equal(Path.Combine(_root, "real-news", "plover-gsr"), map["plover-gsr"]);
        Assert.Equal(Path.Combine(_root, "whitehouse", "statements.jsonl"), map["whitehouse"]);
        Assert.False(map.ContainsKey("onestopenglish"), "a dataset missing from the root is not mapped");
        Assert.False(map.ContainsKey("cameo"));
    }

    [Fact]
    public void Datasets_GivenOnTheCommandLine_OverrideTheRoot()
    {
        Directory.CreateDirectory(Path.Combine(_root, "newsmtsc"));

        var map = TrainCommand.Datasets(["newsmtsc=/elsewhere/newsmtsc"], _root);

        Assert.Equal("/elsewhere/newsmtsc", map["newsmtsc"]);
    }

    [Fact]
    public void DataRoots_WithoutAConfiguredRoot_AreDataThenTheTeamMirror()
    {
        var roots = TrainCommand.DataRoots(configured: "");

        Assert.Equal(["data", "../shared/data"], roots);
    }
}
