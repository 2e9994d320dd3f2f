using ThreatScorer.Core.Actors;
using ThreatScorer.Core.Cleaning;
using ThreatScorer.Core.Models;
using ThreatScorer.Core.Scoring;
using ThreatScorer.Core.Threat;

namespace ThreatScorer.Tests.Threat;

public sealed class RelationExtractorTests
{
    [Fact]
    public void Extract_ProtectorSentence_LinksSubjectToNearestFollowingActor()
    {
        const string text = "Russia vows to shield Tajikistan as threat of Taliban sponsored terrorism rises.";
        var cleaned = new CleanedArticle(null, text, [new Sentence(0, 0, text.Length, 0, text)]);
        var mentions = new List<ActorMention>
        {
            Mention("RUS", "Russia", ActorType.State, text, "Russia"),
            Mention("TJK", "Tajikistan", ActorType.State, text, "Tajikistan"),
            Mention("GRP.TALIBAN", "Taliban", ActorType.ArmedGroup, text, "Taliban"),
        };

        var relations = RelationExtractor.Extract(cleaned, mentions, [Prediction("verbal_cooperation")]);

        var relation = Assert.Single(relations);
        Assert.Equal(("RUS", "TJK", "verbal_cooperation"), (relation.SubjectId, relation.ObjectId, relation.Interaction));
        Assert.Equal(text, relation.Evidence.Text);
    }

    [Fact]
    public void Extract_PassiveAgent_IsTheSubject()
    {
        const string text = "Three villages in Niger were attacked by Islamic State on Sunday.";
        var cleaned = new CleanedArticle(null, text, [new Sentence(0, 0, text.Length, 0, text)]);
        var mentions = new List<ActorMention>
        {
            Mention("NER", "Niger", ActorType.State, text, "Niger"),
            Mention("GRP.ISIS", "Islamic State", ActorType.ArmedGroup, text, "Islamic State"),
        };

        var relation = Assert.Single(RelationExtractor.Extract(cleaned, mentions, [Prediction("material_conflict")]));

        Assert.Equal(("GRP.ISIS", "NER"), (relation.SubjectId, relation.ObjectId));
    }

    [Fact]
    public void Extract_StatementOrSingleActor_GivesNoRelation()
    {
        const string text = "Russia and Tajikistan published trade figures for 2025.";
        var cleaned = new CleanedArticle(null, text, [new Sentence(0, 0, text.Length, 0, text)]);
        var both = new List<ActorMention> { Mention("RUS", "Russia", ActorType.State, text, "Russia"), Mention("TJK", "Tajikistan", ActorType.State, text, "Tajikistan") };

        Assert.Empty(RelationExtractor.Extract(cleaned, both, [Prediction("statement")]));
        Assert.Empty(RelationExtractor.Extract(cleaned, both.Take(1).ToList(), [Prediction("material_conflict")]));
    }

    private static ActorMention Mention(string id, string name, ActorType type, string text, string surface) =>
        new(id, name, type, type == ActorType.State ? id : null, 0, text.IndexOf(surface, StringComparison.Ordinal), surface.Length, surface, IsListed: true);

    private static ClassPrediction Prediction(string label) =>
        new(label, ThreatLabels.Interactions.ToDictionary(l => l, l => l == label ? 0.8f : 0.05f));
}
