using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Quartz;
using ThreatScorer.Core.Alerts;
using ThreatScorer.Core.Configuration;
using ThreatScorer.Core.Feeds;
using ThreatScorer.Encoders;
using ThreatScorer.Web.Hosting;
using ThreatScorer.Worker.Operations;
using ThreatScorer.Worker.Scheduling;

namespace ThreatScorer.Worker;

/// <summary>Registers the worker: the pipeline, start-up checks and the Quartz schedule.</summary>
public static class WorkerServiceCollectionExtensions
{
    public static IServiceCollection AddThreatScorerWorker(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        // The MiniLM encoder for encoder-kind models (the ACTIVE stance version chooses the kind).
        services.AddThreatScorerEncoders();
        services.AddThreatScorerCore();
        services.AddOptions<ScheduleOptions>().BindConfiguration(ScheduleOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ScheduleOptions>, ScheduleOptionsValidator>());
        services.TryAddSingleton<RunCompletions>();
        services.TryAddSingleton<WorkerStatusReporter>();
        services.TryAddSingleton<WorkerState>();
        services.AddThreatScorerFeeds();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FeedOptions>, FeedScheduleValidator>());

        // Hosted services start in this order: the health endpoint (live while models load), the start-up
        // checks, then Quartz, so the checks finish before the first trigger can fire. They stop in reverse.
        services.AddThreatScorerOperations();
        services.AddHostedService<StartupService>();

        var schedule = configuration.GetSection(ScheduleOptions.SectionName).Get<ScheduleOptions>() ?? new ScheduleOptions();
        var feeds = configuration.GetSection(FeedOptions.SectionName).Get<FeedOptions>() ?? new FeedOptions();
        var store = configuration.GetSection($"{ThreatScorerOptions.SectionName}:Store").Get<StoreOptions>() ?? new StoreOptions();
        services.TryAddSingleton<ScoringJobRunner>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ThreatScorerOptions>, StoreFeaturesValidator>());

        // On PostgreSQL (several replicas) the schedule lives in the database and the replicas form a Quartz cluster,
        // so each trigger fires once per cluster; a one-shot run needs no cluster. SQLite keeps the in-memory schedule.
        var clustered = store.IsPostgres && !schedule.RunOnce && !string.IsNullOrWhiteSpace(store.ConnectionString);
        var scoreJob = clustered ? ClusteredScoreArticlesJob.Key : ScoreArticlesJob.Key;
        services.AddQuartz(q =>
        {
            if (clustered)
            {
                q.ConfigureScheduler(o => o.InstanceName = "threatscorer"); // the cluster's name; each node gets its own id
                q.UsePersistentStore(s =>
                {
                    s.UsePostgres(Npgsql.NpgsqlFactory.Instance, store.ConnectionString!);
                    s.UseClustering(c =>
                    {
                        // A node whose check-in is later than this is taken for dead and its acquired firings are
                        // recovered by the others, so a node that is merely starved of CPU (replicas sharing a small
                        // host with the database) would run a firing a second time. 60 s keeps that from happening
                        // under load; a really dead node's firing waits a minute, its articles' leases do the rest.
                        c.CheckinInterval = TimeSpan.FromSeconds(5);
                        c.CheckinMisfireThreshold = TimeSpan.FromSeconds(60);
                    });
                    s.ProvisionSchema();
                });
                q.AddJob<ClusteredScoreArticlesJob>(j => j.WithIdentity(ClusteredScoreArticlesJob.Key).StoreDurably());
            }
            else
            {
                q.AddJob<ScoreArticlesJob>(j => j.WithIdentity(ScoreArticlesJob.Key).StoreDurably());
            }

            if (CronExpression.TryParse(schedule.Cron, out _) && !schedule.RunOnce)
            {
                q.AddTrigger(t => t.ForJob(scoreJob).WithIdentity("score-articles-cron", "threatscorer")
                    .WithCronSchedule(schedule.Cron, c => c.WithMisfireInstruction(CronTriggerMisfireInstruction.DoNothing)));
            }

            if (schedule.RunAtStart)
            {
                q.RunAtStartup(scoreJob);
            }

            var alerts = configuration.GetSection(AlertOptions.SectionName).Get<AlertOptions>() ?? new AlertOptions();
            // Deliveries are in SQLite only (see AddThreatScorerAlerts): never polled on PostgreSQL.
            if (alerts.Enabled && alerts.PollInterval > TimeSpan.Zero && !store.IsPostgres)
            {
                q.AddJob<DeliverAlertsJob>(j => j.WithIdentity(DeliverAlertsJob.Key).StoreDurably());
                q.AddTrigger(t => t.ForJob(DeliverAlertsJob.Key).WithIdentity("deliver-alerts-poll", "threatscorer")
                    .StartNow().WithSimpleSchedule(s => s.WithInterval(alerts.PollInterval).RepeatForever()));
            }

            // Feeds are their own job on their own cron (see IngestFeedsJob); none configured, none scheduled.
            if (feeds.Sources.Count > 0)
            {
                q.AddJob<IngestFeedsJob>(j => j.WithIdentity(IngestFeedsJob.Key).StoreDurably());
                if (CronExpression.TryParse(feeds.Cron, out _) && !schedule.RunOnce)
                {
                    q.AddTrigger(t => t.ForJob(IngestFeedsJob.Key).WithIdentity("ingest-feeds-cron", "threatscorer")
                        .WithCronSchedule(feeds.Cron));
                }

                if (schedule.RunAtStart)
                {
                    q.RunAtStartup(IngestFeedsJob.Key);
                }
            }
        });
        // On SIGTERM the running job's token is cancelled and the shutdown waits for it: the article being scored
        // is finished (its save is one transaction) or abandoned, never half-written; the next start resumes.
        services.Configure<QuartzSchedulerOptions>(o => o.ShutdownJobInterruption = ShutdownJobInterruption.WhenWaitingForJobs);
        services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        services.AddThreatScorerWebWhenEnabled(configuration); // analyst UI (ThreatScorer:Web:Enabled), after start-up checks
        return services;
    }
}
