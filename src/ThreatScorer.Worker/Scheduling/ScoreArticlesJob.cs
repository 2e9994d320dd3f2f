using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Quartz;
using ThreatScorer.Core.Alerts;
using ThreatScorer.Core.Configuration;
using ThreatScorer.Core.Scoring;

namespace ThreatScorer.Worker.Scheduling;

/// <summary>
/// The scoring job on a single node (in-memory schedule): one run of ingest → score → store, never two at once.
/// Cancellation from shutdown is honoured between and inside articles.
/// </summary>
[DisallowConcurrentExecution]
public sealed class ScoreArticlesJob(ScoringJobRunner runner) : IJob
{
    public static readonly JobKey Key = new("score-articles", "threatscorer");

    public ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        runner.RunAsync(cancellationToken);
}

/// <summary>
/// The scoring job on a cluster (PostgreSQL job store): each trigger fires once per cluster, on whichever replica
/// acquires it. It is deliberately not <see cref="DisallowConcurrentExecutionAttribute"/> — on a cluster that would
/// let only one replica score at a time — so while one replica drains the queue the next firing goes to another
/// and they share the work through claims. A replica never runs two scoring runs at once (a firing that finds
/// this node busy returns at once); the claims, not Quartz, keep two replicas off the same article.
/// </summary>
public sealed class ClusteredScoreArticlesJob(ScoringJobRunner runner, ILogger<ClusteredScoreArticlesJob> logger) : IJob
{
    public static readonly JobKey Key = new("score-articles-clustered", "threatscorer");

    public ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        logger.LogInformation("Clustered firing {FireTime} of {Trigger} taken by scheduler instance {Instance}",
            context.ScheduledFireTimeUtc?.ToString("o", System.Globalization.CultureInfo.InvariantCulture) ?? "now",
            context.Trigger.Key.ToString(), context.Scheduler.SchedulerInstanceId);
        return runner.RunAsync(cancellationToken);
    }
}

/// <summary>One scoring run with the configured settings; at most one at a time on this node.</summary>
public sealed class ScoringJobRunner(
    ScoringRun run,
    IOptions<ThreatScorerOptions> options,
    IOptions<ScheduleOptions> schedule,
    IHostApplicationLifetime lifetime,
    RunCompletions completions,
    WorkerStatusReporter status,
    WorkerState state,
    AlertWebhookSender alerts,
    IOptions<AlertOptions> alertOptions,
    ILogger<ScoringJobRunner> logger) : IDisposable
{
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);

    public void Dispose() => _oneAtATime.Dispose();

    public async ValueTask RunAsync(CancellationToken cancellationToken)
    {
        if (!await _oneAtATime.WaitAsync(TimeSpan.Zero, cancellationToken))
        {
            logger.LogDebug("A scoring run is already in progress on this worker; this firing is left to it");
            return;
        }

        var settings = new ScoringRunSettings(
            options.Value.Inbox.EffectiveFolders,
            options.Value.Inbox.Limits,
            schedule.Value.BatchSize,
            schedule.Value.MaxAttempts)
        {
            WorkerId = WorkerIdentity.Resolve(schedule.Value.WorkerId),
            Lease = schedule.Value.ClaimLease,
            RetryDelay = schedule.Value.RetryDelay,
            MaxStoreOutage = schedule.Value.MaxStoreOutage,
            QuietPeriod = options.Value.Inbox.QuietPeriod,
        };
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
            _oneAtATime.Release();
            state.RunEnded(succeeded);
            if (schedule.Value.RunOnce)
            {
                lifetime.StopApplication();
            }
        }
    }
}
