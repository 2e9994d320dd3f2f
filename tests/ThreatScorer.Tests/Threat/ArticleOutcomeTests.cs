using System.Text.Json;
using ThreatScorer.Core.Articles;
using ThreatScorer.Core.Cleaning;
using ThreatScorer.Core.Models;
using ThreatScorer.Core.Scoring;
using ThreatScorer.Core.Threat;
using ThreatScorer.Tests.TestSupport;

namespace ThreatScorer.Tests.Threat;

/// <summary>
/// Outcomes the shipped models must reach on whole articles: the reference article and twelve realistic test
/// articles (tests/ThreatScorer.Tests/Fixtures/articles, each with a .expected.json a careful reader agrees with).
/// </summary>
public sealed class ArticleOutcomeTests
{
    private static readonly string[] LeadingSeedKinds = ["terrorism", "armed_conflict"];
    private static readonly string[] ThreatWords = ["threat", "terror", "Taliban", "ISIS", "security", "attack", "military", "exercise", "instability"];

    private static readonly Lazy<ArticleScorer> Scorer = new(() =>
        new ArticleScorer(new TextCleaner(), ScoringModelProvider.Fixed(ShippedModels.Load()), TimeProvider.System));

    private static string FixtureFolder => Path.Combine(RepoPaths.Root, "tests", "ThreatScorer.Tests", "Fixtures", "articles");

    public static TheoryData<string> Fixtures()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "tests", "ThreatScorer.Tests", "Fixtures", "articles"), "*.txt").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileNameWithoutExtension(file));
        }

        return data;
    }

    [Fact]
    public void SeedArticle_IsAtLeastElevated_LedByTerrorismOrArmedConflict()
    {
        var a = Score(RepoPaths.SeedArticle);

        Assert.True(ThreatLabels.LevelRank(a.Threat.Level) >= 2, $"threat level {a.Threat.Level} ({a.Threat.Score})");
        Assert.Contains(a.Threat.TopKind, LeadingSeedKinds);
        Assert.NotEmpty(a.Threat.Evidence);
        Assert.All(a.Threat.Evidence, e => Assert.Equal(e.Text, a.CleanedText.Substring(e.Start, e.Length)));
    }

    [Fact]
    public void SeedArticle_EvidenceIsAboutTheThreat()
    {
        var a = Score(RepoPaths.SeedArticle);

        Assert.All(a.Threat.Evidence, e => Assert.Contains(ThreatWords, w => e.Text.Contains(w, StringComparison.OrdinalIgnoreCase)));
    }

    [Theory]
    [InlineData("GRP.TALIBAN")]
    [InlineData("GRP.ISIS")]
    public void SeedArticle_ArmedGroupsAreNegative(string actorId)
    {
        var actor = Assert.Single(Score(RepoPaths.SeedArticle).Actors, x => x.ActorId == actorId);

        Assert.Equal(PolarityLabels.Negative, actor.Label);
    }

    [Theory]
    [InlineData("RUS")]
    [InlineData("IGO.CSTO")]
    public void SeedArticle_ProtectorsAreNotNegative(string actorId)
    {
        var actor = Assert.Single(Score(RepoPaths.SeedArticle).Actors, x => x.ActorId == actorId);

        Assert.NotEqual(PolarityLabels.Negative, actor.Label);
    }

    [Fact]
    public void SeedArticle_RussiaSupportsTajikistan()
    {
        var relations = Score(RepoPaths.SeedArticle).Relations;

        Assert.Contains(relations, r => r.SubjectId == "RUS" && r.ObjectId == "TJK" && r.Interaction.EndsWith("cooperation", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void FixtureArticle_MeetsItsExpectedOutcome(string name)
    {
        using var expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(FixtureFolder, name + ".expected.json")));
        var e = expected.RootElement;
        var a = Score(Path.Combine(FixtureFolder, name + ".txt"));
        var rank = ThreatLabels.LevelRank(a.Threat.Level);
        var summary = $"{name}: threat {a.Threat.Level} {a.Threat.Score:0.00}, top kind {a.Threat.TopKind}, kinds {string.Join(", ", a.Threat.Kinds.Select(k => $"{k.Key} {k.Value:0.00}"))}";

        Assert.True(rank >= ThreatLabels.LevelRank(e.GetProperty("threat_level_at_least").GetString()!), summary);
        Assert.True(rank <= ThreatLabels.LevelRank(e.GetProperty("threat_level_at_most").GetString()!), summary);
        var kinds = e.GetProperty("top_kinds_any_of").EnumerateArray().Select(k => k.GetString()!).ToList();
        if (kinds.Count > 0)
        {
            var best = a.Threat.Kinds.MaxBy(k => k.Value).Key;
            Assert.True(kinds.Contains(best), $"top kind {best} not in [{string.Join(", ", kinds)}]; {summary}");
        }

        foreach (var actor in e.GetProperty("actors").EnumerateObject())
        {
            var found = a.Actors.FirstOrDefault(x => x.Name == actor.Name || x.Mentions.Any(m => m.Text == actor.Name));
            Assert.True(found is not null, $"{name}: actor {actor.Name} not found among {string.Join(", ", a.Actors.Select(x => x.Name))}");
            if (actor.Value.TryGetProperty("stance", out var stance))
            {
                Assert.True(found.Label == stance.GetString(), $"{name}: {actor.Name} is {found.Label} ({found.Score:+0.00;-0.00}), expected {stance.GetString()}");
            }

            if (actor.Value.TryGetProperty("stance_not", out var not))
            {
                Assert.True(found.Label != not.GetString(), $"{name}: {actor.Name} is {found.Label} ({found.Score:+0.00;-0.00}), expected not {not.GetString()}");
            }
        }
    }

    private static ArticleAssessment Score(string path)
    {
        var article = Assert.Single(new ArticleFileReader().Read(path, ArticleLimits.Default)).Article!;
        var result = Scorer.Value.Score(article, new ArticleIdentity("a-test", 1), ArticleLimits.Default, CancellationToken.None);
        return result.Assessment ?? throw new InvalidOperationException($"{path} was rejected: {result.RejectionReason}");
    }
}
