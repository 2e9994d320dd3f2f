using ThreatScorer.Core.Models;
using ThreatScorer.Core.Training;

namespace ThreatScorer.Tests.Models;

public sealed class HyperparameterOverrideTests
{
    [Theory]
    [InlineData("l2=abc", "'l2' takes a number, not 'abc'")]
    [InlineData("nope=1", "unknown setting 'nope'")]
    [InlineData("l2", "expected name=value")]
    public void Override_WithABadValue_NamesTheSettingAndWhatItTakes(string item, string expected)
    {
        var error = Assert.Throws<FormatException>(() => Hyperparameters.Override(ModelTasks.Stance, [item]));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Override_WithANumber_SetsIt()
    {
        var hp = Hyperparameters.Override(ModelTasks.Stance, ["l2=0.25"])!;

        Assert.Equal(0.25f, hp.L2);
    }
}
