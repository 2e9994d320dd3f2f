using ThreatScorer.Core.Articles;
using ThreatScorer.Core.Cleaning;
using ThreatScorer.Core.Scoring;
using ThreatScorer.Tests.TestSupport;

namespace ThreatScorer.Tests.Scoring;

/// <summary>The whole pipeline (real reader, cleaner, gazetteer and shipped models) on the reference article.</summary>
public sealed class SeedArticlePipelineTests
{
    private static readonly Lazy<ArticleAssessment> Seed = new(() =>
    {
        var article = Assert.Single(new ArticleFileReader().Read(RepoPaths.SeedArticle, ArticleLimits.Default)).Article!;
        var scorer = new ArticleScorer(new TextCleaner(), ScoringModelProvider.Fixed(ShippedModels.Load()), TimeProvider.System);
        return scorer.Score(article, new ArticleIdentity("a-seed", 1), ArticleLimits.Default, CancellationToken.None).Assessment!;
    });

    [Theory]
    [InlineData("RUS")]
    [InlineData("TJK")]
    [InlineData("AFG")]
    [InlineData("GRP.TALIBAN")]
    [InlineData("IGO.CSTO")]
    public void Score_SeedArticle_FindsActor(string actorId) =>
        Assert.Contains(Seed.Value.Actors, a => a.ActorId == actorId);

    [Fact]
    public void Score_SeedArticle_FindsIslamicStateFromIsis()
    {
        var isis = Assert.Single(Seed.Value.Actors, a => a.Type == Core.Actors.ActorType.ArmedGroup && a.Mentions.Any(m => m.Text == "ISIS"));
        Assert.StartsWith("GRP.", isis.ActorId, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Russian")]
    [InlineData("Moscow")]
    [InlineData("Russia-led")]
    public void Score_SeedArticle_MapsVariantToRussia(string surface)
    {
        var russia = Assert.Single(Seed.Value.Actors, a => a.ActorId == "RUS");
        Assert.Contains(russia.Mentions, m => surface.StartsWith(m.Text, StringComparison.Ordinal));
    }

    [Fact]
    public void Score_SeedArticle_FindsCstoLongForm()
    {
        var csto = Assert.Single(Seed.Value.Actors, a => a.ActorId == "IGO.CSTO");
        Assert.Contains(csto.Mentions, m => m.Text == "Collective Security Treaty Organisation");
        Assert.Contains(csto.Mentions, m => m.Text == "CSTO");
    }

    [Fact]
    public void Score_SeedArticle_EveryMentionAndEvidencePointsIntoCleanedText()
    {
        var a = Seed.Value;
        foreach (var actor in a.Actors)
        {
            foreach (var m in actor.Mentions)
            {
                Assert.Equal(m.Text, a.CleanedText.Substring(m.Start, m.Length));
            }

            foreach (var e in actor.Evidence)
            {
                Assert.Equal(e.Text, a.CleanedText.Substring(e.Start, e.Length));
            }
        }
    }

    [Fact]
    public void Score_SeedArticle_DropsSiteChromeAndKeepsTitle()
    {
        var a = Seed.Value;
        Assert.Equal("Russia vows to shield Tajikistan as threat of Taliban sponsored terrorism rises", a.Title);
        Assert.DoesNotContain("Also Read", a.CleanedText, StringComparison.Ordinal);
        Assert.DoesNotContain("English News", a.CleanedText, StringComparison.Ordinal);
        Assert.DoesNotContain("youtube", a.CleanedText, StringComparison.Ordinal);
    }

    [Fact]
    public void Score_SeedArticle_RecordsSentimentAndModelVersions()
    {
        var a = Seed.Value;
        Assert.InRange(a.Sentiment.Score, -1, 1);
        Assert.Contains(a.Sentiment.Label, Core.Models.PolarityLabels.All);
        Assert.StartsWith("stance-", a.Models.Stance, StringComparison.Ordinal);
        Assert.StartsWith("sentiment-", a.Models.Sentiment, StringComparison.Ordinal);
    }
}
