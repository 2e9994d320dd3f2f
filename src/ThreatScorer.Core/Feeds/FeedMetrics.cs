using System.Diagnostics.Metrics;
using ThreatScorer.Core.Scoring;

namespace ThreatScorer.Core.Feeds;

/// <summary>Feed instruments, on the same meter as the pipeline's (so the worker's /metrics exports them).</summary>
public sealed class FeedMetrics
{
    private readonly Counter<long> _fetches;
    private readonly Counter<long> _errors;

    public FeedMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(ScoringMetrics.MeterName);
        _fetches = meter.CreateCounter<long>("threatscorer.feeds.fetches", "{fetch}", "Feed documents fetched, by source and outcome (ok, not_modified, error).");
        _errors = meter.CreateCounter<long>("threatscorer.feeds.errors", "{error}", "Feed and article-page errors, by source.");
    }

    public void RecordFetch(string source, string outcome) =>
        _fetches.Add(1, new KeyValuePair<string, object?>("source", source), new KeyValuePair<string, object?>("outcome", outcome));

    public void RecordError(string source) => _errors.Add(1, new KeyValuePair<string, object?>("source", source));
}
