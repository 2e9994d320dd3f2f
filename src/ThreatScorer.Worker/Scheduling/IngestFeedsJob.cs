using Microsoft.Extensions.Logging;
using Quartz;
using ThreatScorer.Core.Feeds;

namespace ThreatScorer.Worker.Scheduling;

/// <summary>
/// The feed job, on its own cron (ThreatScorer:Feeds:Cron): network fetches run at a pace polite to the
/// publishers and a slow or failing source never holds up scoring. What it stores is status new, so the
/// scoring job picks it up on its next run.
/// </summary>
[DisallowConcurrentExecution]
public sealed class IngestFeedsJob(FeedIngestor ingestor, ILogger<IngestFeedsJob> logger) : IJob
{
    public static readonly JobKey Key = new("ingest-feeds", "threatscorer");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        try
        {
            var s = await ingestor.IngestAllAsync(cancellationToken);
            logger.LogInformation(
                "Feeds: {Sources} sources ({NotModified} not modified, {Failed} failed), {Items} items, {Added} new articles, {Versions} new versions, {Skipped} already seen, {Rejected} rejected, {Errors} errors",
                s.Sources, s.NotModified, s.FailedSources, s.Items, s.Added, s.NewVersions, s.Skipped, s.Rejected, s.Errors);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            logger.LogInformation("Feed ingestion cancelled by shutdown; the next run resumes from the stored state");
        }
    }
}
