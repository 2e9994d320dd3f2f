using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ThreatScorer.Core.Configuration;
using ThreatScorer.Core.Scoring;

namespace ThreatScorer.Worker.Scheduling;

/// <summary>
/// Migrates the store and loads the models before Quartz starts (registered ahead of Quartz's hosted service),
/// so a broken database or model stops the start instead of failing the first job.
/// </summary>
/// <remarks>
/// <see cref="StartupTasks"/> is resolved in <see cref="StartAsync"/>, not injected: the host validates options
/// after it has built the hosted services, and resolving the store earlier would report only the first bad
/// setting instead of all of them.
/// </remarks>
public sealed class StartupService(IServiceProvider services) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await services.GetRequiredService<StartupTasks>().RunAsync(cancellationToken);
        var state = services.GetRequiredService<WorkerState>();
        var models = services.GetRequiredService<ScoringModelProvider>();
        state.ModelsLoaded(models.Current.Versions);
        models.Reloaded += (_, reloaded) => state.ModelsLoaded(reloaded.Versions);
        await services.GetRequiredService<WorkerStatusReporter>().ReportAsync(null, cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
