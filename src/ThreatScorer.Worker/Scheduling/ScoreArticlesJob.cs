using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Quartz;
using ThreatScorer.Core.Alerts;
using ThreatScorer.Core.Configuration;
using ThreatScorer.Core.Scoring;

namespace ThreatScorer.Worker.Scheduling;

/// <summary>
/// The scoring job: one run of ingest → score → store. Never runs twice at once on a node; cancellation from
/// shutdown is honoured between and inside articles.
/// </summary>
[DisallowConcurrentExecution]
public sealed class ScoreArticlesJob(
    ScoringRun run,
    IOptions<ThreatScorerOptions> options,
    IOptions<ScheduleOptions> schedule,
    IHostApplicationLifetime lifetime,
    RunCompletions completions,
    WorkerStatusReporter status,
    WorkerState state,
    AlertWebhookSender alerts,
    IOptions<AlertOptions> alertOptions) : IJob
{
    public static readonly JobKey Key = new("score-articles", "threatscorer");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var settings = new ScoringRunSettings(
            options.Value.Inbox.EffectiveFolders,
            options.Value.Inbox.Limits,
            schedule.Value.BatchSize,
            schedule.Value.MaxAttempts);
        var succeeded = false;
        state.RunStarted();
        try
        {
            var summary = await run.ExecuteAsync(settings, cancellationToken);
            completions.Record(summary);
            succeeded = !summary.Cancelled;
            await status.ReportAsync(summary, CancellationToken.None);
            if (schedule.Value.RunOnce && alertOptions.Value.Enabled && !summary.Cancelled)
            {
                // A one-shot run stops right after this job: make the first attempt at this run's alerts now.
                await alerts.DeliverDueAsync(cancellationToken);
            }
        }
        finally
        {
            state.RunEnded(succeeded);
            if (schedule.Value.RunOnce)
            {
                lifetime.StopApplication();
            }
        }
    }
}
