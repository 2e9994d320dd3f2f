using Microsoft.Extensions.Hosting;
using ThreatScorer.Core.Configuration;

namespace ThreatScorer.Worker.Scheduling;

/// <summary>
/// Migrates the store and loads the models before Quartz starts (registered ahead of Quartz's hosted service),
/// so a broken database or model stops the start instead of failing the first job.
/// </summary>
public sealed class StartupService(StartupTasks tasks) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => tasks.RunAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
