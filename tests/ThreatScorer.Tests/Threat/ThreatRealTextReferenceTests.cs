using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ThreatScorer.Core.Models;
using ThreatScorer.Core.Threat;
using ThreatScorer.Tests.TestSupport;

namespace ThreatScorer.Tests.Threat;

/// <summary>Real-text items stored by reference (seeds/training/threat/r-*.jsonl): the join, its errors, and the committed labels.</summary>
public sealed class ThreatRealTextReferenceTests : IDisposable
{
    private static readonly string[] RealDatasets =
        ["whitehouse", "onestopenglish", "wikitimes-cep-2015-09", "isaf-press-releases", "ucdp-ged-car", "plover-gsr"];

    private static readonly string[] CyberKinds = ["cyber"];

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Read_RealTextRefs_ResolveSpansInEveryDatasetFormat()
    {
        // An astral character (two UTF-16 units) before the span: offsets are C# string indexes, not code points.
        const string Statement = "Intro 😀 line.\n\nHackers breached the agency's network on Monday. Officials said no data was taken.";
        var sentence = "Hackers breached the agency's network on Monday.";
        var start = Statement.IndexOf(sentence, StringComparison.Ordinal);
        var datasets = WriteDatasets(Statement);
        var file = _dir.Write("r-test.jsonl", string.Join('\n',
            Line("r-1", "whitehouse", "statements.jsonl", "wh-1", sentence, start, sentence.Length),
            Line("r-2", "wikitimes-cep-2015-09", "wikitimes_CEP.json", "56657", "A flood killed 12 people.", 0, 25),
            Line("r-3", "ucdp-ged-car", "GEDEvent_v23_1_CAR.geojson", "36210", "C. Africa clashes kill 13", 0, 25),
            Line("r-4", "isaf-press-releases", "isaf.jsonl", "2", "KABUL (Jan. 1)\nA force detained a suspect.", null, null),
            Line("r-5", "plover-gsr", "PLOVER_GSR_CAMEO.json", "PLOVER-GSR01-AGREE-0001", "Officials agreed to cooperate.", null, null),
            Line("r-6", "onestopenglish", "articles.jsonl", "ose-1", "A quiet festival.", null, null)) + "\n");

        var corpus = await ThreatCorpusReader.ReadAsync([file], datasets, CancellationToken.None);

        Assert.Equal(0, corpus.UnresolvedReferences);
        Assert.Equal(
            [sentence, "A flood killed 12 people.", "C. Africa clashes kill 13", "KABUL (Jan. 1)\nA force detained a suspect.", "Officials agreed to cooperate.", "A quiet festival."],
            corpus.Examples.Select(e => e.Text));
        Assert.Equal("whitehouse:statements.jsonl", corpus.Examples[0].Source);
    }

    [Fact]
    public async Task Read_RealTextRef_HashMismatch_NamesFileLineAndField()
    {
        var datasets = WriteDatasets("Hackers breached the network.");
        var good = Line("r-1", "whitehouse", "statements.jsonl", "wh-1", "Hackers", 0, 7);
        var bad = Line("r-2", "whitehouse", "statements.jsonl", "wh-1", "Hackerz", 0, 7);
        var file = _dir.Write("r-bad-hash.jsonl", good + "\n" + bad + "\n");

        var error = await Assert.ThrowsAsync<InputFormatException>(() => ThreatCorpusReader.ReadAsync([file], datasets, CancellationToken.None));

        Assert.Equal(2, error.Line);
        Assert.Contains("r-bad-hash.jsonl:2:", error.Message, StringComparison.Ordinal);
        Assert.Contains("ref.sha256", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_RealTextRef_SpanOutOfRange_NamesFileLineAndField()
    {
        var datasets = WriteDatasets("Short.");
        var file = _dir.Write("r-bad-span.jsonl", Line("r-1", "whitehouse", "statements.jsonl", "wh-1", "Short.", 3, 6) + "\n");

        var error = await Assert.ThrowsAsync<InputFormatException>(() => ThreatCorpusReader.ReadAsync([file], datasets, CancellationToken.None));

        Assert.Equal(1, error.Line);
        Assert.Contains("r-bad-span.jsonl:1:", error.Message, StringComparison.Ordinal);
        Assert.Contains("ref.start", error.Message, StringComparison.Ordinal);
        Assert.Contains("out of range", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_RealTextRef_UnknownId_NamesFileLineAndField_AndMissingDatasetIsSkipped()
    {
        var datasets = WriteDatasets("Some text.");
        var file = _dir.Write("r-bad-id.jsonl", Line("r-1", "whitehouse", "statements.jsonl", "wh-404", "Some text.", null, null) + "\n");

        var error = await Assert.ThrowsAsync<InputFormatException>(() => ThreatCorpusReader.ReadAsync([file], datasets, CancellationToken.None));
        var absent = await ThreatCorpusReader.ReadAsync(
            [file], new Dictionary<string, string> { ["whitehouse"] = _dir.File("no-such-folder") }, CancellationToken.None);

        Assert.Equal(1, error.Line);
        Assert.Contains("ref.id", error.Message, StringComparison.Ordinal);
        Assert.Contains("wh-404", error.Message, StringComparison.Ordinal);
        Assert.Empty(absent.Examples);
        Assert.Equal(1, absent.UnresolvedReferences);
    }

    [Fact]
    public void IsDevGroup_RealTextGroups_HoldOutAboutAFifth()
    {
        var groups = Enumerable.Range(1, 4000).Select(i => $"r-x-g{i:D4}").ToList();

        var share = groups.Count(ThreatCorpusReader.IsDevGroup) / (double)groups.Count;

        Assert.InRange(share, 0.17, 0.23);
    }

    [SharedDataFact("real-news")]
    public async Task CommittedRealTextLabels_AllResolveAgainstTheSharedData()
    {
        var files = Directory.EnumerateFiles(Path.Combine(RepoPaths.Seeds, "training", "threat"), "r-*.jsonl").Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(files);
        var datasets = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["whitehouse"] = Path.Combine(RepoPaths.SharedData, "whitehouse"),
            ["onestopenglish"] = Path.Combine(RepoPaths.SharedData, "onestopenglish"),
        };
        foreach (var name in RealDatasets.Skip(2))
        {
            datasets[name] = Path.Combine(RepoPaths.SharedData, "real-news", name);
        }

        var lines = files.Sum(f => File.ReadLines(f).Count(l => !string.IsNullOrWhiteSpace(l)));
        var corpus = await ThreatCorpusReader.ReadAsync(files, datasets, CancellationToken.None);

        Assert.Equal(0, corpus.UnresolvedReferences);
        Assert.Equal(lines, corpus.Examples.Count);
        Assert.Equal(corpus.Examples.Count, corpus.Examples.Select(e => e.Id).Distinct().Count());
        Assert.All(corpus.Examples, e => Assert.StartsWith(ThreatCorpusReader.RealTextGroupPrefix, e.Group, StringComparison.Ordinal));
        Assert.All(corpus.Examples, e => Assert.Equal(e.Level == "none", e.Kinds.Count == 0));
        foreach (var bySource in corpus.Examples.GroupBy(e => e.Source))
        {
            var groups = bySource.Select(e => e.Group).Distinct().ToList();
            var dev = groups.Count(ThreatCorpusReader.IsDevGroup) / (double)groups.Count;
            Assert.True(groups.Count < 20 || dev is >= 0.12 and <= 0.32, $"{bySource.Key}: {dev:P0} of {groups.Count} groups in dev");
        }
    }

    private Dictionary<string, string> WriteDatasets(string statement)
    {
        var wh = _dir.Write("data/whitehouse/statements.jsonl", JsonSerializer.Serialize(new { id = "wh-1", title = "T", text = statement }) + "\n");
        _dir.Write("data/onestopenglish/articles.jsonl", JsonSerializer.Serialize(new { id = "ose-1", title = "T", text = "A quiet festival." }) + "\n");
        _dir.Write("data/cep/wikitimes_CEP.json", """[{"date":"2015-09-01","description":"A flood killed 12 people.  , ","id":"56657"}]""");
        _dir.Write("data/ucdp/GEDEvent_v23_1_CAR.geojson",
            """{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":36210,"source_headline":"C. Africa clashes kill 13;Liste des Incidents"}}]}""");
        _dir.Write("data/isaf/isaf.jsonl",
            """{"conversations":[{"from":"system","value":"x"},{"from":"human","value":"PRESS RELEASE TEXT: first"}]}""" + "\n"
            + """{"conversations":[{"from":"system","value":"x"},{"from":"human","value":"PRESS RELEASE TEXT: KABUL (Jan. 1)\nA force detained a suspect."}]}""" + "\n");
        _dir.Write("data/plover/PLOVER_GSR_CAMEO.json",
            """[{"id":"PLOVER-GSR01-DOCUMENT-0001","event":"DOCUMENT"},{"id":"PLOVER-GSR01-AGREE-0001","text":"Officials agreed to cooperate."}]""");
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["whitehouse"] = wh, // a file path, as the CLI's default map gives it: its folder is used
            ["onestopenglish"] = _dir.File("data/onestopenglish"),
            ["wikitimes-cep-2015-09"] = _dir.File("data/cep"),
            ["ucdp-ged-car"] = _dir.File("data/ucdp"),
            ["isaf-press-releases"] = _dir.File("data/isaf"),
            ["plover-gsr"] = _dir.File("data/plover"),
        };
    }

    private static string Line(string id, string dataset, string file, string refId, string text, int? start, int? length)
    {
        var reference = new Dictionary<string, object> { ["dataset"] = dataset, ["file"] = file, ["id"] = refId };
        if (start is { } s && length is { } l)
        {
            reference["start"] = s;
            reference["length"] = l;
        }

        reference["sha256"] = Hash(text);
        return JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["id"] = id,
            ["ref"] = reference,
            ["threat_level"] = "low",
            ["kinds"] = CyberKinds,
            ["interaction"] = "statement",
            ["group"] = "r-t-g0001",
            ["provenance"] = "real-label",
        });
    }

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
}
