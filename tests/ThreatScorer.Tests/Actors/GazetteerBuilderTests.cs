using ThreatScorer.Core.Actors;
using ThreatScorer.Tests.TestSupport;

namespace ThreatScorer.Tests.Actors;

public sealed class GazetteerBuilderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gazetteer-builder-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string SupplementPath =>
        Path.Combine(RepoPaths.Root, "src", "ThreatScorer.Core", "Actors", "Supplement", "actors-supplement.tsv");

    private string WriteSample()
    {
        File.WriteAllText(Path.Combine(_dir, "Phoenix.Countries.actors.txt"), """
            # comment
            TAJIKISTAN_
            +TAJIK_
            +DUSHANBE_
            	[USRTJK <910909]
            	[TJK >911221]
            EMOMALI_RAKHMONOV_  # CountryInfo.txt
            	[TJKELI 700101-000101]
            	[TJKGOV >921119]
            OLD_MINISTER_NAME_  # CountryInfo.txt
            	[TJKGOV 950101-990101]
            TAJIK_ARMED_FORCES_
            	[TJKMIL]

            """.Replace("            ", "", StringComparison.Ordinal));
        File.WriteAllText(Path.Combine(_dir, "Phoenix.International.actors.txt"), """
            NATO_
            +NORTH_ATLANTIC_TREATY_ORGANIZATION_
            	[IGOWSTNAT]
            NATO_MILITARY_COMMITTEE_	[IGOWSTNAT]
            ACME_CORP_	[MNCUSA]
            """.Replace("            ", "", StringComparison.Ordinal));
        File.WriteAllText(Path.Combine(_dir, "Phoenix.MilNonState.actors.txt"), """
            TALIBAN_ [AFGREB] #  kkl 21 Mar 13
            +TALEBAN_
            SOME_TAJIK_CELL_ [TJKREB]
            """.Replace("            ", "", StringComparison.Ordinal));
        var supplement = Path.Combine(_dir, "supplement.tsv");
        File.WriteAllText(supplement, string.Join('\n',
            "# test",
            "id\tname\ttype\tcountry\taliases",
            "TJK\tTajikistan\tState\tTJK\tTajik|Tajiks",
            "AFG\tAfghanistan\tState\tAFG\tAfghan|Kabul",
            "IGO.NATO\tNATO\tIgo\t\tNato",
            "GRP.TALIBAN\tTaliban\tArmedGroup\tAFG\t",
            "\tEmomali Rahmon\tPerson\tTJK\tRahmon|Emomali Rakhmonov"));
        return supplement;
    }

    [Fact]
    public void Build_OnSample_MergesPetrarchIntoSupplementAndDropsHistory()
    {
        var g = GazetteerBuilder.Build(_dir, WriteSample());

        var tjk = g.Find("TJK")!;
        Assert.Contains("Dushanbe", tjk.Aliases);
        var rahmon = g.Find("PER.EMOMALI_RAHMON")!;
        Assert.Equal(("TJK", ActorType.Person), (rahmon.Country, rahmon.Type));
        Assert.DoesNotContain(g.Actors, a => a.Name == "Old Minister Name");
        Assert.Contains("Taleban", g.Find("GRP.TALIBAN")!.Aliases);
        Assert.Contains("NATO Military Committee", g.Find("IGO.NATO")!.Aliases);
        Assert.Contains("North Atlantic Treaty Organization", g.Find("IGO.NATO")!.Aliases);
        Assert.Equal(("TJK", ActorType.Organisation), (g.Find("ORG.TAJIK_ARMED_FORCES")!.Country, g.Find("ORG.TAJIK_ARMED_FORCES")!.Type));
        Assert.Equal(("TJK", ActorType.ArmedGroup), (g.Find("GRP.SOME_TAJIK_CELL")?.Country, g.Find("GRP.SOME_TAJIK_CELL")!.Type));
        Assert.DoesNotContain(g.Actors, a => a.Name.Contains("Acme", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(4, g.Sources.Count);
    }

    [Fact]
    public void Build_WhenDictionaryMissing_ThrowsNamingThePath()
    {
        var supplement = WriteSample();
        File.Delete(Path.Combine(_dir, "Phoenix.MilNonState.actors.txt"));

        var ex = Assert.Throws<FileNotFoundException>(() => GazetteerBuilder.Build(_dir, supplement));

        Assert.Contains("Phoenix.MilNonState.actors.txt", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_WhenSupplementRowMalformed_ThrowsNamingTheLine()
    {
        var supplement = WriteSample();
        File.AppendAllText(supplement, "\nXXX\tBroken\tPlanet\t\t\n");

        var ex = Assert.Throws<InvalidDataException>(() => GazetteerBuilder.Build(_dir, supplement));

        Assert.Contains("line", ex.Message, StringComparison.Ordinal);
        Assert.Contains(supplement, ex.Message, StringComparison.Ordinal);
    }

    [SharedDataFact("petrarch2/Phoenix.Countries.actors.txt")]
    public void Build_OnRealPetrarch_ProducesCompactGazetteerWithKeyActors()
    {
        var output = Path.Combine(_dir, "gazetteer.json");

        var summary = GazetteerBuilder.BuildFile(Path.Combine(RepoPaths.SharedData, "petrarch2"), SupplementPath, output);
        var g = Gazetteer.Load(output);

        Assert.InRange(summary.FileBytes, 100_000, 5 * 1024 * 1024);
        Assert.Contains("Moscow", g.Find("RUS")!.Aliases);
        Assert.Contains("Dushanbe", g.Find("TJK")!.Aliases);
        Assert.Contains("Emomali Rakhmonov", g.Find("PER.EMOMALI_RAHMON")!.Aliases);
        Assert.Contains("CSTO", g.Find("IGO.CSTO")!.Aliases);
        Assert.Contains("ISIL", g.Find("GRP.ISIS")!.Aliases);
        Assert.DoesNotContain("Vladimir", g.Find("RUS")!.Aliases);
        Assert.True(summary.ActorsByType[ActorType.Person] > 1000, summary.ToString());
    }

    [SharedDataFact("petrarch2/Phoenix.Countries.actors.txt")]
    public void Build_OnRealPetrarch_MatchesTheCommittedGazetteer()
    {
        var built = GazetteerBuilder.Build(Path.Combine(RepoPaths.SharedData, "petrarch2"), SupplementPath);
        var committed = Gazetteer.Load(ActorTestText.GazetteerPath);

        Assert.Equal(committed.Actors.Select(a => a.Id), built.Actors.Select(a => a.Id));
    }
}
