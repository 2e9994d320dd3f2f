using ThreatScorer.Encoders;

namespace ThreatScorer.Tests.Encoders;

public sealed class TargetPoolingTests
{
    private const int D = MiniLmEncoder.Dimensions;

    // Row t holds the value t in every dimension, so every block's expected value is easy to state.
    private static float[] States(int tokens)
    {
        var states = new float[tokens * D];
        for (var t = 0; t < tokens; t++)
        {
            states.AsSpan(t * D, D).Fill(t);
        }

        return states;
    }

    [Fact]
    public void Pool_BlocksAreSentenceTargetLeftRightNearMaxProduct()
    {
        // [CLS] a b T T c [SEP]: target pieces 3..5
        var tokens = new TargetTokens(new int[7], 3, 5);

        var pooled = TargetPooling.Pool(States(7), tokens);

        Assert.Equal(TargetPooling.Length, pooled.Length);
        Assert.Equal(3f, pooled[0], 4);                // mean of 0..6
        Assert.Equal(3.5f, pooled[D], 4);               // mean of 3, 4
        Assert.Equal(1.5f, pooled[2 * D], 4);           // left: 1, 2
        Assert.Equal(5f, pooled[3 * D], 4);             // right: 5 ([SEP] excluded)
        // Distance-weighted: 1 (d=2, w=1/3), 2 (d=1, w=1/2), 5 (d=1, w=1/2).
        Assert.Equal((1f / 3 + 1f + 2.5f) / (1f / 3 + 1f), pooled[4 * D], 4);
        Assert.Equal(4f, pooled[5 * D], 4);             // max over target
        Assert.Equal(3.5f * 3f, pooled[6 * D], 4);      // target ⊙ sentence
    }

    [Fact]
    public void Pool_WhenTargetStartsTheSentence_LeftContextIsZero()
    {
        var tokens = new TargetTokens(new int[5], 1, 2);

        var pooled = TargetPooling.Pool(States(5), tokens);

        Assert.All(pooled.AsSpan(2 * D, D).ToArray(), v => Assert.Equal(0f, v));
        Assert.Equal(2.5f, pooled[3 * D], 4);
    }

    [Fact]
    public void Pool_WhenStatesDoNotMatchTokens_Throws()
    {
        Assert.Throws<ArgumentException>(() => TargetPooling.Pool(new float[D * 3], new TargetTokens(new int[4], 1, 2)));
    }
}
