using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using ThreatScorer.Worker.Operations;
using ThreatScorer.Worker.Scheduling;

namespace ThreatScorer.Tests.Operations;

public sealed class LastRunHealthCheckTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly IOptions<OperationsOptions> _options = Options.Create(new OperationsOptions { MaxRunAge = TimeSpan.FromMinutes(10) });

    [Fact]
    public async Task Check_WhenLastSuccessfulRunIsTooOld_IsUnhealthy()
    {
        var state = new WorkerState(_time);
        state.RunStarted();
        state.RunEnded(succeeded: true);
        _time.Advance(TimeSpan.FromMinutes(11));

        var result = await new LastRunHealthCheck(state, _time, _options).CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
    }

    [Fact]
    public async Task Check_WhenOnlyCancelledRunsEndedSinceAnOldSuccess_IsUnhealthy()
    {
        var state = new WorkerState(_time);
        state.RunStarted();
        state.RunEnded(succeeded: true);
        _time.Advance(TimeSpan.FromMinutes(9));
        state.RunStarted();
        state.RunEnded(succeeded: false);
        _time.Advance(TimeSpan.FromMinutes(2));

        var result = await new LastRunHealthCheck(state, _time, _options).CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
    }

    [Fact]
    public async Task Check_WhileALongRunIsInProgress_IsHealthy()
    {
        var state = new WorkerState(_time);
        state.RunStarted();
        _time.Advance(TimeSpan.FromHours(2));

        var result = await new LastRunHealthCheck(state, _time, _options).CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Healthy, result.Status);
    }

    [Fact]
    public async Task Check_BeforeTheFirstRun_IsHealthyOnlyWithinMaxAgeOfStart()
    {
        var state = new WorkerState(_time);
        var check = new LastRunHealthCheck(state, _time, _options);

        var early = await check.CheckHealthAsync(new HealthCheckContext());
        _time.Advance(TimeSpan.FromMinutes(11));
        var late = await check.CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Healthy, early.Status);
        Assert.Equal(HealthStatus.Unhealthy, late.Status);
    }
}
