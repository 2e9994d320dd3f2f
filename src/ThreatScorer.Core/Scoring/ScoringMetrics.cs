using System.Diagnostics.Metrics;

namespace ThreatScorer.Core.Scoring;

/// <summary>
/// The pipeline's meters (System.Diagnostics.Metrics; exported by the worker in Prometheus format): articles
/// ingested, scored, rejected and failed, the scoring latency per article and the backlog of pending articles.
/// </summary>
public sealed class ScoringMetrics
{
    /// <summary>The meter name every ThreatScorer instrument is published under.</summary>
    public const string MeterName = "ThreatScorer";

    private readonly Counter<long> _ingested;
    private readonly Counter<long> _scored;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _failed;
    private readonly Histogram<double> _latency;
    private long _backlog = -1;

    public ScoringMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _ingested = meter.CreateCounter<long>("threatscorer.articles.ingested", "{article}", "Articles queued for scoring (new articles and new versions).");
        _scored = meter.CreateCounter<long>("threatscorer.articles.scored", "{article}", "Articles scored and saved.");
        _rejected = meter.CreateCounter<long>("threatscorer.articles.rejected", "{article}", "Inputs rejected (bad input, over a limit).");
        _failed = meter.CreateCounter<long>("threatscorer.articles.failed", "{article}", "Scoring attempts that threw.");
        _latency = meter.CreateHistogram<double>("threatscorer.scoring.duration", "s", "Time to score and save one article.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
        meter.CreateObservableGauge("threatscorer.articles.backlog", ObserveBacklog, "{article}", "Articles waiting to be scored, as of the last count.");
    }

    public void RecordIngested(int count)
    {
        if (count > 0)
        {
            _ingested.Add(count);
        }
    }

    public void RecordRejected(int count)
    {
        if (count > 0)
        {
            _rejected.Add(count);
        }
    }

    public void RecordScored(TimeSpan duration)
    {
        _scored.Add(1);
        _latency.Record(duration.TotalSeconds);
    }

    public void RecordFailed() => _failed.Add(1);

    /// <summary>Sets the pending count reported by the backlog gauge (nothing is reported before the first count).</summary>
    public void RecordBacklog(int pending) => Interlocked.Exchange(ref _backlog, pending);

    private IEnumerable<Measurement<long>> ObserveBacklog()
    {
        var value = Interlocked.Read(ref _backlog);
        return value < 0 ? [] : [new Measurement<long>(value)];
    }
}
