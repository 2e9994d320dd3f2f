using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ThreatScorer.Core.Configuration;
using ThreatScorer.Core.Scoring;

namespace ThreatScorer.Worker.Scheduling;

/// <summary>Keeps the status file beside the database up to date: loaded model versions, since when, last run.</summary>
public sealed class WorkerStatusReporter(
    ScoringModelProvider models,
    IOptions<ThreatScorerOptions> options,
    TimeProvider time,
    ILogger<WorkerStatusReporter> logger)
{
    private readonly DateTimeOffset _startedAt = time.GetUtcNow();
    private RunSummary? _lastRun;
    private DateTimeOffset? _lastRunAt;

    public async Task ReportAsync(RunSummary? run, CancellationToken cancellationToken)
    {
        if (run is not null)
        {
            _lastRun = run;
            _lastRunAt = time.GetUtcNow();
        }

        var status = new WorkerStatus(
            Environment.ProcessId, _startedAt, models.Current.Versions, models.LoadedAt, time.GetUtcNow(), _lastRunAt,
            _lastRun is { } r ? $"{r.Scored} scored, {r.Rejected} rejected, {r.Failed} failed in {r.Duration.TotalSeconds:F1} s{(r.Cancelled ? " (cancelled)" : string.Empty)}" : null);
        try
        {
            await WorkerStatusFile.WriteAsync(options.Value.Store.SqlitePath, status, cancellationToken);
        }
        catch (IOException ex)
        {
            // Status is informative; a full disk or read-only folder must not stop scoring.
            logger.LogWarning(ex, "Could not write the worker status file");
        }
    }
}
