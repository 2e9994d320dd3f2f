using Quartz;
using ThreatScorer.Core.Alerts;

namespace ThreatScorer.Worker.Scheduling;

/// <summary>
/// Sends alert webhooks that are due (new matches and retries), every <see cref="AlertOptions.PollInterval"/>.
/// Separate from scoring, so a slow or broken webhook never holds up a scoring run.
/// </summary>
[DisallowConcurrentExecution]
public sealed class DeliverAlertsJob(AlertWebhookSender sender) : IJob
{
    public static readonly JobKey Key = new("deliver-alerts", "threatscorer");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await sender.DeliverDueAsync(cancellationToken);
}
