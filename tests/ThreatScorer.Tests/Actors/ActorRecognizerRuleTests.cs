using ThreatScorer.Core.Actors;

namespace ThreatScorer.Tests.Actors;

public sealed class ActorRecognizerRuleTests
{
    private static List<(string Text, string Id)> Found(string text) =>
        ActorTestText.Recognize(text).Select(m => (m.Text, m.ActorId)).ToList();

    [Fact]
    public void Recognize_UpperCaseAcronym_MatchesOnlyUpperCase()
    {
        var found = Found("Let us see what the US and the UN say about un-American ideas and the U.N. mission.");

        Assert.Contains(("US", "USA"), found);
        Assert.Contains(("UN", "IGO.UN"), found);
        Assert.Contains(("U.N.", "IGO.UN"), found);
        Assert.DoesNotContain(found, f => f.Text is "us" or "un");
    }

    [Fact]
    public void Recognize_IsPronounOrVerb_IsNeverIslamicState()
    {
        var found = Found("IT IS CLEAR. The group, known as IS, is weaker, but Daesh and ISIL remain.");

        Assert.DoesNotContain(found, f => f.Text == "IS");
        Assert.Contains(("Daesh", "GRP.ISIS"), found);
        Assert.Contains(("ISIL", "GRP.ISIS"), found);
    }

    [Theory]
    [InlineData("Officials met the Collective Security Treaty Organization in Minsk.", "Collective Security Treaty Organization", "IGO.CSTO")]
    [InlineData("Officials spoke at the United Nations in New York.", "United Nations", "IGO.UN")]
    [InlineData("Officials said the Taleban had advanced.", "Taleban", "GRP.TALIBAN")]
    [InlineData("Officials blamed al-Qaida for the attack.", "al-Qaida", "GRP.ALQAEDA")]
    [InlineData("Officials blamed Hezbollah for the attack.", "Hezbollah", "GRP.HEZBOLLAH")]
    [InlineData("Officials blamed the Houthis for the attack.", "Houthis", "GRP.HOUTHIS")]
    [InlineData("Officials blamed al-Shabaab for the attack.", "al-Shabaab", "GRP.ALSHABAAB")]
    [InlineData("Officials blamed Boko Haram for the attack.", "Boko Haram", "GRP.BOKOHARAM")]
    [InlineData("Officials said Nato would respond.", "Nato", "IGO.NATO")]
    [InlineData("Officials in Kyiv and Kiev said so.", "Kyiv", "UKR")]
    [InlineData("Officials said ISIS-K claimed it.", "ISIS-K", "GRP.ISKP")]
    public void Recognize_KnownVariant_FindsActor(string text, string span, string actorId)
    {
        Assert.Contains((span, actorId), Found(text));
    }

    [Fact]
    public void Recognize_CurlyPossessive_ExcludesTheSuffix()
    {
        Assert.Contains(("Taliban", "GRP.TALIBAN"), Found("Analysts doubt the Taliban\u2019s promises."));
    }

    [Fact]
    public void Recognize_SurnameOnly_FindsPersonLinkedToCountry()
    {
        var putin = Assert.Single(ActorTestText.Recognize("Analysts said Putin and Zelensky spoke."), m => m.ActorId == "PER.VLADIMIR_PUTIN");

        Assert.Equal(("RUS", ActorType.Person), (putin.Country, putin.Type));
        Assert.Contains(ActorTestText.Recognize("Analysts said Putin and Zelensky spoke."), m => m.ActorId == "PER.VOLODYMYR_ZELENSKY");
    }

    [Fact]
    public void Recognize_ListedSurnameAfterUnknownFirstName_IsReportedAsTheLongerUnlistedName()
    {
        var found = Found("Court news\n\nAnalysts said Hunter Biden was in court on charges brought last year.");

        Assert.Contains(("Hunter Biden", "UNLISTED:HUNTER_BIDEN"), found);
        Assert.DoesNotContain(found, f => f.Id == "PER.JOE_BIDEN");
    }

    [Fact]
    public void Recognize_TitleCaseHeadline_ReportsNoUnlistedWords()
    {
        var text = "Russia Vows To Shield Tajikistan As Threat Of Taliban Terror Rises\n\nOfficials spoke.";

        var mentions = ActorTestText.Recognize(text);

        Assert.DoesNotContain(mentions, m => !m.IsListed);
        Assert.Contains(mentions, m => m.ActorId == "TJK");
    }

    [Fact]
    public void Recognize_OrdinaryWordsAndCalendar_AreNotUnlistedActors()
    {
        var text = "Title line here\n\nHowever, on Monday in March the Minister said nothing. Meanwhile Central Asian states waited. " +
                   "They met on Friday.";

        Assert.DoesNotContain(ActorTestText.Recognize(text), m => !m.IsListed);
    }

    [Fact]
    public void Recognize_EmptyText_ReturnsNothing()
    {
        Assert.Empty(ActorTestText.Recognizer.Recognize("", []));
    }

    [Fact]
    public void Recognize_IsThreadSafe_SameResultsInParallel()
    {
        var text = File.ReadAllText(TestSupport.RepoPaths.SeedArticle);
        var sentences = ActorTestText.Split(text);
        var expected = ActorTestText.Recognizer.Recognize(text, sentences);

        var results = new IReadOnlyList<ActorMention>[16];
        Parallel.For(0, results.Length, i => results[i] = ActorTestText.Recognizer.Recognize(text, sentences));

        Assert.All(results, r => Assert.Equal(expected, r));
    }
}
