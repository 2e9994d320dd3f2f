using Microsoft.ML;
using ThreatScorer.Core.Models;
using ThreatScorer.Encoders;

namespace ThreatScorer.Tests.Encoders;

public sealed class SentenceProbeTests(EncoderFixture fixture) : IClassFixture<EncoderFixture>
{
    private const int D = MiniLmEncoder.Dimensions;

    [Fact]
    public void Pool_IsTheMeanThenTheMaxOfTheTokenRows()
    {
        // Row t holds t in every dimension except dimension 0 of row 1, which is 10.
        var states = new float[4 * D];
        for (var t = 0; t < 4; t++)
        {
            states.AsSpan(t * D, D).Fill(t);
        }

        states[D] = 10f;

        var pooled = SentenceProbe.Pool(states);

        Assert.Equal(SentenceProbe.Length, pooled.Length);
        Assert.Equal((0f + 10f + 2f + 3f) / 4, pooled[0], 4);
        Assert.Equal(1.5f, pooled[1], 4);
        Assert.Equal(10f, pooled[D], 4);
        Assert.Equal(3f, pooled[D + 1], 4);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(D + 1)]
    public void Pool_WhenNotWholeRows_Throws(int values)
    {
        Assert.Throws<ArgumentException>(() => SentenceProbe.Pool(new float[values]));
    }

    [Fact]
    public void Embed_GivesOneVectorPerText_InInputOrder_WhateverTheBatch()
    {
        var probe = new SentenceProbe(fixture.Encoder, batchSize: 2);
        var longText = string.Join(' ', Enumerable.Repeat("The rebels shelled the town again overnight.", 40));
        string[] texts = ["Troops fired on protesters in the capital.", string.Empty, longText, "The ministers signed a trade agreement."];

        var together = probe.Embed(texts, CancellationToken.None);
        var alone = probe.Embed([texts[3]], CancellationToken.None);

        Assert.Equal(texts.Length, together.Length);
        Assert.All(together, v => Assert.Equal(SentenceProbe.Length, v.Length));
        Assert.All(together, v => Assert.All(v, x => Assert.True(float.IsFinite(x))));
        for (var k = 0; k < SentenceProbe.Length; k++)
        {
            Assert.Equal(alone[0][k], together[3][k], 3);
        }

        Assert.NotEqual(together[0], together[3]);
    }

    [Fact]
    public void Embed_PutsSimilarSentencesCloserThanUnrelatedOnes()
    {
        var probe = new SentenceProbe(fixture.Encoder);
        var v = probe.Embed(
            ["Gunmen attacked a police station and killed four officers.", "Armed men stormed a police post, killing several policemen.", "The central bank left interest rates unchanged."],
            CancellationToken.None);

        Assert.True(Cosine(v[0], v[1]) > Cosine(v[0], v[2]) + 0.1, $"{Cosine(v[0], v[1])} vs {Cosine(v[0], v[2])}");
    }

    [Fact]
    public void FitScoreDecide_LearnsSeparableClasses()
    {
        var ml = new MLContext(1);
        var random = new Random(7);
        string[] labels = ["calm", "violent"];
        var features = new float[40][];
        var targets = new string[40];
        for (var i = 0; i < features.Length; i++)
        {
            var violent = i % 2 == 1;
            features[i] = Enumerable.Range(0, SentenceProbe.Length).Select(k => (float)random.NextDouble() + (k == 5 && violent ? 3f : 0f)).ToArray();
            targets[i] = labels[violent ? 1 : 0];
        }

        var head = SentenceProbe.Fit(ml, features, targets, labels, l2: 1f);
        var probabilities = SentenceProbe.Score(ml, head, features);

        Assert.Equal(targets, SentenceProbe.Decide(probabilities, labels));
        Assert.All(probabilities, p => Assert.Equal(1f, p.Sum(), 3));
    }

    [Fact]
    public void Blend_WeighsTheTwoModels_AndAsRowsFollowsTheLabelOrder()
    {
        string[] labels = ["negative", "neutral", "positive"];
        var rows = SentenceProbe.AsRows(
            [new ClassPrediction("positive", new Dictionary<string, float> { ["positive"] = 0.7f, ["negative"] = 0.1f, ["neutral"] = 0.2f })],
            labels);

        var blended = SentenceProbe.Blend([[0.5f, 0.5f, 0f]], rows, weightOfA: 0.75f);

        Assert.Equal([0.1f, 0.2f, 0.7f], rows[0]);
        Assert.Equal(0.75f * 0.5f + 0.25f * 0.1f, blended[0][0], 5);
        Assert.Equal(0.75f * 0.5f + 0.25f * 0.2f, blended[0][1], 5);
        Assert.Equal(0.25f * 0.7f, blended[0][2], 5);
        Assert.Equal(["neutral"], SentenceProbe.Decide(blended, labels)); // 0.400, 0.425, 0.175
    }

    private static double Cosine(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }

        return dot / Math.Sqrt(na * nb);
    }
}
