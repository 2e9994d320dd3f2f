using ThreatScorer.Cli.Commands;

namespace ThreatScorer.Tests.Cli;

public sealed class CompareOutputTests
{
    [Theory]
    [InlineData(-0.00002, "0.0000")]
    [InlineData(0.00002, "0.0000")]
    [InlineData(0.0, "0.0000")]
    [InlineData(-0.0002, "-0.0002")]
    [InlineData(0.01234, "+0.0123")]
    [InlineData(-0.5, "-0.5000")]
    public void SignedDelta_RoundsToFourPlaces_AndATinyDifferenceIsPlainZero(double delta, string expected) =>
        Assert.Equal(expected, RegistryCommands.SignedDelta(delta));
}
