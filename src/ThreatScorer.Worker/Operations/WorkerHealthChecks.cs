using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using ThreatScorer.Core.Storage;
using ThreatScorer.Worker.Scheduling;

namespace ThreatScorer.Worker.Operations;

/// <summary>Ready once the start-up tasks (schema migration, model loading) have finished.</summary>
public sealed class ModelsLoadedHealthCheck(WorkerState state) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(state.Models is { } versions
            ? HealthCheckResult.Healthy($"stance {versions.Stance}, sentiment {versions.Sentiment}, threat {versions.Threat}, interaction {versions.Interaction}")
            : HealthCheckResult.Unhealthy("models are not loaded yet"));
}

/// <summary>The store answers a query within the probe timeout.</summary>
public sealed class StoreHealthCheck(IArticleStore store, IOptions<OperationsOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.StoreProbeTimeout);
        try
        {
            var version = await store.GetSchemaVersionAsync(timeout.Token);
            return HealthCheckResult.Healthy($"schema version {version}");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"store unreachable: {ex.GetType().Name}: {ex.Message}");
        }
    }
}

/// <summary>
/// The last successful run ended within <see cref="OperationsOptions.MaxRunAge"/> (before the first run: the
/// worker started within it). A run still in progress keeps the worker ready: a long backlog is not an outage.
/// </summary>
public sealed class LastRunHealthCheck(WorkerState state, TimeProvider time, IOptions<OperationsOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var max = options.Value.MaxRunAge;
        if (state.RunStartedAt is { } running)
        {
            return Task.FromResult(HealthCheckResult.Healthy($"run in progress for {(now - running).TotalSeconds:F0} s"));
        }

        if (state.LastSucceededAt is { } last)
        {
            var age = now - last;
            return Task.FromResult(age <= max
                ? HealthCheckResult.Healthy($"last successful run ended {age.TotalSeconds:F0} s ago")
                : HealthCheckResult.Unhealthy($"last successful run ended {age.TotalSeconds:F0} s ago (max {max.TotalSeconds:F0} s)"));
        }

        var sinceStart = now - state.StartedAt;
        return Task.FromResult(sinceStart <= max
            ? HealthCheckResult.Healthy($"no run yet; started {sinceStart.TotalSeconds:F0} s ago")
            : HealthCheckResult.Unhealthy($"no successful run in the {sinceStart.TotalSeconds:F0} s since start (max {max.TotalSeconds:F0} s)"));
    }
}
