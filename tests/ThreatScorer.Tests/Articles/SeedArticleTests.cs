using ThreatScorer.Core.Articles;
using ThreatScorer.Core.Cleaning;
using ThreatScorer.Tests.Cleaning;
using ThreatScorer.Tests.TestSupport;

namespace ThreatScorer.Tests.Articles;

/// <summary>The reference article from seeds/: a scraped page with site chrome around a real story.</summary>
public sealed class SeedArticleTests
{
    private static readonly RawArticle Raw = ReadSeed();

    private static readonly CleanedArticle Cleaned = new TextCleaner().Clean(Raw);

    private static RawArticle ReadSeed()
    {
        var result = Assert.Single(new ArticleFileReader().Read(RepoPaths.SeedArticle, ArticleLimits.Default));
        Assert.False(result.IsRejected, result.RejectionReason);
        return result.Article!;
    }

    [Fact]
    public void Seed_Title_IsTheHeadline()
    {
        Assert.Equal("Russia vows to shield Tajikistan as threat of Taliban sponsored terrorism rises", Raw.Title);
        Assert.Equal(Raw.Title, Cleaned.Title);
        Assert.True(Cleaned.Sentences[0].IsTitle);
    }

    [Theory]
    [InlineData("English News")]
    [InlineData("indianarrative")]
    [InlineData("youtube")]
    [InlineData("facebook")]
    [InlineData("twitter")]
    [InlineData("(File image courtesy")]
    [InlineData("who has been highlighting the threat Taliban's return")]
    [InlineData("Also Read")]
    [InlineData("Russian military reaches Afghanistan's border ahead of major exercise")]
    [InlineData("Central Asia frontline unites to confront Taliban")]
    public void Seed_SiteChrome_IsRemoved(string chrome) =>
        Assert.DoesNotContain(chrome, Cleaned.Text, StringComparison.Ordinal);

    [Fact]
    public void Seed_LoneTagLine_IsRemoved() =>
        Assert.DoesNotContain("\n\ntajik\n\n", Cleaned.Text, StringComparison.Ordinal);

    [Fact]
    public void Seed_RealParagraphs_AllStay()
    {
        var paragraphs = Cleaned.Text.Split("\n\n");

        // The headline and the fifteen paragraphs of the story.
        Assert.Equal(16, paragraphs.Length);
        Assert.StartsWith("Russia has once again emphatically announced", paragraphs[1], StringComparison.Ordinal);
        Assert.StartsWith("Tajikistan President Emomali Rahmon has been highlighting", paragraphs[8], StringComparison.Ordinal);
        Assert.StartsWith("Tajikistan \u2013 a frontline state \u2013 shares a long border", paragraphs[14], StringComparison.Ordinal);
        Assert.StartsWith("The Central Asian countries have emphasised", paragraphs[15], StringComparison.Ordinal);
    }

    [Fact]
    public void Seed_RudenkoQuotes_AreEachOneSentence()
    {
        var assistance = Assert.Single(Cleaned.Sentences, s => s.Text.StartsWith("\"All necessary assistance", StringComparison.Ordinal));
        Assert.EndsWith("Rudenko was quoted as saying by the Interfax news agency, according to Reuters.", assistance.Text, StringComparison.Ordinal);

        var reports = Assert.Single(Cleaned.Sentences, s => s.Text.StartsWith("\"There are indeed reports", StringComparison.Ordinal));
        Assert.EndsWith("(about not attacking neighbours),\" Rudenko added.", reports.Text, StringComparison.Ordinal);
        Assert.Single(Cleaned.Sentences, s => s.Paragraph == reports.Paragraph);
    }

    [Fact]
    public void Seed_Cleaned_KeepsOffsetInvariant() => CleanedArticleAssert.Invariants(Cleaned);
}
