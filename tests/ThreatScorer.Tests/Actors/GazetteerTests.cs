using System.Security.Cryptography;
using ThreatScorer.Core.Actors;
using ThreatScorer.Tests.TestSupport;

namespace ThreatScorer.Tests.Actors;

public sealed class GazetteerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gazetteer-tests-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Load_WhenFileMissing_ThrowsNamingThePath()
    {
        var path = Path.Combine(_dir, "nope.json");

        var ex = Assert.Throws<FileNotFoundException>(() => Gazetteer.Load(path));

        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{ not json")]
    [InlineData("{\"header\":{\"format\":\"something-else\"},\"actors\":[]}")]
    [InlineData("{\"header\":{\"format\":\"threatscorer-gazetteer/1\"}}")]
    [InlineData("{\"header\":{\"format\":\"threatscorer-gazetteer/1\"},\"actors\":[{\"id\":\"\",\"name\":\"x\",\"type\":\"State\"}]}")]
    [InlineData("{\"header\":{\"format\":\"threatscorer-gazetteer/1\"},\"actors\":[{\"id\":\"A\",\"name\":\"x\",\"type\":\"Planet\"}]}")]
    public void Load_WhenFileCorrupt_ThrowsNamingThePathAndReason(string content)
    {
        var path = Path.Combine(_dir, "corrupt.json");
        File.WriteAllText(path, content);

        var ex = Assert.Throws<InvalidDataException>(() => Gazetteer.Load(path));

        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.True(ex.Message.Length > path.Length + 20, ex.Message);
    }

    [Fact]
    public void Save_ThenLoad_RoundTripsActorsAndSources()
    {
        var actors = new List<Actor>
        {
            new("TJK", "Tajikistan", ActorType.State, "TJK", ["Tajik", "Dushanbe"]),
            new("PER.EMOMALI_RAHMON", "Emomali Rahmon", ActorType.Person, "TJK", ["Rahmon"]),
            new("IGO.CSTO", "Collective Security Treaty Organisation", ActorType.Igo, null, []),
        };
        var source = new GazetteerSource("test", "x.txt", "00", "MIT");
        var path = Path.Combine(_dir, "g.json");

        new Gazetteer(actors, [source]).Save(path);
        var loaded = Gazetteer.Load(path);

        Assert.Equal(actors.Select(a => (a.Id, a.Name, a.Type, a.Country)), loaded.Actors.Select(a => (a.Id, a.Name, a.Type, a.Country)));
        Assert.Equal(actors.Select(a => a.Aliases), loaded.Actors.Select(a => a.Aliases));
        Assert.Equal(source, Assert.Single(loaded.Sources));
    }

    [Fact]
    public void CommittedGazetteer_LoadsWithSourcesAndIsSmall()
    {
        var gazetteer = Gazetteer.Load(ActorTestText.GazetteerPath);
        var summary = gazetteer.Summarise(new FileInfo(ActorTestText.GazetteerPath).Length);

        Assert.InRange(summary.FileBytes, 1, 5 * 1024 * 1024);
        Assert.Contains(gazetteer.Sources, s => s.Licence.Contains("MIT", StringComparison.Ordinal));
        Assert.True(summary.ActorsByType[ActorType.State] >= 190, summary.ToString());
        Assert.True(File.Exists(Path.Combine(RepoPaths.Models, "actors", "LICENSE-petrarch2.txt")));
    }

    [Fact]
    public void CommittedGazetteer_WasBuiltFromTheCurrentSupplement()
    {
        var supplement = Path.Combine(RepoPaths.Root, "src", "ThreatScorer.Core", "Actors", "Supplement", "actors-supplement.tsv");
        var recorded = Gazetteer.Load(ActorTestText.GazetteerPath).Sources.Single(s => s.File == "actors-supplement.tsv");

        var current = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(supplement)));

        Assert.True(recorded.Sha256 == current, "actors-supplement.tsv changed: rebuild models/actors/gazetteer.json (see models/actors/README.md).");
    }

    [Fact]
    public void CommittedGazetteer_GivesEachNameToOneActor()
    {
        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        var clashes = new List<string>();
        foreach (var actor in Gazetteer.Load(ActorTestText.GazetteerPath).Actors)
        {
            foreach (var name in actor.Aliases.Prepend(actor.Name).Distinct())
            {
                var key = string.Join(' ', name.ToLowerInvariant().Split([' ', '-'], StringSplitOptions.RemoveEmptyEntries));
                if (owners.TryGetValue(key, out var owner) && owner != actor.Id && actor.Aliases.Contains(name))
                {
                    clashes.Add($"{name}: {owner} / {actor.Id}");
                }

                owners.TryAdd(key, actor.Id);
            }
        }

        Assert.Empty(clashes);
    }
}
