using ThreatScorer.Core.Actors;
using ThreatScorer.Tests.TestSupport;

namespace ThreatScorer.Tests.Actors;

public sealed class ActorRecognizerSeedTests
{
    private static readonly string Seed = File.ReadAllText(RepoPaths.SeedArticle);

    private static readonly IReadOnlyList<ActorMention> Mentions = ActorTestText.Recognize(Seed);

    private static IEnumerable<ActorMention> Of(string actorId) => Mentions.Where(m => m.ActorId == actorId);

    [Theory]
    [InlineData("RUS", ActorType.State)]
    [InlineData("TJK", ActorType.State)]
    [InlineData("AFG", ActorType.State)]
    [InlineData("GRP.TALIBAN", ActorType.ArmedGroup)]
    [InlineData("IGO.CSTO", ActorType.Igo)]
    [InlineData("GRP.ISIS", ActorType.ArmedGroup)]
    public void Recognize_OnSeedArticle_FindsListedActor(string actorId, ActorType type)
    {
        var found = Of(actorId).ToList();

        Assert.NotEmpty(found);
        Assert.All(found, m => Assert.True(m.IsListed && m.Type == type, $"{m.Text} → {m.ActorId} {m.Type}"));
    }

    [Fact]
    public void Recognize_OnSeedArticle_FindsCsto()
    {
        Assert.Contains(Mentions, m => m.ActorId == "IGO.CSTO" && m.Text == "CSTO");
    }

    [Fact]
    public void Recognize_OnSeedArticle_FindsCstoLongForm()
    {
        Assert.Contains(Mentions, m => m.ActorId == "IGO.CSTO" && m.Text == "Collective Security Treaty Organisation");
    }

    [Theory]
    [InlineData("Russian", "RUS")]
    [InlineData("Moscow", "RUS")]
    [InlineData("Dushanbe", "TJK")]
    [InlineData("Kabul", "AFG")]
    [InlineData("Tajiks", "TJK")]
    public void Recognize_OnSeedArticle_MapsDemonymsAndCapitalsToTheirState(string text, string state)
    {
        var found = Mentions.Where(m => m.Text == text).ToList();

        Assert.NotEmpty(found);
        Assert.All(found, m => Assert.Equal(state, m.ActorId));
        Assert.All(found, m => Assert.Equal(state, m.Country));
    }

    [Fact]
    public void Recognize_OnSeedArticle_FindsRahmonWithTitleAsTajikPerson()
    {
        var rahmon = Of("PER.EMOMALI_RAHMON").ToList();

        Assert.Contains(rahmon, m => m.Text.EndsWith("President Emomali Rahmon", StringComparison.Ordinal));
        Assert.Contains(rahmon, m => m.Text == "Rahmon");
        Assert.All(rahmon, m => Assert.Equal(("TJK", ActorType.Person), (m.Country, m.Type)));
    }

    [Fact]
    public void Recognize_OnSeedArticle_FindsPutinAsRussianPersonWithoutSeparateStateMention()
    {
        var putin = Of("PER.VLADIMIR_PUTIN").ToList();

        Assert.Contains(putin, m => m.Text == "Russian President Vladimir Putin");
        Assert.All(putin, m => Assert.Equal(("RUS", ActorType.Person), (m.Country, m.Type)));
        foreach (var p in putin)
        {
            Assert.DoesNotContain(Mentions, m => m != p && m.Start < p.Start + p.Length && p.Start < m.Start + m.Length);
        }
    }

    [Theory]
    [InlineData("PER.NIKOL_PASHINYAN", "ARM")]
    [InlineData("PER.ALEXANDER_LUKASHENKO", "BLR")]
    [InlineData("PER.KASSYM_JOMART_TOKAYEV", "KAZ")]
    [InlineData("PER.SADYR_JAPAROV", "KGZ")]
    public void Recognize_OnSeedArticle_FindsSummitLeaders(string actorId, string country)
    {
        Assert.Contains(Mentions, m => m.ActorId == actorId && m.Country == country && m.Type == ActorType.Person);
    }

    [Fact]
    public void Recognize_OnSeedArticle_SplitsRussiaLedAndPossessives()
    {
        var at = Seed.IndexOf("Russia-led", StringComparison.Ordinal);
        Assert.Contains(Mentions, m => m.Start == at && m.Text == "Russia" && m.ActorId == "RUS");

        var moscowLed = Seed.IndexOf("Moscow-led", StringComparison.Ordinal);
        Assert.Contains(Mentions, m => m.Start == moscowLed && m.Text == "Moscow" && m.ActorId == "RUS");

        var russias = Seed.IndexOf("Russia's", StringComparison.Ordinal);
        Assert.Contains(Mentions, m => m.Start == russias && m.Text == "Russia");

        var talibans = Seed.IndexOf("Taliban's", StringComparison.Ordinal);
        Assert.Contains(Mentions, m => m.Start == talibans && m.Text == "Taliban" && m.ActorId == "GRP.TALIBAN");
    }

    [Fact]
    public void Recognize_OnSeedArticle_TajikAfghanYieldsBoth()
    {
        var at = Seed.IndexOf("Tajik-Afghan", StringComparison.Ordinal);

        Assert.Contains(Mentions, m => m.Start == at && m.ActorId == "TJK");
        Assert.Contains(Mentions, m => m.Start == at + "Tajik-".Length && m.ActorId == "AFG");
    }

    [Fact]
    public void Recognize_OnSeedArticle_ReportsUnlistedNames()
    {
        var unlisted = Mentions.Where(m => !m.IsListed).ToList();

        Assert.All(unlisted, m => Assert.StartsWith(ActorRecognizer.UnlistedPrefix, m.ActorId, StringComparison.Ordinal));
        Assert.All(unlisted, m => Assert.Equal(ActorType.Unknown, m.Type));
        Assert.Contains(unlisted, m => m.Text == "Interfax" && m.ActorId == "UNLISTED:INTERFAX");
        Assert.Contains(unlisted, m => m.Text == "Harb-Maidon");
        Assert.Contains(unlisted, m => m.Text == "India Narrative");
        Assert.Contains(unlisted, m => m.Text == "Rudenko");
    }

    [Fact]
    public void Recognize_OnSeedArticle_LinksRudenkoToHisFullNameAndCountry()
    {
        var rudenko = Mentions.Where(m => m.Text.Contains("Rudenko", StringComparison.Ordinal)).ToList();

        Assert.Contains(rudenko, m => m.Text == "Russian Deputy Foreign Minister Andrei Rudenko");
        Assert.All(rudenko, m => Assert.Equal(("UNLISTED:ANDREI_RUDENKO", "RUS"), (m.ActorId, m.Country)));
    }

    [Theory]
    [InlineData("On")]
    [InlineData("Friday")]
    [InlineData("Still")]
    [InlineData("But")]
    [InlineData("All")]
    [InlineData("The")]
    [InlineData("Also")]
    [InlineData("Also Read")]
    [InlineData("Read")]
    [InlineData("President")]
    [InlineData("It")]
    [InlineData("As")]
    [InlineData("English News")]
    [InlineData("Central Asian")]
    [InlineData("Security Council")]
    public void Recognize_OnSeedArticle_DoesNotReportOrdinaryCapitalisedWords(string word)
    {
        Assert.DoesNotContain(Mentions, m => m.Text == word);
    }

    [Fact]
    public void Recognize_OnSeedArticle_ReturnsOrderedNonOverlappingSpansThatMatchTheText()
    {
        var sentences = ActorTestText.Split(Seed);
        for (var i = 0; i < Mentions.Count; i++)
        {
            var m = Mentions[i];
            Assert.Equal(m.Text, Seed.Substring(m.Start, m.Length));
            var sentence = sentences[m.SentenceIndex];
            Assert.InRange(m.Start, sentence.Start, sentence.End - m.Length);
            if (i > 0)
            {
                Assert.True(Mentions[i - 1].Start + Mentions[i - 1].Length <= m.Start, $"overlap at {m.Start}: {m.Text}");
            }
        }
    }
}
