using ThreatScorer.Core.Scoring;
using ThreatScorer.Worker.Scheduling;

namespace ThreatScorer.Tests.Worker;

public sealed class ScheduleOptionsValidatorTests
{
    [Fact]
    public void WorkerId_TooLong_SaysTheLimitAndShowsTheValue()
    {
        var result = new ScheduleOptionsValidator().Validate(null, new ScheduleOptions { WorkerId = new string('x', 201) });

        var failure = Assert.Single(result.Failures!);
        Assert.Contains("WorkerId must be at most 200 characters (got 201: 'xxxx", failure, StringComparison.Ordinal);
        Assert.DoesNotContain("control", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void WorkerId_WithAControlCharacter_NamesItAndShowsWhere()
    {
        var result = new ScheduleOptionsValidator().Validate(null, new ScheduleOptions { WorkerId = "node-a\n" });

        var failure = Assert.Single(result.Failures!);
        Assert.Contains("WorkerId must not contain control characters (got U+000A at position 7 of 'node-a\\u000A')", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_AreTheScoringRunDefaults()
    {
        var options = new ScheduleOptions();

        Assert.True(new ScheduleOptionsValidator().Validate(null, options).Succeeded);
        Assert.Equal(
            (ScoringRunSettings.DefaultLease, ScoringRunSettings.DefaultRetryDelay, ScoringRunSettings.DefaultMaxStoreOutage),
            (options.ClaimLease, options.RetryDelay, options.MaxStoreOutage));
        Assert.Equal("node-b", WorkerIdentity.Resolve("node-b"));
        Assert.Equal(WorkerIdentity.Default, WorkerIdentity.Resolve(" "));
    }
}
